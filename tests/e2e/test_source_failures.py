"""One source's fault never stops the night, on a real local HTTP server in front of the Apidae
stand-in: a page cut once is fetched again; Apidae down after its retries leaves its last good
state while the other sources, the feed and serving are refreshed, and the alerts name Apidae.
Broken files in drop folders are rejected by name and the rest lands."""

import json
import zipfile
from email import message_from_bytes
from email.policy import default

import dagster as dg
import pytest

from t82_pipeline.demo.apidae_server import serve_objects
from t82_pipeline.demo.generate import generate_sit
from t82_pipeline.demo.nurtik_generator import generate_nurtik
from t82_pipeline.demo.tif_generator import generate_tif_xml
from t82_pipeline.lib.landing import LandingZone
from tests.support.env import isolated_settings
from tests.support.faulty_proxy import faulty_proxy
from tests.support.helpers import check_results, night, query

API_KEY = "test-apidae-key"


def _broken_index_zip() -> bytes:
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("index.json", '[{"file": "objects/0/1.json", "label"')
    return out.getvalue()


# (settings folder, file name, content): one broken file for every drop folder the nightly reads.
BROKEN_DROPS = [
    ("apidae_export_drop_dir", "export-0002.zip", b"PK\x03\x04 not really a zip"),
    ("tif_drop_dir", "constellation-coupe.xml", b"<?xml version='1.0'?><listeOI><OI><DublinCore>"),
    ("datatourisme_drop_dir", "flux-broken.zip", _broken_index_zip()),
    ("fairguest_drop_dir", "avis-vide.csv", b""),
    ("nurtik_drop_dir", "contacts-latin.csv", "contact_id;email\nx-1;\x81\x8d@exemple.fr\n".encode("latin-1")),
]
PULL = "landing/apidae_api_objects:source_pull_succeeded"


def generated_ids(settings) -> list[int]:
    path = settings.samples_dir / "apidae" / "objects.ndjson"
    return [json.loads(line)["id"] for line in path.read_text().splitlines()]


def served_offer_keys(settings) -> set[str]:
    import duckdb

    keys = set()
    for parquet in settings.serving_dir.glob("*/offers.parquet"):
        keys |= {k for (k,) in duckdb.sql(f"select offer_key from read_parquet('{parquet}')").fetchall()}
    return keys


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    data = tmp_path_factory.mktemp("faults") / "data"
    with isolated_settings(data) as embedded:
        generate_sit(
            embedded.samples_dir,
            embedded.apidae_export_drop_dir,
            embedded.tif_drop_dir,
            scale=0.1,
            fairguest_drop=embedded.fairguest_drop_dir,
        )
        generate_nurtik(embedded.samples_dir / "nurtik", embedded.nurtik_drop_dir, count=300)
    with (
        serve_objects(embedded.samples_dir / "apidae" / "objects.ndjson", API_KEY) as upstream,
        faulty_proxy(upstream) as (url, faults),
        isolated_settings(data, T82_APIDAE_BASE_URL=url, T82_APIDAE_API_KEY=API_KEY, T82_HTTP_RETRIES="2") as settings,
        dg.instance_for_test() as instance,
    ):
        faults.truncate_once.add(200)
        first = night(settings, instance)
        after_first = {
            "apidae": query(
                settings, "select offer_key, description from marts.offers where source = 'apidae' order by 1"
            ),
            "tif": query(settings, "select count(*) from marts.offers where source = 'tif'")[0][0],
            "served": served_offer_keys(settings),
            "requests": list(faults.requests),
        }
        # The next night: Apidae is down; Constellation delivers more records; a broken file in
        # every drop folder of the nightly.
        faults.down = True
        generate_tif_xml(settings.tif_drop_dir / "constellation-export.xml", _objects(settings), count=60)
        for folder, name, content in BROKEN_DROPS:
            path = getattr(settings, folder) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        second = night(settings, instance, after=first)
        apidae_after_second = query(
            settings, "select offer_key, description from marts.offers where source = 'apidae' order by 1"
        )
        # A third night: Apidae answers, but cuts every page on every retry.
        faults.down, faults.truncate_always = False, True
        third = night(settings, instance, after=second)
        yield {
            "settings": settings,
            "first": first,
            "second": second,
            "third": third,
            "after_first": after_first,
            "apidae_after_second": apidae_after_second,
            "instance": instance,
        }


def _objects(settings) -> list[dict]:
    path = settings.samples_dir / "apidae" / "objects.ndjson"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_page_cut_once_is_fetched_again_and_every_object_lands_once(nights):
    s = nights["settings"]
    assert nights["first"].success
    assert check_results(nights["first"])[PULL] is True
    assert nights["after_first"]["requests"].count(200) == 2  # the cut page, then its retry
    [manifest] = [m for m in LandingZone(s.landing_dir).manifests("apidae") if m["kind"] == "api"]
    batch = s.landing_dir / "apidae" / manifest["received_at"][:10] / manifest["batch_id"]
    ids = [json.loads(line)["id"] for line in (batch / "objects.ndjson").read_text().splitlines()]
    assert sorted(ids) == sorted(generated_ids(s)) and len(set(ids)) == len(ids)
    assert manifest["quarantined"] == 0


def test_with_apidae_down_the_night_goes_on_with_its_last_good_state(nights):
    s, second = nights["settings"], nights["second"]
    assert second.success
    checks = check_results(second)
    assert checks[PULL] is False
    failed = next(
        e
        for e in second.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.asset_check_evaluation_data.check_name == "source_pull_succeeded"
        and not e.asset_check_evaluation_data.passed
    )
    assert "[apidae]" in failed.asset_check_evaluation_data.description
    assert "503" in failed.asset_check_evaluation_data.description
    # Apidae's marts keep their last good state, exactly.
    assert (
        query(s, "select offer_key, description from marts.offers where source = 'apidae' order by 1")
        == nights["after_first"]["apidae"]
    )
    # The other source was refreshed: 20 more Constellation records (one of the 60 has no id).
    assert (
        query(s, "select count(*) from marts.offers where source = 'tif'")[0][0]
        == 59
        == nights["after_first"]["tif"] + 20
    )
    new_tif = {
        k for (k,) in query(s, "select offer_key from marts.offers where source = 'tif' and ot_code is not null")
    }
    assert new_tif - nights["after_first"]["served"]  # new records reached the OTs' files
    assert new_tif <= served_offer_keys(s)
    published = {k for (k,) in query(s, "select offer_key from marts.opendata_offers where held_back_reason is null")}
    index = json.loads((s.opendata_dir / "current" / "index.json").read_text())
    assert published & new_tif and len(index) >= len(published & new_tif)


def test_each_broken_drop_file_is_named_and_the_rest_lands(nights):
    second = nights["second"]
    rejected = {
        e.asset_check_evaluation_data.asset_key.to_user_string(): e.asset_check_evaluation_data.description
        for e in second.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.asset_check_evaluation_data.check_name == "all_drop_files_loaded"
        and not e.asset_check_evaluation_data.passed
    }
    assert "export-0002.zip" in rejected["landing/apidae_export_objects"]
    assert "flux-broken.zip" in rejected["landing/datatourisme_download"]
    assert "constellation-coupe.xml" in rejected["landing/tif_xml_objects"]
    assert "avis-vide.csv" in rejected["landing/fairguest_exports"]
    assert "contacts-latin.csv" in rejected["landing/nurtik_exports"]
    assert len(rejected) == len(BROKEN_DROPS)
    # The good file beside the broken one landed: 20 more Constellation records (above). Nothing
    # of Nurtik's changed (its only new file is the broken one): its segments are not rebuilt.
    assert second.success and dg.AssetKey(["landing", "tif_xml_objects"]) in second.materialized
    assert dg.AssetKey(["publish", "nurtik_segment_exports"]) not in second.materialized


def test_pages_cut_on_every_retry_fail_apidae_alone(nights):
    third, s = nights["third"], nights["settings"]
    assert third.success and check_results(third)[PULL] is False
    [failed] = [
        e.asset_check_evaluation_data
        for e in third.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.asset_check_evaluation_data.check_name == "source_pull_succeeded"
        and not e.asset_check_evaluation_data.passed
    ]
    assert "not valid JSON (truncated body?)" in failed.description
    assert (
        query(s, "select offer_key, description from marts.offers where source = 'apidae' order by 1")
        == nights["apidae_after_second"]
        == nights["after_first"]["apidae"]
    )


def test_the_alerts_name_apidae_and_its_error(nights, smtp_server):
    from t82_pipeline.defs.ops.alerts import late_source_alert, source_failure_alert
    from t82_pipeline.defs.ops.resources import AlertTarget
    from t82_pipeline.lib.mail import MailResource

    controller, received = smtp_server
    resources = {
        "mail": MailResource(smtp_host="127.0.0.1", smtp_port=controller.port, starttls=False),
        "alerts": AlertTarget(recipients=["data@example.org"]),
    }
    instance, run = nights["instance"], nights["second"].results[0].dagster_run  # the nightly
    success = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.RUN_SUCCESS).records[0]
    context = dg.build_run_status_sensor_context(
        sensor_name="source_failure_alert",
        dagster_instance=instance,
        dagster_run=run,
        dagster_event=success.event_log_entry.dagster_event,
        resources=resources,
    )
    source_failure_alert(context)
    late_source_alert(dg.build_sensor_context(instance=instance, resources=resources))
    subjects = {
        message_from_bytes(m.content, policy=default)["Subject"]: message_from_bytes(m.content, policy=default)
        for m in received
    }
    run_alert = subjects["[t82] Source(s) en échec dans nightly : apidae_api_objects"].get_content()
    assert "landing/apidae_api_objects : [apidae]" in run_alert and "HTTP 503" in run_alert
    late = subjects["[t82] Source(s) en retard"].get_content()
    assert (
        "landing/apidae_api_objects : dernière mise à jour réussie" in late
        and "dernier essai en échec : [apidae]" in late
    )
    assert "landing/fairguest_api" not in late  # it landed fine both nights
