"""GDPR jobs: the weekly retention purge and people's erasure. Both add keyed hashes to the
suppression list (so the person is never re-imported) and rewrite them out of landing, then
rebuild what depends on Nurtik.

Erasure requests never sit in clear in Dagster (run config, logs and metadata are kept for
ever): they are read from a restricted folder (T82_NURTIK_ERASURE_DIR, one e-mail per line),
whose files are deleted once the erasure is done, or given as keyed hashes in run config."""

from pathlib import Path

import dagster as dg

from t82_pipeline.defs.nurtik.landing import linked_people, scrub_drop_folder, suppress, suppressed_keys
from t82_pipeline.defs.nurtik.resources import NurtikResource
from t82_pipeline.lib.pseudonym import contact_key
from t82_pipeline.lib.resources import DropFolderResource, LandingResource, WarehouseResource, reader_pool

SUPPRESSIONS_KEY = dg.AssetKey(["landing", "nurtik_suppressions"])
EVENTS_KEY = dg.AssetKey(["staging", "stg_nurtik__events"])
FOUND_CHECK = "every_erasure_request_found"
REQUEST_PATTERNS = ("*.txt", "*.csv")


class SuppressionConfig(dg.Config):
    # Erasure requests as keyed hashes (`contact_key`), for a tool that already holds them;
    # e-mail addresses go in the restricted folder, never here.
    erase_contact_keys: list[str] = []
    purge_expired: bool = False  # retention: everyone whose 3-year period has ended


def request_files(folder: DropFolderResource) -> tuple[list[Path], int]:
    """The request files ready to read (a file still being written waits), and how many wait."""
    found = [p for pattern in REQUEST_PATTERNS for p in folder.files(pattern) if not p.is_symlink()]
    ready, moving = folder.settled(found)
    return ready, len(moving)


def read_requests(path: Path) -> list[str]:
    """One request a non-empty line (an address, maybe quoted or with a trailing separator)."""
    lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    return [line.strip().strip(";,").strip('"') for line in lines if line.strip().strip(";,").strip('"')]


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
    nurtik_drop: DropFolderResource,
) -> dg.MaterializeResult:
    zone = landing.zone()
    secret = nurtik.contact_key_secret
    files, waiting = request_files(nurtik_erasure_requests)
    requests = {path: read_requests(path) for path in files}
    key_of = {line: contact_key(line, secret) if "@" in line else None for lines in requests.values() for line in lines}
    requested = ({k for k in key_of.values() if k} | set(config.erase_contact_keys)) - {None}
    already_erased = suppressed_keys(zone)
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
    found = known | (requested & already_erased)  # asked again: erased already, and erased again below
    missing = requested - found
    results: dict[str, dict] = {}
    if requested:
        # Every address and id ever linked to the person goes too; suppressed even when unknown:
        # a person who asked to be forgotten must not be imported later.
        keys, ids = linked_people(zone, requested, secret)
        results["erasure"] = suppress(zone, keys, "erasure", secret, ids)
        results["drop_folder"] = scrub_drop_folder(zone, nurtik_drop.files("*.csv"), keys, ids, secret)
    unmatched_files = []
    for path, lines in requests.items():  # done: the requests themselves are personal data
        if all(key_of[line] in found for line in lines):
            path.unlink()
        else:
            unmatched_files.append(path.name)  # kept for the GDPR officer to correct
    if expired:
        results["retention"] = suppress(zone, expired, "retention", secret)
    not_addresses = sum(1 for key in key_of.values() if key is None)
    if missing or not_addresses:
        context.log.error(
            f"[nurtik] {len(missing)} erasure request(s) matched no contact, {not_addresses} line(s) are no "
            f"e-mail address; their file(s) are kept: {', '.join(unmatched_files)} "
            "(a request that matched no one is added to the suppression list all the same)"
        )
    if waiting:
        context.log.warning(f"[nurtik] {waiting} erasure request file(s) still being written: next run")
    drop = results.get("drop_folder", {})
    return dg.MaterializeResult(
        metadata={
            "erasure_requests": len(requested),
            "erasure_not_found": len(missing),
            "request_lines_not_addresses": not_addresses,
            "request_files_kept": len(unmatched_files),
            "expired_purged": len(expired),
            "landing_lines_removed": sum(r.get("lines_removed", 0) for r in results.values()),
            "drop_files_deleted": drop.get("drop_files_deleted", 0),
            "drop_files_rewritten": drop.get("drop_files_rewritten", 0),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name=FOUND_CHECK,
                passed=not missing and not not_addresses,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={"not_found": len(missing), "not_addresses": not_addresses},
                description=(
                    f"{len(missing)} request(s) matched no contact, {not_addresses} line(s) are no e-mail "
                    f"address: file(s) kept in the erasure folder"
                    if missing or not_addresses
                    else "all found"
                ),
            )
        ],
    )


# What the GDPR jobs rebuild: what reads the suppression list, and the events (their landing is
# rewritten, and the incremental table would keep what the files no longer hold).
_rebuild = dg.AssetSelection.assets(SUPPRESSIONS_KEY, EVENTS_KEY).downstream()
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
            # Incremental models rebuilt whole from the rewritten landing; on a DuckLake, no earlier
            # snapshot keeps a file with the erased people in it.
            "t82_dbt_models": {"config": {"full_refresh": True, "purge_history": True}},
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
            "t82_dbt_models": {"config": {"full_refresh": True, "purge_history": True}},
        }
    },
)
nurtik_retention_schedule = dg.ScheduleDefinition(
    job=nurtik_retention_job,
    cron_schedule="30 4 * * 1",
    execution_timezone="Europe/Paris",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
