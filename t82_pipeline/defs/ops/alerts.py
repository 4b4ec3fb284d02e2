"""Telling the data engineer, without anyone watching: failed runs and late sources by e-mail
(the SMTP settings, or the outbox in the embedded default)."""

import json
from datetime import datetime, timezone

import dagster as dg

from t82_pipeline.lib.freshness import SOURCE_MAX_AGE
from t82_pipeline.lib.mail import MailResource


class AlertTarget(dg.ConfigurableResource):
    recipients: list[str] = []
    ui_url: str = "http://127.0.0.1:3000"


def root_message(error) -> str:
    """The innermost error: the source's own message, not Dagster's wrapper around it."""
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


def failure_message(run: dg.DagsterRun, step_errors: list[str], ui_url: str) -> tuple[str, str]:
    subject = f"[t82] Échec du job {run.job_name}"
    body = "\n".join([
        f"Le job « {run.job_name} » a échoué (run {run.run_id}).", "",
        *(step_errors or ["Aucune étape en erreur n'a été trouvée : voir le journal du run."]), "",
        f"Détails : {ui_url}/runs/{run.run_id}",
    ])
    return subject, body


@dg.run_failure_sensor(monitor_all_code_locations=False, default_status=dg.DefaultSensorStatus.RUNNING,
                       description="E-mails the data engineer when any run fails, with the failed steps.")
def run_failure_alert(context: dg.RunFailureSensorContext, mail: MailResource, alerts: AlertTarget) -> None:
    if not alerts.recipients:
        return
    errors = [f"- {event.step_key} : {root_message(event.event_specific_data.error)[:500]}"
              for event in context.get_step_failure_events()]
    subject, body = failure_message(context.dagster_run, errors, alerts.ui_url)
    mail.send(mail.compose(alerts.recipients, subject, body))


@dg.sensor(minimum_interval_seconds=900, default_status=dg.DefaultSensorStatus.RUNNING,
           description="E-mails the data engineer once a day per source whose landing is older than allowed.")
def late_source_alert(context: dg.SensorEvaluationContext, mail: MailResource, alerts: AlertTarget) -> dg.SkipReason:
    now = datetime.now(timezone.utc)
    alerted = json.loads(context.cursor) if context.cursor else {}
    late = []
    for key_string, max_age in SOURCE_MAX_AGE.items():
        key = dg.AssetKey.from_user_string(key_string)
        event = context.instance.get_latest_materialization_event(key)
        last = datetime.fromtimestamp(event.timestamp, timezone.utc) if event else None
        if (last is None or now - last > max_age) and alerted.get(key.to_user_string()) != now.date().isoformat():
            late.append(f"- {key.to_user_string()} : dernière mise à jour "
                        f"{last:%d/%m/%Y %H:%M} UTC" if last else f"- {key.to_user_string()} : jamais chargée")
            alerted[key.to_user_string()] = now.date().isoformat()
    context.update_cursor(json.dumps(alerted))
    if late and alerts.recipients:
        mail.send(mail.compose(alerts.recipients, "[t82] Source(s) en retard",
                               "Ces sources n'ont pas été rafraîchies à temps :\n" + "\n".join(late)
                               + f"\n\nDétails : {alerts.ui_url}/assets"))
        return dg.SkipReason(f"alerted: {len(late)} late source(s)")
    return dg.SkipReason("every source is fresh" if not late else "late sources, but no alert recipient set")
