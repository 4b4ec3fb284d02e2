"""GDPR jobs: the weekly retention purge and one person's erasure. Both add keyed hashes to the
suppression list (so the person is never re-imported) and rewrite them out of landing, then
rebuild what depends on Nurtik."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from t82_pipeline.defs.nurtik.landing import suppress
from t82_pipeline.defs.nurtik.resources import NurtikResource
from t82_pipeline.lib.pseudonym import contact_key
from t82_pipeline.lib.resources import WAREHOUSE_POOL, LandingResource

SUPPRESSIONS_KEY = dg.AssetKey(["landing", "nurtik_suppressions"])
FOUND_CHECK = "every_erasure_request_found"


class SuppressionConfig(dg.Config):
    erase_emails: list[str] = []  # erasure requests (right to be forgotten)
    purge_expired: bool = False  # retention: everyone whose 3-year period has ended


@dg.asset(key=SUPPRESSIONS_KEY, pool=WAREHOUSE_POOL, group_name="gdpr", owners=["team:data"], kinds={"python"},
          check_specs=[dg.AssetCheckSpec(FOUND_CHECK, asset=SUPPRESSIONS_KEY,
                                         description="Every erasure request matched a person we hold")],
          description=("The suppression list (keyed hashes only) and the GDPR rewrite of landing: erasure requests "
                       "(config erase_emails) and the retention purge (purge_expired) add people to it and remove "
                       "their lines from every landed Nurtik file; they are never imported again."))
def nurtik_suppressions(context: dg.AssetExecutionContext, config: SuppressionConfig, nurtik: NurtikResource,
                        landing: LandingResource, warehouse: DuckDBResource) -> dg.MaterializeResult:
    zone = landing.zone()
    secret = nurtik.contact_key_secret
    requested = {contact_key(e, secret) for e in config.erase_emails} - {None}
    # Reads the last built models rather than depending on them: this asset feeds what it reads.
    with warehouse.get_connection() as con:
        expired = {k for (k,) in con.execute(
            "select contact_key from grc.nurtik_contact_retention where is_expired").fetchall()} if config.purge_expired else set()
        known = {k for (k,) in con.execute("select contact_key from personal.int_nurtik_people where list_contains($keys, contact_key)",
                                           {"keys": sorted(requested)}).fetchall()} if requested else set()
    missing = requested - known
    results = {}
    if requested:
        # Suppressed even when unknown: a person who asked to be forgotten must not be imported later.
        results["erasure"] = suppress(zone, requested, "erasure", secret)
    if expired:
        results["retention"] = suppress(zone, expired, "retention", secret)
    if missing:
        context.log.error(f"[nurtik] {len(missing)} erasure request(s) matched no contact: nothing held to erase "
                          "(added to the suppression list all the same)")
    return dg.MaterializeResult(
        metadata={"erasure_requests": len(requested), "erasure_not_found": len(missing), "expired_purged": len(expired),
                  "landing_lines_removed": sum(r["lines_removed"] for r in results.values())},
        check_results=[dg.AssetCheckResult(check_name=FOUND_CHECK, passed=not missing, severity=dg.AssetCheckSeverity.ERROR,
                                           metadata={"not_found": len(missing)},
                                           description=f"{len(missing)} request(s) matched no contact" if missing else "all found")])


_rebuild = dg.AssetSelection.assets(SUPPRESSIONS_KEY).downstream()
nurtik_erasure_job = dg.define_asset_job(
    "nurtik_erasure", selection=_rebuild,
    description="Erases people on request (config: erase_emails) everywhere, landing included, then rebuilds.",
    config={"ops": {"landing__nurtik_suppressions": {"config": {"erase_emails": [], "purge_expired": False}}}})
nurtik_retention_job = dg.define_asset_job(
    "nurtik_retention", selection=_rebuild,
    description="Weekly: purges everyone whose retention period has ended, then rebuilds.",
    config={"ops": {"landing__nurtik_suppressions": {"config": {"purge_expired": True}}}})
nurtik_retention_schedule = dg.ScheduleDefinition(
    job=nurtik_retention_job, cron_schedule="30 4 * * 1", execution_timezone="Europe/Paris",
    default_status=dg.DefaultScheduleStatus.RUNNING)
