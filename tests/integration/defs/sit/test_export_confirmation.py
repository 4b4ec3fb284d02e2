"""Apidae export confirmation on a real HTTP server: a failed confirmation never stops the
landing, leaks no hash, and is retried until it succeeds, then never sent again; a URL that is not
Apidae's confirmation (another host or port, another path, not a URL) is refused once, never
fetched."""

import json
import shutil

import dagster as dg
import pytest
from werkzeug import Response

from t82_pipeline.defs.sit.assets import apidae_export_objects
from t82_pipeline.defs.sit.resources import ApidaeResource
from t82_pipeline.lib.resources import DropFolderResource, LandingResource
from tests.integration.defs.sit.test_drop_files import REAL_ZIP

HASH = "s3cr3t-export-hash-9f2"


def run(tmp_path, httpserver):
    api = httpserver.url_for("").rstrip("/")  # the Apidae API as configured (T82_APIDAE_BASE_URL)
    result = dg.materialize(
        [apidae_export_objects],
        resources={
            "apidae": ApidaeResource(base_url=api, api_key="k", project_id="1", retries=0),
            "landing": LandingResource(root=str(tmp_path / "landing")),
            "apidae_export_drop": DropFolderResource(path=str(tmp_path / "drop"), settle_seconds=0),
        },
        selection=[apidae_export_objects.key],
        raise_on_error=False,
    )
    # A run that lands a batch materializes; one that finds nothing new observes, with the same notes.
    [recorded] = [
        e.event_specific_data.materialization
        if e.is_step_materialization
        else e.asset_observation_data.asset_observation
        for e in result.all_events
        if e.is_step_materialization or e.event_type == dg.DagsterEventType.ASSET_OBSERVATION
    ]
    logs = " ".join(str(e) for e in result.all_events)
    return result, {k: getattr(v, "value", v) for k, v in recorded.metadata.items()}, logs


def test_a_failed_confirmation_is_retried_next_run_and_leaks_no_hash(tmp_path, httpserver):
    (tmp_path / "drop").mkdir()
    shutil.copy(REAL_ZIP, tmp_path / "drop" / "export.zip")
    url = httpserver.url_for(f"/api/v002/export/confirmation?hash={HASH}")
    (tmp_path / "drop" / "export.zip.json").write_text(f'{{"reinitialisation": "false", "urlConfirmation": "{url}"}}')
    answers = [500, 200]
    httpserver.expect_request("/api/v002/export/confirmation").respond_with_handler(
        lambda request: Response("Erreur" if answers[0] == 500 else "OK", status=answers.pop(0))
    )

    first, metadata, logs = run(tmp_path, httpserver)
    assert first.success and metadata["new_batches"] == 1
    assert "export.zip: HTTP 500" in metadata["confirmations_pending"]
    assert HASH not in logs and HASH not in str(metadata)

    second, metadata, _ = run(tmp_path, httpserver)
    assert second.success and metadata["new_batches"] == 0 and metadata["confirmations_pending"] == "none"
    third, _, _ = run(tmp_path, httpserver)
    assert third.success
    assert len([r for r, _ in httpserver.log if r.path == "/api/v002/export/confirmation"]) == 2  # never a third time


def drop_export(tmp_path, confirmation: str) -> None:
    (tmp_path / "drop").mkdir(exist_ok=True)
    shutil.copy(REAL_ZIP, tmp_path / "drop" / "export.zip")
    (tmp_path / "drop" / "export.zip.json").write_text(json.dumps({"urlConfirmation": confirmation}))


@pytest.mark.parametrize(
    "confirmation, reason",
    [
        ("http://127.0.0.1:{other}/api/v002/export/confirmation?hash=x", "not the Apidae API"),
        ("{api}/admin/delete?hash=x", "not Apidae's export confirmation"),
        ("http://user:pw@{api_netloc}/api/v002/export/confirmation?hash=x", "not Apidae's export confirmation"),
        ("ht!tp:://::not a url", "not a URL"),
        ("http://[::1", "not a URL"),
    ],
    ids=["another local service", "another path", "credentials", "malformed", "broken host"],
)
def test_a_confirmation_url_that_is_not_apidaes_is_refused_once_never_fetched(
    tmp_path, httpserver, confirmation, reason
):
    from werkzeug.serving import make_server

    elsewhere = make_server("127.0.0.1", 0, lambda environ, start: [])  # another local service
    api = httpserver.url_for("").rstrip("/")
    drop_export(
        tmp_path,
        confirmation.format(other=elsewhere.server_port, api=api, api_netloc=api.removeprefix("http://")),
    )
    first, metadata, _ = run(tmp_path, httpserver)
    assert first.success and metadata["new_batches"] == 1  # the export lands all the same
    assert reason in metadata["confirmations_refused"] and metadata["confirmations_pending"] == "none"
    second, metadata, _ = run(tmp_path, httpserver)
    assert metadata["confirmations_refused"] == "none"  # said once, not on every run
    assert httpserver.log == []  # nothing fetched
    elsewhere.server_close()
