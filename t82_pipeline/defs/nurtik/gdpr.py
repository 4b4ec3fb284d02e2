"""GDPR jobs: the weekly retention purge and people's erasure. Both add keyed hashes to the
suppression list (so the person is never re-imported) and rewrite them out of landing, then
rebuild what depends on Nurtik.

Erasure requests never sit in clear in Dagster (run config, logs and metadata are kept for
ever): they are read from a restricted folder (T82_NURTIK_ERASURE_DIR, one e-mail per line),
whose files are deleted once the erasure is done, or given as keyed hashes in run config."""

from pathlib import Path

import dagster as dg

from t82_pipeline.defs.nurtik.landing import linked_people, suppress
from t82_pipeline.defs.nurtik.resources import NurtikResource
from t82_pipeline.lib.pseudonym import contact_key
from t82_pipeline.lib.resources import DropFolderResource, LandingResource, WarehouseResource, reader_pool

SUPPRESSIONS_KEY = dg.AssetKey(["landing", "nurtik_suppressions"])
FOUND_CHECK = "every_erasure_request_found"
REQUEST_PATTERNS = ("*.txt", "*.csv")


class SuppressionConfig(dg.Config):
    # Erasure requests as keyed hashes (`contact_key`), for a tool that already holds them;
    # e-mail addresses go in the restricted folder, never here.
    erase_contact_keys: list[str] = []
    purge_expired: bool = False  # retention: everyone whose 3-year period has ended


def requested_addresses(folder: DropFolderResource) -> tuple[list[Path], list[str]]:
    files = [p for pattern in REQUEST_PATTERNS for p in folder.files(pattern) if not p.is_symlink()]
    addresses = [
        line.strip().strip(";,").strip('"')
        for f in files
        for line in f.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    ]
    return files, [a for a in addresses if "@" in a]


@dg.asset(
    key=SUPPRESSIONS_KEY,
    pool=reader_pool(),
    group_name="nurtik",
    owners=["team:data"],
    kinds={"python"},
    check_specs=[
        dg.AssetCheckSpec(
            FOUND_CHECK, asset=SUPPRESSIONS_KEY, description="Every erasure request matched a person we hold"
        )
    ],
    description=(
        "The suppression list (keyed hashes only) and the GDPR rewrite of landing: erasure requests "
        "(files of e-mails in T82_NURTIK_ERASURE_DIR, or keyed hashes in config) and the retention purge "
        "(purge_expired) add people, with every address and id linked to them, to it and remove their "
        "lines from every landed Nurtik file; they are never imported again."
    ),
)
def nurtik_suppressions(
    context: dg.AssetExecutionContext,
    config: SuppressionConfig,
    nurtik: NurtikResource,
    landing: LandingResource,
    warehouse: WarehouseResource,
    nurtik_erasure_requests: DropFolderResource,
) -> dg.MaterializeResult:
    zone = landing.zone()
    secret = nurtik.contact_key_secret
    request_files, addresses = requested_addresses(nurtik_erasure_requests)
    requested = ({contact_key(e, secret) for e in addresses} | set(config.erase_contact_keys)) - {None}
    # Reads the last built models rather than depending on them: this asset feeds what it reads.
    with warehouse.get_connection() as con:
        expired = (
            {
                k
                for (k,) in con.execute(
                    "select contact_key from grc.nurtik_contact_retention where is_expired"
                ).fetchall()
            }
            if config.purge_expired
            else set()
        )
        known = (
            {
                k
                for (k,) in con.execute(
                    "select contact_key from personal.int_nurtik_people where list_contains($keys, contact_key)",
                    {"keys": sorted(requested)},
                ).fetchall()
            }
            if requested
            else set()
        )
    missing = requested - known
    results = {}
    if requested:
        # Every address and id ever linked to the person goes too; suppressed even when unknown:
        # a person who asked to be forgotten must not be imported later.
        keys, ids = linked_people(zone, requested, secret)
        results["erasure"] = suppress(zone, keys, "erasure", secret, ids)
    for request in request_files:  # done: the requests themselves are personal data
        request.unlink()
    if expired:
        results["retention"] = suppress(zone, expired, "retention", secret)
    if missing:
        context.log.error(
            f"[nurtik] {len(missing)} erasure request(s) matched no contact: nothing held to erase "
            "(added to the suppression list all the same)"
        )
    return dg.MaterializeResult(
        metadata={
            "erasure_requests": len(requested),
            "erasure_not_found": len(missing),
            "expired_purged": len(expired),
            "landing_lines_removed": sum(r["lines_removed"] for r in results.values()),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name=FOUND_CHECK,
                passed=not missing,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={"not_found": len(missing)},
                description=f"{len(missing)} request(s) matched no contact" if missing else "all found",
            )
        ],
    )


_rebuild = dg.AssetSelection.assets(SUPPRESSIONS_KEY).downstream()
nurtik_erasure_job = dg.define_asset_job(
    "nurtik_erasure",
    selection=_rebuild,
    description=(
        "Erases the people whose e-mails are in the restricted erasure folder (T82_NURTIK_ERASURE_DIR), "
        "everywhere, landing included, then rebuilds."
    ),
    config={
        "ops": {
            "landing__nurtik_suppressions": {"config": {"erase_contact_keys": [], "purge_expired": False}},
            # On a DuckLake, no earlier snapshot keeps a file with the erased people in it.
            "t82_dbt_models": {"config": {"purge_history": True}},
        }
    },
)
nurtik_retention_job = dg.define_asset_job(
    "nurtik_retention",
    selection=_rebuild,
    description="Weekly: purges everyone whose retention period has ended, then rebuilds.",
    config={
        "ops": {
            "landing__nurtik_suppressions": {"config": {"purge_expired": True}},
            "t82_dbt_models": {"config": {"purge_history": True}},
        }
    },
)
nurtik_retention_schedule = dg.ScheduleDefinition(
    job=nurtik_retention_job,
    cron_schedule="30 4 * * 1",
    execution_timezone="Europe/Paris",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
