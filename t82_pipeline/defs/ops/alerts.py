"""Telling the data engineer, without anyone watching: failed runs and late sources by e-mail
(the SMTP settings, or the outbox in the embedded default)."""

import json
from datetime import UTC, datetime

import dagster as dg

from t82_pipeline.defs.ops.resources import AlertTarget
from t82_pipeline.lib.freshness import SOURCE_MAX_AGE
from t82_pipeline.lib.mail import MailResource
from t82_pipeline.lib.source_pull import PULL_SUCCEEDED, pull_failed

# How far back the late-source alert looks for a source's last successful pull.
PULLS_LOOKED_AT = 60


def root_message(error) -> str:
    """The innermost error: the source's own message, not Dagster's wrapper around it."""
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


def failure_message(run: dg.DagsterRun, step_errors: list[str], ui_url: str) -> tuple[str, str]:
    subject = f"[t82] Échec du job {run.job_name}"
    body = "\n".join(
        [
            f"Le job « {run.job_name} » a échoué (run {run.run_id}).",
            "",
            *(step_errors or ["Aucune étape en erreur n'a été trouvée : voir le journal du run."]),
            "",
            f"Détails : {ui_url}/runs/{run.run_id}",
        ]
    )
    return subject, body


@dg.run_failure_sensor(
    monitor_all_code_locations=False,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="E-mails the data engineer when any run fails, with the failed steps.",
)
def run_failure_alert(context: dg.RunFailureSensorContext, mail: MailResource, alerts: AlertTarget) -> None:
    if not alerts.recipients:
        return
    errors = [
        f"- {event.step_key} : {root_message(event.event_specific_data.error)[:500]}"
        for event in context.get_step_failure_events()
    ]
    subject, body = failure_message(context.dagster_run, errors, alerts.ui_url)
    mail.send(mail.compose(alerts.recipients, subject, body))


def failed_pulls(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """The sources whose pull failed in a run (their ERROR check), with the error."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    evaluations = [r.event_log_entry.dagster_event.event_specific_data for r in records]
    return [
        f"- {e.asset_key.to_user_string()} : {e.description}"
        for e in evaluations
        if e.check_name == PULL_SUCCEEDED and not e.passed
    ]


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitor_all_code_locations=False,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="E-mails the data engineer when a run went on past a failed source (its last good "
    "landing was used): which source, and the error.",
)
def source_failure_alert(context: dg.RunStatusSensorContext, mail: MailResource, alerts: AlertTarget) -> None:
    failed = failed_pulls(context.instance, context.dagster_run.run_id)
    if not failed or not alerts.recipients:
        return
    run = context.dagster_run
    sources = ", ".join(line.split(" : ")[0][2:].removeprefix("landing/") for line in failed)
    body = "\n".join(
        [
            f"Le job « {run.job_name} » est allé au bout (run {run.run_id}), mais ces sources n'ont pas pu être "
            "chargées : leurs marts gardent leur dernier état valide.",
            "",
            *failed,
            "",
            f"Détails : {alerts.ui_url}/runs/{run.run_id}",
        ]
    )
    mail.send(mail.compose(alerts.recipients, f"[t82] Source(s) en échec dans {run.job_name} : {sources}", body))


def _recorded(record) -> dict:
    event = record.event_log_entry.dagster_event.event_specific_data
    recorded = getattr(event, "materialization", None) or event.asset_observation
    return recorded.metadata


def last_pulls(instance: dg.DagsterInstance, key: dg.AssetKey) -> tuple[datetime | None, str | None]:
    """When the source last landed successfully, and the error of its latest attempt if that failed.
    A pull that found nothing new is a success too: it is recorded as an observation
    (``pull_status: ok``), a new batch as a materialization."""
    landed = instance.fetch_materializations(key, limit=PULLS_LOOKED_AT, ascending=False).records
    observed = instance.fetch_observations(key, limit=PULLS_LOOKED_AT, ascending=False).records
    pulls = [r for r in observed if "pull_status" in _recorded(r)]
    records = sorted([*landed, *pulls], key=lambda r: r.timestamp, reverse=True)
    latest_error = pull_failed(_recorded(records[0])) if records else None
    good = next((r for r in records if not pull_failed(_recorded(r))), None)
    return (datetime.fromtimestamp(good.timestamp, UTC) if good else None), latest_error


WATCHED_SINCE = "_watched_since"  # cursor key: when this sensor first ran


@dg.sensor(
    minimum_interval_seconds=900,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="E-mails the data engineer once a day per source whose last successful landing is older than "
    "allowed, or whose latest pull failed (with the error). A source never landed is late once "
    "that long has passed since the sensor first ran (not on a fresh install's first tick).",
)
def late_source_alert(context: dg.SensorEvaluationContext, mail: MailResource, alerts: AlertTarget) -> dg.SkipReason:
    now = datetime.now(UTC)
    alerted = json.loads(context.cursor) if context.cursor else {}
    watched_since = datetime.fromisoformat(alerted.setdefault(WATCHED_SINCE, now.isoformat()))
    late = []
    for key_string, max_age in SOURCE_MAX_AGE.items():
        key = dg.AssetKey.from_user_string(key_string)
        last, error = last_pulls(context.instance, key)
        overdue = now - (last or watched_since) > max_age
        if (overdue or error) and alerted.get(key_string) != now.date().isoformat():
            seen = f"dernière mise à jour réussie {last:%d/%m/%Y %H:%M} UTC" if last else "jamais chargée"
            late.append(f"- {key_string} : {seen}" + (f" ; dernier essai en échec : {error}" if error else ""))
            alerted[key_string] = now.date().isoformat()
    context.update_cursor(json.dumps(alerted))
    if late and alerts.recipients:
        mail.send(
            mail.compose(
                alerts.recipients,
                "[t82] Source(s) en retard",
                "Ces sources n'ont pas été rafraîchies à temps :\n"
                + "\n".join(late)
                + f"\n\nDétails : {alerts.ui_url}/assets",
            )
        )
        return dg.SkipReason(f"alerted: {len(late)} late source(s)")
    return dg.SkipReason("every source is fresh" if not late else "late sources, but no alert recipient set")
