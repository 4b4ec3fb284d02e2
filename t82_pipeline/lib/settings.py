"""All environment logic of t82 in one place.

Every setting is a ``T82_*`` environment variable (documented in ``.env.example``). With none
set, t82 runs on the *embedded default*: generated sample data, one DuckDB file under
``data/``, Dagster's local storage, e-mails to an outbox folder.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from t82_pipeline.lib.ducklake import Catalog

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
# Where the install step writes the dbt manifest (the DbtProject's default target path); serving
# reads it to know which marts it publishes.
DBT_MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"
EMBEDDED = "embedded"
PRODUCTION = "production"
MODES = (EMBEDDED, PRODUCTION)
# The warehouse's backends: one DuckDB file (one writer, and no reader while it writes), or a
# DuckLake (catalog in a database, data as Parquet files: readers never wait for the writer).
DUCKDB = "duckdb"
DUCKLAKE = "ducklake"
# How dbt gets the DuckLake catalog: dbt scrubs the values of DBT_ENV_SECRET_* variables from its logs.
CATALOG_FOR_DBT = "DBT_ENV_SECRET_T82_DUCKLAKE_CATALOG"
WAREHOUSE_BACKENDS = (DUCKDB, DUCKLAKE)
# How long a DuckLake keeps old snapshots (and their files): a count and a unit, nothing else.
RETENTION = re.compile(r"\d{1,4} (second|minute|hour|day|week)s?")
# Stand-in credentials of the embedded default only: public, so production refuses them.
DEMO_CONTACT_KEY_SECRET = "embedded-demo-secret"
DEMO_API_KEY = "demo-key"
DEMO_TOKEN = "demo-token"
DEMO_UNSUBSCRIBE_EMAIL = "desinscription-rapports@tarnetgaronne-tourisme.fr"
DEMO_SECRETS = {DEMO_CONTACT_KEY_SECRET, DEMO_API_KEY, DEMO_TOKEN}
DEMO_ALERT_EMAILS = "data@tarnetgaronne-tourisme.fr"
MIN_CONTACT_KEY_SECRET_LENGTH = 32


class SettingsError(RuntimeError):
    """Settings that cannot run: one message listing every problem by variable name."""

    def __init__(self, mode: str, problems: list[str]):
        self.problems = problems
        super().__init__(
            f"t82 refuses to start in T82_ENV={mode}: fix these settings (see .env.example):\n"
            + "\n".join(f"  - {p}" for p in problems)
        )


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _location(name: str, default: Path) -> str:
    """A folder or an object-storage prefix (s3://…): folders resolved like every path."""
    value = os.environ.get(name, "")
    return value if "://" in value else str(_path(name, default))


def _mode() -> str:
    mode = os.environ.get("T82_ENV", "").strip().lower() or EMBEDDED
    if mode not in MODES:
        raise SettingsError(mode, [f"T82_ENV must be one of {', '.join(MODES)}, not {mode!r}"])
    return mode


@dataclass(frozen=True)
class Settings:
    mode: str
    data_dir: Path
    warehouse_path: Path
    warehouse_memory_limit: str
    warehouse_backend: str
    # Models that read today's date (quality freshness, retention) read this one when set: the
    # tests and the benchmark pin it; production leaves it empty.
    as_of_date: str
    # DuckLake's catalog, as ATTACH 'ducklake:…' takes it (``postgres:host=… dbname=…``): it may
    # hold a password, so it is a secret.
    ducklake_catalog: str = field(repr=False)
    ducklake_data_path: str
    ducklake_retention: str
    landing_dir: Path
    samples_dir: Path
    apidae_base_url: str
    apidae_api_key: str = field(repr=False)
    apidae_project_id: str
    apidae_selection_ids: tuple[int, ...]
    apidae_page_size: int
    apidae_full_snapshot_days: int
    apidae_export_drop_dir: Path
    tif_drop_dir: Path
    http_timeout_s: float
    drop_settle_seconds: float
    http_retries: int
    opendata_dir: Path
    datatourisme_drop_dir: Path
    serving_dir: Path
    fairguest_base_url: str
    fairguest_group_id: str
    fairguest_token: str = field(repr=False)
    fairguest_drop_dir: Path
    fluxvision_drop_dir: Path
    nurtik_base_url: str
    nurtik_full_pull_days: int
    nurtik_token: str = field(repr=False)
    nurtik_drop_dir: Path
    nurtik_erasure_dir: Path
    contact_key_secret: str = field(repr=False)
    segments_dir: Path
    reports_dir: Path
    state_dir: Path
    fairguest_report_link: str
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str = field(repr=False)
    smtp_starttls: bool
    mail_from: str
    unsubscribe_email: str
    outbox_dir: Path
    alert_emails: tuple[str, ...]
    serving_pg_dsn: str = field(repr=False)
    serving_max_overnight_drop: float
    opendata_put_url: str
    opendata_put_token: str = field(repr=False)
    opendata_base_uri: str
    opendata_publisher_homepage: str
    opendata_publisher_email: str

    @property
    def is_production(self) -> bool:
        return self.mode == PRODUCTION

    def production_problems(self) -> list[str]:
        """Everything that would make production fall back on a demo stand-in or fail unseen."""
        problems = [
            f"{name} must be a real base URL, not {value or 'empty'!r}"
            for name, value in [
                ("T82_APIDAE_BASE_URL", self.apidae_base_url),
                ("T82_FAIRGUEST_BASE_URL", self.fairguest_base_url),
                ("T82_NURTIK_BASE_URL", self.nurtik_base_url),
            ]
            if value in ("", EMBEDDED)
        ]
        for name, value in [
            ("T82_APIDAE_API_KEY", self.apidae_api_key),
            ("T82_APIDAE_PROJECT_ID", self.apidae_project_id),
            ("T82_FAIRGUEST_TOKEN", self.fairguest_token),
            ("T82_NURTIK_TOKEN", self.nurtik_token),
        ]:
            if not value or value in DEMO_SECRETS:
                problems.append(f"{name} is {'empty' if not value else 'the public demo value'}")
        if not self.contact_key_secret or self.contact_key_secret in DEMO_SECRETS:
            problems.append(
                "T82_CONTACT_KEY_SECRET is "
                + ("empty" if not self.contact_key_secret else "the public demo secret")
                + ": real contacts would be keyed with a value anyone can read"
            )
        elif len(self.contact_key_secret) < MIN_CONTACT_KEY_SECRET_LENGTH:
            problems.append(f"T82_CONTACT_KEY_SECRET is shorter than {MIN_CONTACT_KEY_SECRET_LENGTH} characters")
        if not self.smtp_host:
            problems.append(
                "T82_SMTP_HOST is empty: provider e-mails and alerts would only reach a local outbox folder"
            )
        if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[a-z]{2,}", self.unsubscribe_email, re.IGNORECASE):
            problems.append(
                "T82_UNSUBSCRIBE_EMAIL is not a plain address: providers' requests to stop the reports "
                "(List-Unsubscribe) would reach no one"
            )
        if not self.alert_emails:
            problems.append("T82_ALERT_EMAILS is empty: nobody would hear of a failed night")
        return problems

    def warehouse_problems(self) -> list[str]:
        if self.warehouse_backend not in WAREHOUSE_BACKENDS:
            return [f"T82_WAREHOUSE must be one of {', '.join(WAREHOUSE_BACKENDS)}, not {self.warehouse_backend!r}"]
        if self.warehouse_backend == DUCKLAKE and not self.ducklake_catalog.startswith("postgres:"):
            return [
                "T82_DUCKLAKE_CATALOG "
                + ("is empty" if not self.ducklake_catalog else "is not a PostgreSQL catalog")
                + ": T82_WAREHOUSE=ducklake needs its catalog in PostgreSQL (postgres:host=… dbname=…), "
                "where readers and dbt work at once"
            ]
        if not RETENTION.fullmatch(self.ducklake_retention):
            return [
                f"T82_DUCKLAKE_RETENTION must read like '7 days' (seconds to weeks), not {self.ducklake_retention!r}"
            ]
        return []

    def value_problems(self) -> list[str]:
        """Values outside what their use allows (a page of 0 objects would page for ever)."""
        problems = []
        if not 1 <= self.apidae_page_size <= 200:
            problems.append(
                f"T82_APIDAE_PAGE_SIZE must be between 1 and 200 (Apidae's most), not {self.apidae_page_size}"
            )
        if self.as_of_date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", self.as_of_date):
            problems.append(f"T82_AS_OF_DATE must be a date (YYYY-MM-DD), not {self.as_of_date!r}")
        return problems

    def check(self) -> None:
        problems = (
            self.value_problems()
            + self.warehouse_problems()
            + (self.production_problems() if self.is_production else [])
        )
        if problems:
            raise SettingsError(self.mode, problems)

    @classmethod
    def from_env(cls) -> Settings:
        mode = _mode()
        # The stand-ins' credentials exist only in the embedded default: production has no fallback.
        embedded = mode == EMBEDDED

        def demo(value: str) -> str:
            return value if embedded else ""

        data_dir = _path("T82_DATA_DIR", REPO_ROOT / "data")
        samples_dir = _path("T82_SAMPLES_DIR", data_dir / "generated")
        selection = os.environ.get("T82_APIDAE_SELECTION_IDS", "")
        return cls(
            mode=mode,
            data_dir=data_dir,
            warehouse_path=_path("T82_WAREHOUSE_PATH", data_dir / "warehouse" / "t82.duckdb"),
            # dbt's DuckDB spills to disk beyond this, so the nightly fits a small machine at regional scale.
            warehouse_memory_limit=os.environ.get("T82_WAREHOUSE_MEMORY_LIMIT", "1GB"),
            warehouse_backend=os.environ.get("T82_WAREHOUSE", DUCKDB).strip().lower() or DUCKDB,
            as_of_date=os.environ.get("T82_AS_OF_DATE", "").strip(),
            ducklake_catalog=os.environ.get("T82_DUCKLAKE_CATALOG", ""),
            ducklake_data_path=_location("T82_DUCKLAKE_DATA_PATH", data_dir / "warehouse" / "lake"),
            ducklake_retention=os.environ.get("T82_DUCKLAKE_RETENTION", "7 days").strip(),
            landing_dir=_path("T82_LANDING_DIR", data_dir / "landing"),
            samples_dir=samples_dir,
            apidae_base_url=os.environ.get("T82_APIDAE_BASE_URL", demo(EMBEDDED)).rstrip("/"),
            apidae_api_key=os.environ.get("T82_APIDAE_API_KEY") or demo(DEMO_API_KEY),
            apidae_project_id=os.environ.get("T82_APIDAE_PROJECT_ID") or demo("0"),
            apidae_selection_ids=tuple(int(s) for s in selection.split(",") if s.strip()),
            apidae_page_size=int(os.environ.get("T82_APIDAE_PAGE_SIZE", "200")),
            apidae_full_snapshot_days=int(os.environ.get("T82_APIDAE_FULL_SNAPSHOT_DAYS", "7")),
            apidae_export_drop_dir=_path("T82_APIDAE_EXPORT_DROP_DIR", data_dir / "drop" / "apidae"),
            tif_drop_dir=_path("T82_TIF_DROP_DIR", data_dir / "drop" / "tif"),
            http_timeout_s=float(os.environ.get("T82_HTTP_TIMEOUT_S", "30")),
            drop_settle_seconds=float(os.environ.get("T82_DROP_SETTLE_SECONDS", "1")),
            http_retries=int(os.environ.get("T82_HTTP_RETRIES", "4")),
            opendata_put_url=os.environ.get("T82_OPENDATA_PUT_URL", ""),
            opendata_put_token=os.environ.get("T82_OPENDATA_PUT_TOKEN", ""),
            smtp_host=os.environ.get("T82_SMTP_HOST", ""),
            smtp_port=int(os.environ.get("T82_SMTP_PORT", "587")),
            smtp_user=os.environ.get("T82_SMTP_USER", ""),
            smtp_password=os.environ.get("T82_SMTP_PASSWORD", ""),
            smtp_starttls=os.environ.get("T82_SMTP_STARTTLS", "true").lower() == "true",
            mail_from=os.environ.get("T82_MAIL_FROM", "Tarn-et-Garonne Tourisme <noreply@tarnetgaronne-tourisme.fr>"),
            outbox_dir=_path("T82_OUTBOX_DIR", data_dir / "outbox"),
            unsubscribe_email=os.environ.get("T82_UNSUBSCRIBE_EMAIL", demo(DEMO_UNSUBSCRIBE_EMAIL)).strip(),
            alert_emails=tuple(
                a.strip() for a in os.environ.get("T82_ALERT_EMAILS", demo(DEMO_ALERT_EMAILS)).split(",") if a.strip()
            ),
            fairguest_base_url=os.environ.get("T82_FAIRGUEST_BASE_URL", demo(EMBEDDED)).rstrip("/"),
            fairguest_group_id=os.environ.get("T82_FAIRGUEST_GROUP_ID", "82"),
            fairguest_token=os.environ.get("T82_FAIRGUEST_TOKEN") or demo(DEMO_TOKEN),
            reports_dir=_path("T82_REPORTS_DIR", data_dir / "reports"),
            state_dir=_path("T82_STATE_DIR", data_dir / "state"),
            fairguest_report_link=os.environ.get(
                "T82_FAIRGUEST_REPORT_LINK", "https://www.fairguest.com/?idFiche={sheet_id}"
            ),
            fairguest_drop_dir=_path("T82_FAIRGUEST_DROP_DIR", data_dir / "drop" / "fairguest"),
            fluxvision_drop_dir=_path("T82_FLUXVISION_DROP_DIR", data_dir / "drop" / "fluxvision"),
            nurtik_base_url=os.environ.get("T82_NURTIK_BASE_URL", demo(EMBEDDED)).rstrip("/"),
            nurtik_full_pull_days=int(os.environ.get("T82_NURTIK_FULL_PULL_DAYS", "7")),
            nurtik_token=os.environ.get("T82_NURTIK_TOKEN") or demo(DEMO_TOKEN),
            nurtik_drop_dir=_path("T82_NURTIK_DROP_DIR", data_dir / "drop" / "nurtik"),
            nurtik_erasure_dir=_path("T82_NURTIK_ERASURE_DIR", data_dir / "restricted" / "nurtik_erasure"),
            contact_key_secret=os.environ.get("T82_CONTACT_KEY_SECRET") or demo(DEMO_CONTACT_KEY_SECRET),
            segments_dir=_path("T82_SEGMENTS_DIR", data_dir / "publish" / "nurtik_segments"),
            serving_dir=_path("T82_SERVING_DIR", data_dir / "serving"),
            serving_pg_dsn=os.environ.get("T82_SERVING_PG_DSN", ""),
            serving_max_overnight_drop=float(os.environ.get("T82_SERVING_MAX_OVERNIGHT_DROP", "0.2")),
            datatourisme_drop_dir=_path("T82_DATATOURISME_DROP_DIR", data_dir / "drop" / "datatourisme"),
            opendata_dir=_path("T82_OPENDATA_DIR", data_dir / "publish" / "datatourisme"),
            opendata_base_uri=os.environ.get(
                "T82_OPENDATA_BASE_URI", "https://data.tarnetgaronne-tourisme.fr/datatourisme"
            ),
            opendata_publisher_homepage=os.environ.get(
                "T82_OPENDATA_PUBLISHER_HOMEPAGE", "https://www.tarnetgaronne-tourisme.fr"
            ),
            opendata_publisher_email=os.environ.get("T82_OPENDATA_PUBLISHER_EMAIL", ""),
        )

    def export_for_dbt(self) -> None:
        """dbt runs as a subprocess and reads these from its environment (profiles.yml)."""
        self.warehouse_path.parent.mkdir(parents=True, exist_ok=True)  # DuckDB creates files, not folders
        os.environ["T82_WAREHOUSE_PATH"] = str(self.warehouse_path)
        os.environ["T82_LANDING_DIR"] = str(self.landing_dir)
        os.environ["T82_WAREHOUSE_MEMORY_LIMIT"] = self.warehouse_memory_limit
        os.environ["T82_WAREHOUSE"] = self.warehouse_backend  # profiles.yml's target
        os.environ["T82_DUCKLAKE_DATA_PATH"] = self.ducklake_data_path
        os.environ["T82_DUCKLAKE_RETENTION"] = self.ducklake_retention  # checked: it reaches SQL
        # The catalog without its password, for the profile's ATTACH; the password reaches dbt's
        # DuckDB as a secret (lib/dbt_udfs.py), and dbt scrubs DBT_ENV_SECRET_* values from its logs.
        os.environ["T82_DUCKLAKE_CONNINFO"] = Catalog.parse(self.ducklake_catalog).conninfo
        os.environ[CATALOG_FOR_DBT] = self.ducklake_catalog
        os.environ["T82_CONTACT_KEY_SECRET"] = self.contact_key_secret  # read by lib/dbt_udfs.py, never by SQL


@cache
def get_settings() -> Settings:
    """The settings, checked: in production a bad setting stops every entry point here."""
    settings = Settings.from_env()
    settings.check()
    settings.export_for_dbt()
    return settings


if __name__ == "__main__":
    # `python -m t82_pipeline.lib.settings CMD ARGS…` runs a dbt-side tool (sqlfluff's dbt
    # templater) with the environment dbt gets from Dagster.
    import sys

    get_settings()
    os.execvp(sys.argv[1], sys.argv[1:])
