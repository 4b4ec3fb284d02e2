"""Nurtik client and landing: the assumed API read page by page through a real HTTP server,
bad rows quarantined with their reason, suppressed people never landed, erasure rewriting."""

import json

import pytest

from t82_pipeline.defs.nurtik.client import SOURCE, NurtikClient
from t82_pipeline.defs.nurtik.landing import land_contacts, land_export_file, suppress, suppressed_keys
from t82_pipeline.demo.nurtik_generator import EXPORT_HEADER, generate_nurtik
from t82_pipeline.lib.http import SourceError, build_session
from t82_pipeline.lib.json_api import BearerJsonApi
from t82_pipeline.lib.landing import LandingZone
from t82_pipeline.lib.pseudonym import contact_key

SECRET = "test-secret"
TOKEN = "nurtik-token-123"


def contact(n: int, email: str, updated: str = "2026-10-01T10:00:00Z") -> dict:
    return {
        "contact_id": f"c-{n}",
        "email": email,
        "first_name": "Anne",
        "last_name": None,
        "phone": None,
        "postcode": "82000",
        "country_iso2": "FR",
        "lang": "fr",
        "created_at": "2025-01-01T10:00:00Z",
        "updated_at": updated,
        "source": "form:12",
        "global_status": "active",
        "consents": [
            {
                "purpose": "newsletter",
                "channel": "email",
                "status": "confirmed",
                "optin_method": "double",
                "collected_at": "2025-01-01T10:00:00Z",
            }
        ],
        "interests": [],
    }


@pytest.fixture
def client(httpserver):
    session = build_session(retries=0)
    yield NurtikClient(
        BearerJsonApi(SOURCE, httpserver.url_for("").rstrip("/"), TOKEN, session, timeout_s=5), per_page=2
    )
    session.close()


def test_contacts_are_read_page_by_page_since_the_last_update(httpserver, client, tmp_path):
    rows = [contact(1, "a@exemple.fr"), contact(2, "b@exemple.fr"), contact(3, "c@exemple.fr", "2026-10-02T10:00:00Z")]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    httpserver.expect_request("/v1/contacts", query_string="page=1&per_page=2", headers=auth).respond_with_json(
        {"data": rows[:2], "meta": {}}
    )
    httpserver.expect_request("/v1/contacts", query_string="page=2&per_page=2", headers=auth).respond_with_json(
        {"data": rows[2:], "meta": {}}
    )
    httpserver.expect_request(
        "/v1/contacts", query_string="updated_since=2026-10-02T10%3A00%3A00Z&page=1&per_page=2", headers=auth
    ).respond_with_json({"data": [], "meta": {}})
    zone = LandingZone(tmp_path / "landing")
    first = land_contacts(client, zone, SECRET)
    assert first.manifest["record_count"] == 3 and first.manifest["max_updated_at"] == "2026-10-02T10:00:00Z"
    # The second pull asks from the newest update landed; nothing new: no batch.
    assert land_contacts(client, zone, SECRET) is None
    assert [r.query_string for r, _ in httpserver.log][
        -1
    ] == b"updated_since=2026-10-02T10%3A00%3A00Z&page=1&per_page=2"


def test_an_error_names_the_source_and_never_the_token(httpserver, client):
    httpserver.expect_request("/v1/contacts").respond_with_data(f"token {TOKEN} refused", status=401)
    with pytest.raises(SourceError) as err:
        list(client.contacts(None))
    assert "nurtik" in str(err.value) and "HTTP 401" in str(err.value) and TOKEN not in str(err.value)


def test_bad_export_rows_are_quarantined_and_the_rest_lands(tmp_path):
    stats = generate_nurtik(tmp_path / "samples", tmp_path / "drop", count=300)
    zone = LandingZone(tmp_path / "landing")
    batch = land_export_file(zone, tmp_path / "drop" / "export-contacts-2026-10.csv", SECRET)
    reasons = {q["record"]: q["reason"] for q in batch.quarantined}
    name = "export-contacts-2026-10.csv"
    assert reasons[f"{name} line 152"] == "no e-mail"
    assert reasons[f"{name} line 153"].startswith("malformed date in created_at")
    assert reasons[f"{name} line 154"] == "unknown consent status 'peut-être'"
    assert reasons[f"{name} line 155"] == "contact id x-00001 already used by another e-mail"
    assert batch.manifest["record_count"] == stats["nurtik_export_rows"] - 4
    assert all("raw" not in q for q in batch.quarantined)  # a quarantined row is personal data too


def test_suppressed_people_are_rewritten_out_and_never_landed_again(tmp_path):
    zone = LandingZone(tmp_path / "landing")
    export = tmp_path / "export.csv"
    lines = [
        ";".join(EXPORT_HEADER),
        "x-1;garde@exemple.fr;Anne;A;;82000;FR;01/10/2026 10:00;01/10/2026 10:00;inscrit;01/10/2026 10:00;formulaire:12;",
        "x-2;efface@exemple.fr;Paul;B;;82000;FR;01/10/2026 10:00;01/10/2026 10:00;inscrit;01/10/2026 10:00;formulaire:12;",
    ]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = land_export_file(zone, export, SECRET)
    gone = contact_key("Efface@Exemple.fr ", SECRET)
    result = suppress(zone, {gone}, "erasure", SECRET)
    assert result == {"people": 1, "lines_removed": 2}  # the raw CSV row and the NDJSON line
    assert gone in suppressed_keys(zone)
    for path in first.path.iterdir():
        assert "efface@" not in path.read_text(encoding="utf-8")
    manifest = json.loads((first.path / "manifest.json").read_text())
    assert {r["file"] for r in manifest["rewritten"]} == {"export.csv", "contacts.ndjson"}
    # A later export still holding the erased person lands without them.
    again = tmp_path / "export-later.csv"
    again.write_text("\n".join(lines).replace("01/10/2026", "02/10/2026") + "\n", encoding="utf-8")
    batch = land_export_file(zone, again, SECRET)
    assert batch.manifest["suppressed_not_landed"] == 1 and batch.manifest["record_count"] == 1


def test_a_server_capping_its_page_size_loses_no_contact(httpserver, tmp_path):
    """Asked for 1000 per page, it sends 2: paging goes on until meta.total rows came."""
    contacts = [contact(n, f"personne{n}@exemple.fr") for n in range(1, 6)]

    def capped(request):
        from werkzeug import Response

        page = int(request.args["page"])
        rows = contacts[(page - 1) * 2 : page * 2]
        return Response(
            json.dumps({"data": rows, "meta": {"total": len(contacts), "page": page}}), content_type="application/json"
        )

    httpserver.expect_request("/v1/contacts").respond_with_handler(capped)
    api = BearerJsonApi(SOURCE, httpserver.url_for("").rstrip("/"), TOKEN, build_session(retries=0), timeout_s=5)
    wide = NurtikClient(api, per_page=1000)
    assert [c["contact_id"] for c in wide.contacts(None)] == [f"c-{n}" for n in range(1, 6)]


def test_segment_cells_cannot_become_spreadsheet_formulas():
    from t82_pipeline.defs.nurtik.segments import spreadsheet_safe

    assert spreadsheet_safe('=HYPERLINK("http://evil.test","Cliquez")') == '\'=HYPERLINK("http://evil.test","Cliquez")'
    assert [spreadsheet_safe(v) for v in ("+33 6", "-2", "@SUM(A1)", "Anne", None)] == [
        "'+33 6",
        "'-2",
        "'@SUM(A1)",
        "Anne",
        "",
    ]


def test_a_periodic_full_pull_lands_the_whole_list_so_deleted_contacts_leave(httpserver, client, tmp_path):
    from datetime import UTC, datetime, timedelta

    from t82_pipeline.defs.nurtik.landing import full_pull_due

    zone = LandingZone(tmp_path / "landing")
    assert full_pull_due(zone, every_days=7)  # nothing landed yet
    everyone = [contact(1, "a@exemple.fr"), contact(2, "b@exemple.fr")]
    httpserver.expect_ordered_request("/v1/contacts", query_string="page=1&per_page=2").respond_with_json(
        {"data": everyone, "meta": {"total": 2}}
    )
    first = land_contacts(client, zone, SECRET, full=True)
    assert first.manifest["mode"] == "full" and first.manifest["record_count"] == 2
    assert not full_pull_due(zone, every_days=7)
    assert full_pull_due(zone, every_days=7, now=datetime.now(UTC) + timedelta(days=7))
    # A week later c-2 was deleted in Nurtik: the full pull lands the list without it, a new
    # snapshot even where nothing else changed, and staging reads from it on (latest full).
    httpserver.expect_ordered_request("/v1/contacts", query_string="page=1&per_page=2").respond_with_json(
        {"data": everyone[:1], "meta": {"total": 1}}
    )
    second = land_contacts(client, zone, SECRET, full=True)
    assert second.is_new and second.manifest["mode"] == "full"
    landed = [json.loads(x)["contact_id"] for x in (second.path / "contacts.ndjson").read_text().splitlines()]
    assert landed == ["c-1"]
    assert [m["mode"] for m in zone.manifests("nurtik_contacts")] == ["full", "full"]
