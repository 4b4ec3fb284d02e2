"""Secrets reach Dagster as environment variable names: the repository snapshot that the UI and
its GraphQL API serve never holds their values (the production-processes test checks the
webserver's answer, run logs and metadata on a real run)."""

import subprocess
import sys

from t82_pipeline.lib.settings import REPO_ROOT
from tests.unit.lib.test_settings import REAL

PROBES = {
    "T82_APIDAE_API_KEY": "probe-apidae-key-7f3a",
    "T82_FAIRGUEST_TOKEN": "probe-fairguest-token-91c2",
    "T82_NURTIK_TOKEN": "probe-nurtik-token-44d0",
    "T82_SMTP_PASSWORD": "probe-smtp-password-0b6e",
    "T82_CONTACT_KEY_SECRET": "probe-contact-key-secret-5e1d-0123456789abcdef",
    "T82_OPENDATA_PUT_TOKEN": "probe-put-token-c8a7",
    "T82_SERVING_PG_DSN": "postgresql://publisher:probe-dsn-password-2f9b@127.0.0.1:1/serving",
    "T82_DUCKLAKE_CATALOG": "postgres:host=127.0.0.1 port=1 dbname=lake user=t82 password=probe-lake-6d1f",
}

SNAPSHOT = """
from dagster._core.remote_representation.external_data import RepositorySnap
from dagster_shared.serdes import serialize_value
from t82_pipeline.definitions import defs
print(serialize_value(RepositorySnap.from_def(defs.get_repository_def())))
"""


def test_no_secret_value_in_the_repository_snapshot(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "T82_DATA_DIR": str(tmp_path),
        "T82_WAREHOUSE": "ducklake",  # the only backend with a secret
        **REAL,
        **PROBES,
    }
    done = subprocess.run(
        [sys.executable, "-c", SNAPSHOT], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    snapshot = done.stdout
    assert "T82_APIDAE_API_KEY" in snapshot and "ExternalRepositoryData" in snapshot  # the names are there
    leaked = [name for name, value in PROBES.items() if value in snapshot or value.split("@")[0][-12:] in snapshot]
    assert leaked == []
