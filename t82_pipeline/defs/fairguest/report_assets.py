from contextlib import nullcontext
from datetime import date
from pathlib import Path
from urllib.parse import quote

import dagster as dg

from t82_pipeline.defs.fairguest.reports import FAILED, SENDING, SENT, Ledger, build_reports, message_id, previous_month
from t82_pipeline.defs.fairguest.resources import ProviderReportsTarget
from t82_pipeline.lib.mail import MailResource, MailServerUnavailable, MayHaveGone, NotHandedOver
from t82_pipeline.lib.pdf import render_pdfs
from t82_pipeline.lib.resources import WarehouseResource, reader_pool
from t82_pipeline.lib.warehouse import missing_relations, nothing_to_publish

SENT_CHECK = "all_reports_sent"
REPORT_MARTS = ("fairguest_provider_summary", "fairguest_provider_monthly", "fairguest_provider_themes")


class ReportConfig(dg.Config):
    period: str | None = None  # "YYYY-MM"; default: the last complete month
    sheet_ids: list[int] = []  # on demand: only these providers
    dry_run: bool = False  # render (files under the reports folder), send nothing


@dg.asset(
    key=["reports", "fairguest_provider_reports"],
    output_required=False,
    pool=reader_pool(),
    group_name="fairguest",
    owners=["team:data"],
    kinds={"python", "email", "pdf"},
    deps=[dg.AssetKey(["marts", n]) for n in REPORT_MARTS],
    check_specs=[
        dg.AssetCheckSpec(
            SENT_CHECK,
            asset=["reports", "fairguest_provider_reports"],
            description="Every provider report of the month was delivered (else: to whom it failed, and why)",
        )
    ],
    description=(
        "Monthly e-mail to each Fairguest provider (French HTML body + the same report as PDF): rating and "
        "trend, review volume, top positive and negative themes with quotes, change since the last report. "
        "A send ledger makes it idempotent; opted-out providers and those without a valid address are skipped."
    ),
)
def fairguest_provider_reports(
    context: dg.AssetExecutionContext,
    config: ReportConfig,
    mail: MailResource,
    provider_reports: ProviderReportsTarget,
    warehouse: WarehouseResource,
):
    period = config.period or previous_month(date.today())
    with warehouse.get_connection() as con:
        if missing := missing_relations(con, [f"marts.{m}" for m in REPORT_MARTS]):
            yield nothing_to_publish(context, missing)
            yield dg.AssetCheckResult(check_name=SENT_CHECK, passed=True, description="no report due: marts not built")
            return
    reports = build_reports(warehouse.location(), period, provider_reports.link_template, config.sheet_ids or None)
    out_dir = Path(provider_reports.output_dir) / period
    out_dir.mkdir(parents=True, exist_ok=True)
    ledger = Ledger(Path(provider_reports.ledger_path))
    sent, failed, undecided, unavailable = [], [], [], None
    try:
        status = ledger.statuses(period)
        skipped = [f"{r.sheet_id}: {r.skip_reason}" for r in reports if r.skip_reason]
        already = sum(1 for r in reports if not r.skip_reason and status.get(r.sheet_id) == SENT)
        # A report left "sending" by an interrupted run may have gone: a person decides (README).
        undecided = sorted(sid for sid, state in status.items() if state == SENDING)
        due = [r for r in reports if not r.skip_reason and status.get(r.sheet_id) in (None, FAILED)]
        pdfs = render_pdfs([r.html for r in due])
        for report, pdf in zip(due, pdfs, strict=True):
            (out_dir / f"{report.sheet_id}.html").write_text(report.html, encoding="utf-8")
            (out_dir / f"{report.sheet_id}.pdf").write_bytes(pdf)
        # One connection for the month's reports, opened once they are rendered; none for a dry run.
        with nullcontext() if config.dry_run or not due else mail.session() as send:
            for report, pdf in zip(due, pdfs, strict=True) if send else ():
                outcome = _send_one(send, mail, ledger, report, pdf, period, provider_reports.unsubscribe_address)
                if outcome == SENT:
                    sent.append(report.sheet_id)
                elif outcome == SENDING:
                    undecided.append(report.sheet_id)
                elif outcome.startswith("skip:"):
                    skipped.append(f"{report.sheet_id}: {outcome[5:]}")
                else:
                    failed.append(f"{report.sheet_id}: {outcome}")
    except MailServerUnavailable as exc:  # opening, or reopening, the connection: no report can go
        unavailable = str(exc)
    finally:
        ledger.close()
    if unavailable:
        context.log.error(
            f"[fairguest] mail server unavailable ({unavailable}): {len(due) - len(sent) - len(failed)} "
            "report(s) not sent, all retried next run"
        )
    for line in failed:
        context.log.error(f"[fairguest] report not sent, retried next run: {line}")
    if undecided:
        context.log.error(
            f"[fairguest] {len(undecided)} report(s) may or may not have gone (a run stopped while "
            f"sending): not resent; decide in the ledger: {', '.join(map(str, undecided))}"
        )
    problems = len(failed) + len(undecided) + (1 if unavailable else 0)
    yield dg.MaterializeResult(
        metadata={
            "period": period,
            "sent": len(sent),
            "already_sent": already,
            "failed": "\n".join(failed) or "none",
            "mail_server_unavailable": unavailable or "no",
            "awaiting_decision": ", ".join(map(str, undecided)) or "none",
            "skipped": "\n".join(skipped) or "none",
            "dry_run": config.dry_run,
            "rendered_to": dg.MetadataValue.path(str(out_dir)),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name=SENT_CHECK,
                passed=not problems,
                description=(
                    f"mail server unavailable ({unavailable}): reports retried next run"
                    if unavailable
                    else f"{len(failed)} report(s) not sent, {len(undecided)} awaiting a decision"
                    if problems
                    else "every due report was sent"
                ),
                metadata={"failed": len(failed), "awaiting_decision": len(undecided)},
            )
        ],
    )


def _send_one(send, mail: MailResource, ledger: Ledger, report, pdf: bytes, period: str, unsubscribe: str) -> str:
    """SENT, SENDING (outcome unknown), FAILED's reason, or 'skip:<reason>' for bad provider data.
    Never the provider's address: it goes to the ledger only, not to logs or metadata. A mail
    server that becomes unavailable is raised (MailServerUnavailable), this report recorded failed."""
    domain = mail.sender_address.rpartition("@")[2]
    subject = quote(f"désinscription rapport avis {report.sheet_id}")
    try:
        message = mail.compose(
            [report.recipient],
            report.subject,
            report.text,
            report.html,
            [(f"rapport-avis-{period}.pdf", pdf, "application/pdf")],
            message_id=message_id(report.sheet_id, period, domain),
            raw_headers={"List-Unsubscribe": f"<mailto:{unsubscribe}?subject={subject}>"} if unsubscribe else None,
        )
    except (ValueError, TypeError) as exc:
        return f"skip:données du prestataire invalides pour un e-mail ({type(exc).__name__})"
    ledger.record(report.sheet_id, period, SENDING, report.recipient, message["Message-ID"])
    try:
        where = send(message)
    except NotHandedOver as exc:  # refused or never reached: it did not go, the next run retries
        ledger.record(report.sheet_id, period, FAILED, report.recipient, str(exc)[:500])
        if isinstance(exc, MailServerUnavailable):
            raise
        return str(exc)[:200]
    except MayHaveGone:
        return SENDING  # cut off after the message was handed over: it may have gone
    ledger.record(report.sheet_id, period, SENT, report.recipient, where)
    return SENT


fairguest_reports_job = dg.define_asset_job(
    "fairguest_reports",
    selection=[fairguest_provider_reports],
    description="Monthly provider reports (or, with config, one provider on demand).",
)
fairguest_reports_schedule = dg.ScheduleDefinition(
    job=fairguest_reports_job,
    cron_schedule="0 8 2 * *",
    execution_timezone="Europe/Paris",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
