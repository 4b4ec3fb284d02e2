"""Nurtik end to end on generated contacts: landing → personal vault → consent, retention,
quality, segments → exports and OT-facing aggregates. Planted canary values prove no personal
data reaches a mart; erased and unsubscribed people never reach a segment export."""

import csv
import json

import duckdb
import pytest

from t82_pipeline.demo.nurtik_generator import EXPORT_HEADER
from t82_pipeline.lib.landing import LandingZone
from tests.support.departement import CONTACT_CANARY as CANARY
from tests.support.helpers import check_results, query, undeclared_columns


@pytest.fixture(scope="module")
def nk(departement):
    return {"settings": departement.settings, "result": departement.runs, "instance": departement.instance}


def segment_emails(settings) -> set[str]:
    emails = set()
    for path in (settings.segments_dir).glob("*.csv"):
        with open(path, encoding="utf-8") as f:
            emails |= {row["email"] for row in csv.DictReader(f, delimiter=";")}
    return emails


def test_run_succeeds_and_builds_the_vault(nk):
    assert nk["result"].success
    assert check_results(nk["result"])["landing/nurtik_api:contacts_batch_is_valid"] is True
    s = nk["settings"]
    people, contacts = query(s, "select count(*), sum(contact_ids) from personal.int_nurtik_people")[0]
    assert contacts > people > 2900  # duplicates merged into one person


def test_no_personal_data_in_any_mart_or_pseudonymous_model(nk):
    s = nk["settings"]
    with duckdb.connect(str(s.warehouse_path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables where table_schema in ('marts', 'grc')"
        ).fetchall()
        assert ("marts", "ot_newsletter_audience") in tables
        for schema, table in tables:
            columns = [
                c
                for (c,) in con.execute(
                    f"select column_name from information_schema.columns "
                    f"where table_schema = '{schema}' and table_name = '{table}'"
                ).fetchall()
            ]
            cells = ", ".join(f'cast("{c}" as varchar)' for c in columns)
            blob = (
                con.execute(f"select string_agg(concat_ws('|', {cells}), chr(10)) from {schema}.{table}").fetchone()[0]
                or ""
            )
            for field, value in CANARY.items():
                assert value.lower() not in blob.lower(), f"{field} of the canary found in {schema}.{table}"
    # And the canary is in the vault (it was planted in a place the scan would see).
    assert query(s, f"select count(*) from personal.int_nurtik_people where email = '{CANARY['email']}'") == [(1,)]


def test_segments_hold_only_current_newsletter_consents(nk):
    s = nk["settings"]
    exported = segment_emails(s)
    assert exported
    not_consenting = {
        e
        for (e,) in query(
            s,
            """select p.email from personal.int_nurtik_people p
        join grc.nurtik_current_consents c using (contact_key)
        where c.purpose = 'newsletter' and c.channel = 'email' and c.status <> 'confirmed'""",
        )
    }
    declined = {
        e
        for (e,) in query(
            s,
            """select p.email from personal.int_nurtik_people p
        join personal.stg_nurtik__requalification_answers a using (contact_key) where a.answer = 'decline'""",
        )
    }
    assert declined and not_consenting
    assert not (exported & not_consenting) and not (exported & declined)


def test_quality_flags_and_requalification_list(nk):
    s = nk["settings"]
    flags = query(
        s,
        """select sum(duplicate_contact::int), sum(email_in_name::int), sum(invalid_email::int),
                           sum(disposable_email::int), sum(no_consent_proof::int) from grc.nurtik_contact_quality""",
    )[0]
    assert all(n > 0 for n in flags), flags
    assert query(
        s,
        """select count(*) from personal.nurtik_requalification_list r
                       join grc.nurtik_contact_quality q using (contact_key) where q.is_requalified or q.invalid_email""",
    ) == [(0,)]
    assert (
        query(s, "select count(*) from personal.nurtik_requalification_list where fields_to_complete like '%prénom%'")[
            0
        ][0]
        > 0
    )


def test_audience_is_aggregated_and_masks_small_counts(nk):
    s = nk["settings"]
    rows = query(s, "select ot_code, interest_code, consenting_residents, is_masked from marts.ot_newsletter_audience")
    assert rows and all((n is None) == masked for _, _, n, masked in rows)
    assert all(n is None or n >= 5 for _, _, n, _ in rows)
    areas = {a for (a,) in query(s, "select distinct origin_area from marts.departement_newsletter_audience")}
    assert {"departement_82", "aire_toulousaine", "departements_voisins", "etranger"} <= areas


def test_base_health_reads_each_month_as_it_stood(nk):
    # The mart counts consent periods per month; here the same figures are read the plain way:
    # each person existing at the month's end, with their last newsletter event before it.
    s = nk["settings"]
    expected = query(
        s,
        """
        select m.month, count(*),
               count(*) filter (where (select arg_max(e.status, e.occurred_at) from grc.int_nurtik_consent_events e
                                       where e.contact_key = p.contact_key and e.purpose = 'newsletter'
                                         and e.occurred_at < m.month + interval 1 month) = 'confirmed'),
               count(*) filter (where (select min(a.answered_at) from personal.stg_nurtik__requalification_answers a
                                       where a.contact_key = p.contact_key) < m.month + interval 1 month)
        from marts.nurtik_base_health m
        join personal.int_nurtik_people p on p.created_at < m.month + interval 1 month
        group by m.month order by m.month""",
    )
    health = query(
        s,
        "select month, contacts, consenting_contacts, requalified_contacts from marts.nurtik_base_health order by month",
    )
    assert len(health) == 24 and health == expected
    assert health[-1][2] > 0 and health[-1][3] > 0


def request_erasure(departement, *emails: str):
    """What the GDPR officer does: a file in the restricted folder, then the erasure job."""
    folder = departement.settings.nurtik_erasure_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "demandes.txt").write_text("\n".join(emails) + "\n", encoding="utf-8")
    return departement.run("nurtik_erasure")


def never_in_dagster(instance, runs, email: str) -> None:
    """Run config, event log and metadata never hold the address."""
    for result in runs.results:
        assert email.lower() not in json.dumps(result.dagster_run.run_config).lower()
    logs = " ".join(str(e) for r in runs.results for e in instance.all_logs(r.run_id)).lower()
    assert "materialization" in logs and email.lower() not in logs


def export_row(contact_id: str, email: str, first_name: str = "Bruno", when: str = "02/11/2026 10:00") -> str:
    return f"{contact_id};{email};{first_name};Effacé;;82000;FR;{when};{when};inscrit;{when};formulaire:12;velo"


def landed_text(s, source: str = "") -> str:
    return "".join(
        p.read_text(encoding="utf-8")
        for p in (s.landing_dir / source).rglob("*")
        if p.is_file() and p.suffix in (".ndjson", ".csv")
    )


ALICE_OLD, ALICE_NEW = "alice.old@exemple.fr", "alice.new@exemple.fr"
BRUNO, CLAIRE = "bruno.efface@exemple.fr", "claire.garde@exemple.fr"


@pytest.fixture(scope="module")
def erasures(departement, tmp_path_factory):
    """One copy, the GDPR officer's year in a few steps (each observed as it stands):
    a night lands Alice under two addresses (one contact id) and Bruno; Bruno's next export is
    dropped and not landed yet; one request erases a subscriber (typed in capitals), Alice by her
    new address, and Bruno; a later night brings an export holding the subscriber and Alice's old
    address again, and Bruno's id still active in Nurtik's events; then Bruno asked again in a
    request that also holds an unknown address and a line that is no address."""
    from tests.support.departement import copy_departement

    copy = copy_departement(departement, tmp_path_factory.mktemp("erasures") / "departement")
    s, header, seen = copy.settings, ";".join(EXPORT_HEADER), {}
    subscriber = sorted(segment_emails(s))[0]
    for name, row in (
        ("export-alice-1.csv", export_row("x-88888", ALICE_OLD, "Alice", "02/10/2026 10:00")),
        ("export-alice-2.csv", export_row("x-88888", ALICE_NEW, "Alice", "03/11/2026 10:00")),
        ("export-bruno.csv", export_row("x-99990", BRUNO)),
    ):
        (s.nurtik_drop_dir / name).write_text(f"{header}\n{row}\n", encoding="utf-8")
    seen["first_night"] = copy.run().success
    seen["landed_before"] = landed_text(s)
    ids = [i for (i,) in query(s, "select contact_id from personal.stg_nurtik__contacts where email = ?", [subscriber])]
    events_of_subscriber = "select count(*) from staging.stg_nurtik__events where list_contains(?, contact_id)"
    seen["events_before"] = query(s, events_of_subscriber, [ids])[0][0]
    pending = s.nurtik_drop_dir / "export-bruno-2.csv"  # dropped after the last run: not landed yet
    pending.write_text(f"{header}\n{export_row('x-99990', BRUNO)}\n{export_row('x-99991', CLAIRE)}\n", "utf-8")

    erasure = request_erasure(copy, subscriber.upper(), ALICE_NEW, BRUNO)
    seen |= {
        "subscriber": subscriber,
        "erasure": erasure,
        "requests_left": list(s.nurtik_erasure_dir.iterdir()),
        "segments": segment_emails(s),
        "staged": query(
            s,
            "select count(*) filter (where email = ?), count(*) filter (where contact_id in ('x-88888', 'x-99990')) "
            "from personal.stg_nurtik__contacts",
            [subscriber],
        )[0],
        "events_after": query(s, events_of_subscriber, [ids])[0][0],
        "landed": landed_text(s).lower(),
        "bruno_original_left": (s.nurtik_drop_dir / "export-bruno.csv").exists(),
        "pending": pending.read_text(encoding="utf-8"),
    }

    # A later export still holding them, and Bruno's id still active in Nurtik's events.
    (s.nurtik_drop_dir / "export-contacts-2026-11.csv").write_text(
        f"{header}\n{export_row('x-77777', subscriber, 'Re', '05/11/2026 10:00')}\n"
        f"{export_row('x-88889', ALICE_OLD, 'Alice', '05/11/2026 10:00')}\n",
        encoding="utf-8",
    )
    events = s.samples_dir / "nurtik" / "events.ndjson"
    later = {"event_id": "x-99990-late", "contact_id": "x-99990", "type": "click", "campaign_id": "nl-202612",
             "occurred_at": "2026-12-05T10:00:00Z"}  # fmt: skip
    events.write_text(events.read_text(encoding="utf-8") + json.dumps(later) + "\n", encoding="utf-8")
    seen["later_night"] = copy.run().success
    seen["people_after"] = {
        e
        for (e,) in query(
            s, "select email from personal.int_nurtik_people where email in (?, ?)", [subscriber, ALICE_OLD]
        )
    }
    seen["segments_after"] = segment_emails(s)
    seen["landed_events"] = landed_text(s, "nurtik_events")

    # Bruno asked again (already erased: found), with an address that matches no one and a line
    # that is no address.
    last = request_erasure(copy, BRUNO, "personne.inconnue@exemple.fr", "pas une adresse")
    seen["last_request"] = [
        e.asset_check_evaluation_data
        for e in last.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.asset_check_evaluation_data.check_name == "every_erasure_request_found"
    ][-1]
    seen["requests_kept"] = [p.name for p in s.nurtik_erasure_dir.iterdir()]
    seen["instance"] = copy.instance
    return seen


def test_erasure_removes_a_person_everywhere_and_for_good(erasures):
    email = erasures["subscriber"]
    assert erasures["first_night"] and erasures["erasure"].success
    never_in_dagster(erasures["instance"], erasures["erasure"], email)
    assert erasures["requests_left"] == []  # the request itself is gone
    assert email not in erasures["segments"]
    assert erasures["staged"] == (0, 0)
    # Their activity too: the events table is rebuilt from the rewritten landing.
    assert erasures["events_before"] > 0 and erasures["events_after"] == 0
    assert email not in erasures["landed"]
    # A later export still holding them does not bring them back.
    assert erasures["later_night"]
    assert email not in erasures["segments_after"] and email not in erasures["people_after"]


def test_erasure_reaches_every_address_the_person_ever_had(erasures):
    assert ALICE_OLD in erasures["landed_before"] and ALICE_NEW in erasures["landed_before"]
    # Asked by her new address: the old one goes too, and does not come back in a later export.
    assert ALICE_OLD not in erasures["landed"] and ALICE_NEW not in erasures["landed"]
    assert ALICE_OLD not in erasures["people_after"]


def test_erasure_reaches_the_drop_folder_and_later_activity(erasures):
    assert not erasures["bruno_original_left"]  # landed already: its landed copy was rewritten, the original goes
    assert BRUNO not in erasures["pending"] and CLAIRE in erasures["pending"]  # not landed yet: rewritten
    # The person's id is still active in Nurtik's events: they never land again.
    assert "x-99990" not in erasures["landed_events"]
    # Asked again: already erased, found (the one address not found is the unknown one).
    assert erasures["last_request"].metadata["not_found"].value == 1


def test_a_request_that_matched_no_one_is_kept_for_the_gdpr_officer(erasures):
    check = erasures["last_request"]
    assert check.passed is False
    assert check.metadata["not_addresses"].value == 1
    assert erasures["requests_kept"] == ["demandes.txt"]  # kept, to be corrected


def test_retention_purge_removes_exactly_the_expired(departement_copy):
    nk = {"settings": departement_copy.settings, "instance": departement_copy.instance, "copy": departement_copy}
    s = nk["settings"]
    before = {k for (k,) in query(s, "select contact_key from grc.nurtik_contact_retention")}
    expired = {k for (k,) in query(s, "select contact_key from grc.nurtik_contact_retention where is_expired")}
    assert 0 < len(expired) < len(before)
    assert nk["copy"].run("nurtik_retention").success
    after = {k for (k,) in query(s, "select contact_key from grc.nurtik_contact_retention")}
    assert after == before - expired
    suppressed = sum(
        m["record_count"]
        for m in LandingZone(s.landing_dir).manifests("nurtik_suppressions")
        if m["reason"] == "retention"
    )
    assert suppressed == len(expired)


def test_every_built_model_declares_what_it_outputs(nk):
    assert undeclared_columns(nk["settings"]) == []
