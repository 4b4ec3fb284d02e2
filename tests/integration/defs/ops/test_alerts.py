"""Failure and late-source alerts, e-mailed through a real SMTP server on loopback."""

from datetime import UTC
from email import message_from_bytes
from email.policy import default

import dagster as dg

from t82_pipeline.defs.ops.alerts import late_source_alert, run_failure_alert
from t82_pipeline.defs.ops.resources import AlertTarget
from t82_pipeline.lib.mail import MailResource


def resources(controller):
    return {
        "mail": MailResource(smtp_host="127.0.0.1", smtp_port=controller.port, starttls=False),
        "alerts": AlertTarget(recipients=["data@example.org"]),
    }


@dg.asset
def broken_source():
    raise RuntimeError(
        "[apidae] /api/v002/recherche/list-objets-touristiques first=0 count=200: HTTP 503: Service indisponible"
    )


def test_a_failed_run_is_emailed_with_its_failed_step(smtp_server):
    controller, received = smtp_server
    with dg.instance_for_test() as instance:
        result = dg.materialize([broken_source], instance=instance, raise_on_error=False)
        failure = next(
            e
            for e in result.all_events
            if e.event_type_value == "PIPELINE_FAILURE" or e.event_type_value == "RUN_FAILURE"
        )
        context = dg.build_run_status_sensor_context(
            sensor_name="run_failure_alert",
            dagster_instance=instance,
            dagster_run=result.dagster_run,
            dagster_event=failure,
            resources=resources(controller),
        ).for_run_failure()
        run_failure_alert(context)
    [envelope] = received
    message = message_from_bytes(envelope.content, policy=default)
    assert envelope.rcpt_tos == ["data@example.org"]
    assert message["Subject"] == "[t82] Échec du job __ephemeral_asset_job__"
    body = message.get_content()
    assert "broken_source : RuntimeError: [apidae]" in body and "HTTP 503" in body and result.run_id in body


def test_a_late_source_is_emailed_once_a_day(smtp_server):
    import json
    from datetime import datetime, timedelta

    controller, received = smtp_server
    with dg.instance_for_test() as instance:
        fresh_install = dg.build_sensor_context(instance=instance, resources=resources(controller))
        late_source_alert(fresh_install)
        assert not received  # nothing has had time to land yet
        two_days_ago = (datetime.now(UTC) - timedelta(days=2)).isoformat()
        first = dg.build_sensor_context(
            instance=instance, cursor=json.dumps({"_watched_since": two_days_ago}), resources=resources(controller)
        )
        late_source_alert(first)
        second = dg.build_sensor_context(instance=instance, cursor=first.cursor, resources=resources(controller))
        late_source_alert(second)
    [envelope] = received  # the second evaluation the same day stays quiet
    body = message_from_bytes(envelope.content, policy=default).get_content()
    assert "landing/apidae_api_objects : jamais chargée" in body
