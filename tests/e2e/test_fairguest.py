"""Fairguest end to end on generated data: landing → dbt marts, linked to the SIT, no reviewer
identity anywhere in the marts, and per-OT serving of the e-reputation marts."""

import json

import duckdb
import pytest

from t82_pipeline.lib.landing import LandingZone
from tests.support.helpers import check_results, query


@pytest.fixture(scope="module")
def run(departement):
    settings = departement.settings
    return {
        "settings": settings,
        "stats": departement.stats,
        "result": departement.runs,
        "reviews": departement.planted["reviews"],
        "establishments": json.loads((settings.samples_dir / "fairguest" / "establishments.json").read_text()),
    }


def test_run_succeeds_and_exports_report_their_bad_rows(run):
    assert run["result"].success
    checks = check_results(run["result"])
    assert checks["landing/fairguest_exports:all_drop_files_loaded"] is True
    assert checks["landing/fairguest_api:reviews_batch_is_valid"] is True  # Great Expectations on the landed batch
    quarantined = sum(m["quarantined"] for m in LandingZone(run["settings"].landing_dir).manifests("fairguest_reviews"))
    assert quarantined == 2  # the export's unknown platform and off-scale rating


def test_every_review_counted_once(run):
    s = run["settings"]
    merged = query(s, "select count(*) from intermediate.int_fairguest_reviews_merged")[0][0]
    assert merged == len({r["review_id"] for r in run["reviews"]})  # API and export copies merged
    twins = sum(1 for r in run["reviews"] if r["review_id"].endswith("-x"))
    deduplicated = query(s, "select count(*) from intermediate.int_fairguest_reviews_deduplicated")[0][0]
    assert deduplicated == merged - twins
    assert query(s, "select sum(reviews) from marts.fairguest_provider_monthly")[0][0] == deduplicated


def test_links_to_the_sit_and_lists_the_unlinked_with_suggestions(run):
    s = run["settings"]
    unlinked = {e["sheet_id"] for e in run["establishments"] if not e["sit_id"]}
    rows = query(s, "select sheet_id, len(suggestions) from marts.fairguest_unlinked_establishments")
    assert {r[0] for r in rows} == unlinked and all(n >= 1 for _, n in rows)
    linked = query(s, "select count(*) from marts.fairguest_provider_summary where is_linked and ot_code is not null")[
        0
    ][0]
    assert linked == len(run["establishments"]) - len(unlinked)
    assert (
        query(s, "select sum(providers) from marts.ot_ereputation")[0][0]
        == query(s, "select count(*) from marts.fairguest_provider_summary where ot_code is not null")[0][0]
    )


def test_no_reviewer_identity_reaches_any_mart(run):
    s = run["settings"]
    with duckdb.connect(str(s.warehouse_path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables where table_schema in ('marts', 'intermediate')"
        ).fetchall()
        for schema, table in tables:
            text_columns = [
                c
                for c, t in con.execute(
                    f"select column_name, data_type from information_schema.columns "
                    f"where table_schema = '{schema}' and table_name = '{table}'"
                ).fetchall()
            ]
            hits = con.execute(
                f"select count(*) from {schema}.{table} t where cast(t as varchar) like '%Canari%'"
            ).fetchone()[0]
            assert hits == 0, f"{schema}.{table}"
            assert not {"author_name", "reviewer", "author_country"} & set(text_columns)


def test_each_ot_is_served_its_own_ereputation(run):
    s = run["settings"]
    with duckdb.connect(str(s.serving_dir / "moissac-terres-des-confluences" / "t82.duckdb"), read_only=True) as con:
        assert {r[0] for r in con.execute("select distinct ot_code from fairguest_provider_summary").fetchall()} <= {
            "moissac-terres-des-confluences"
        }
        assert con.execute("select distinct ot_code from ot_ereputation").fetchall() == [
            ("moissac-terres-des-confluences",)
        ]


PERIOD = "2026-10"


UNSUBSCRIBE = "stop-reports@example.org"


def send_reports(run, controller, ledger, smtp_user: str = "", **config):
    import dagster as dg

    from t82_pipeline.defs.fairguest.report_assets import fairguest_provider_reports
    from t82_pipeline.defs.fairguest.resources import ProviderReportsTarget
    from t82_pipeline.lib.mail import MailResource
    from t82_pipeline.lib.resources import build_resources

    s = run["settings"]
    result = dg.materialize(
        [fairguest_provider_reports],
        resources={
            "mail": MailResource(
                smtp_host="127.0.0.1",
                smtp_port=controller.port,
                starttls=False,
                smtp_user=smtp_user,
                smtp_password="wrong" if smtp_user else "",
            ),
            "provider_reports": ProviderReportsTarget(
                ledger_path=str(ledger), output_dir=str(s.reports_dir / "fairguest"), unsubscribe_address=UNSUBSCRIBE
            ),
            "warehouse": build_resources(s)["warehouse"],
        },
        run_config={"ops": {"reports__fairguest_provider_reports": {"config": {"period": PERIOD, **config}}}},
    )
    [materialization] = result.asset_materializations_for_node("reports__fairguest_provider_reports")
    return {k: v.value for k, v in materialization.metadata.items()}, check_results(result)


def parse(envelope):
    from email import message_from_bytes
    from email.policy import default

    return message_from_bytes(envelope.content, policy=default)


def eligible(run) -> dict[int, dict]:
    return {e["sheet_id"]: e for e in run["establishments"] if e["contact_email"] and not e["report_opt_out"]}


def test_monthly_reports_go_to_each_provider_once(run, smtp_server, tmp_path):
    controller, received = smtp_server
    meta, checks = send_reports(run, controller, tmp_path / "ledger.duckdb")
    due = eligible(run)
    assert meta["sent"] == len(due) == len(received) and checks["reports/fairguest_provider_reports:all_reports_sent"]
    assert {e.rcpt_tos[0] for e in received} == {e["contact_email"] for e in due.values()}
    figures = {
        row[0]: row[1:]
        for row in query(
            run["settings"],
            f"""
        select s.sheet_id, s.establishment_name, s.weighted_rating, coalesce(m.reviews, 0)
        from marts.fairguest_provider_summary s
        left join marts.fairguest_provider_monthly m on m.sheet_id = s.sheet_id and m.month = date '{PERIOD}-01'""",
        )
    }
    for envelope in received:
        message = parse(envelope)
        sheet_id = next(s for s, e in due.items() if e["contact_email"] == envelope.rcpt_tos[0])
        name, rating, month_reviews = figures[sheet_id]
        assert message["Subject"] == f"Vos avis clients — octobre 2026 — {name}"
        [pdf] = list(message.iter_attachments())
        assert pdf.get_content_type() == "application/pdf" and pdf.get_content()[:5] == b"%PDF-"
        html = message.get_body(("html",)).get_content()
        assert f"<strong>{month_reviews}</strong> avis en octobre 2026" in html
        assert message["Message-ID"] == f"<fairguest-report-{sheet_id}-{PERIOD}@tarnetgaronne-tourisme.fr>"
        # As written on the wire (RFC 2369), to a mailbox someone reads, never folded into encoded-words.
        unsubscribe = f"<mailto:{UNSUBSCRIBE}?subject=d%C3%A9sinscription%20rapport%20avis%20{sheet_id}>"
        assert f"\r\nList-Unsubscribe: {unsubscribe}\r\n".encode() in envelope.original_content
        if rating is not None:
            assert f"{rating:.1f}".replace(".", ",") + "/10" in html
    # A second run of the same month sends nothing.
    again, _ = send_reports(run, controller, tmp_path / "ledger.duckdb")
    assert again["sent"] == 0 and again["already_sent"] == len(due) and len(received) == len(due)


def test_skipped_providers_are_listed(run, smtp_server, tmp_path):
    controller, _ = smtp_server
    meta, _ = send_reports(run, controller, tmp_path / "ledger.duckdb", dry_run=True)
    opted_out = [e["sheet_id"] for e in run["establishments"] if e["report_opt_out"]]
    no_address = [e["sheet_id"] for e in run["establishments"] if not e["contact_email"] and not e["report_opt_out"]]
    assert all(f"{s}: désinscrit des rapports" in meta["skipped"] for s in opted_out)
    assert all(f"{s}: pas d'adresse e-mail valide" in meta["skipped"] for s in no_address)


def test_refused_recipient_is_reported_not_marked_sent_and_retried(run, smtp_server, tmp_path):
    controller, received = smtp_server
    due = eligible(run)
    refused_id = sorted(due)[0]
    controller.refuse.add(due[refused_id]["contact_email"])
    meta, checks = send_reports(run, controller, tmp_path / "ledger.duckdb")
    assert meta["sent"] == len(due) - 1 and str(refused_id) in meta["failed"]
    assert due[refused_id]["contact_email"] not in str(meta)  # the address stays in the ledger
    assert checks["reports/fairguest_provider_reports:all_reports_sent"] is False
    controller.refuse.clear()
    retry, _ = send_reports(run, controller, tmp_path / "ledger.duckdb")
    assert retry["sent"] == 1 and received[-1].rcpt_tos == [due[refused_id]["contact_email"]]


def test_a_mail_server_refusing_the_login_leaves_every_report_due_for_the_next_run(run, smtp_server, tmp_path):
    from types import SimpleNamespace

    from t82_pipeline.defs.fairguest.reports import FAILED, Ledger
    from tests.support.smtp import scripted_smtp_server

    due = eligible(run)
    with scripted_smtp_server("auth") as (port, script):
        meta, checks = send_reports(run, SimpleNamespace(port=port), tmp_path / "ledger.duckdb", smtp_user="t82")
    assert script.messages == [] and script.connections == 1  # tried once, then stopped: one alert
    assert "AUTH refused" in meta["mail_server_unavailable"] and meta["sent"] == 0
    assert meta["awaiting_decision"] == "none"  # nothing "may have gone"
    assert checks["reports/fairguest_provider_reports:all_reports_sent"] is False
    ledger = Ledger(tmp_path / "ledger.duckdb")
    assert set(ledger.statuses(PERIOD).values()) <= {FAILED}
    ledger.close()
    controller, received = smtp_server  # the right password: every report goes
    retry, _ = send_reports(run, controller, tmp_path / "ledger.duckdb")
    assert retry["sent"] == len(due) == len(received)


def test_a_report_left_sending_by_a_crash_is_not_sent_again(run, smtp_server, tmp_path):
    from t82_pipeline.defs.fairguest.reports import SENDING, Ledger

    controller, received = smtp_server
    due = eligible(run)
    interrupted = sorted(due)[2]
    ledger = Ledger(tmp_path / "ledger.duckdb")  # a run stopped between "sending" and "sent"
    ledger.record(interrupted, PERIOD, SENDING, due[interrupted]["contact_email"], "<id>")
    ledger.close()
    meta, checks = send_reports(run, controller, tmp_path / "ledger.duckdb")
    assert meta["sent"] == len(due) - 1 and meta["awaiting_decision"] == str(interrupted)
    assert due[interrupted]["contact_email"] not in {r for e in received for r in e.rcpt_tos}
    assert checks["reports/fairguest_provider_reports:all_reports_sent"] is False


def test_recipients_and_headers_from_provider_data_are_checked():
    from t82_pipeline.defs.fairguest.report_assets import _send_one
    from t82_pipeline.defs.fairguest.reports import Report, one_line, valid_recipient
    from t82_pipeline.lib.mail import MailResource

    assert valid_recipient("gite@exemple.fr") == "gite@exemple.fr"
    for hostile in (
        "x,y@evil.test",
        "a@b.fr; c@d.fr",
        "Nom <a@b.fr>",
        "a@b.fr\r\nBcc: c@d.fr",
        "pas-une-adresse",
        None,
    ):
        assert valid_recipient(hostile) is None, hostile
    assert one_line("Gîte\r\nBcc: x@evil.test\tdu Lac") == "Gîte Bcc: x@evil.test du Lac"

    class NoLedger:
        def record(self, *args):
            raise AssertionError("nothing is recorded for a message that cannot be built")

    bad = Report(1, "gite@exemple.fr", "Vos avis\nBcc: x@evil.test", "<p>x</p>", "x")
    mail = MailResource(outbox_dir="/nonexistent")
    assert _send_one(mail.send, mail, NoLedger(), bad, b"%PDF-", PERIOD, UNSUBSCRIBE).startswith("skip:")


def test_dry_run_renders_without_sending(run, smtp_server, tmp_path):
    controller, received = smtp_server
    meta, _ = send_reports(
        run, controller, tmp_path / "ledger.duckdb", dry_run=True, sheet_ids=[sorted(eligible(run))[1]]
    )
    assert received == [] and meta["sent"] == 0
    folder = run["settings"].reports_dir / "fairguest" / PERIOD
    assert (folder / f"{sorted(eligible(run))[1]}.pdf").read_bytes()[:5] == b"%PDF-"


def test_departement_totals_match_the_ots_and_are_shared(run):
    s = run["settings"]
    assert query(s, "select sum(reviews_12m) from marts.departement_ereputation") == query(
        s, "select sum(reviews_12m) from marts.ot_ereputation"
    )
    with duckdb.connect(str(s.serving_dir / "deux-rives" / "t82.duckdb"), read_only=True) as con:
        served = con.execute("select sum(providers) from departement_ereputation").fetchone()[0]
    assert (
        served == query(s, "select sum(providers) from marts.ot_ereputation")[0][0]
    )  # every OT sees the whole département
