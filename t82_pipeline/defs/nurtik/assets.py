import dagster as dg

from t82_pipeline.defs.nurtik.landing import land_contacts, land_events, land_export_file
from t82_pipeline.defs.nurtik.resources import NurtikResource
from t82_pipeline.lib.batch_checks import ndjson_check
from t82_pipeline.lib.drop import drop_check_spec, land_drop_folder
from t82_pipeline.lib.freshness import freshness_policy
from t82_pipeline.lib.resources import DropFolderResource, LandingResource
from t82_pipeline.lib.source_pull import pull_check_spec, pull_or_keep_last

GROUP = "nurtik"
CONTACTS_VALID = "contacts_batch_is_valid"


def contacts_batch_check(path) -> dg.AssetCheckResult:
    import great_expectations.expectations as gxe

    return ndjson_check(
        CONTACTS_VALID,
        path,
        {
            "contact_id": "VARCHAR",
            "email": "VARCHAR",
            "global_status": "VARCHAR",
            "created_at": "TIMESTAMPTZ",
            "updated_at": "TIMESTAMPTZ",
            "consents": "STRUCT(status VARCHAR)[]",
        },
        "contact_id, email, global_status, updated_at >= created_at as updated_after_creation, len(consents) as consents",
        [
            gxe.ExpectColumnValuesToBeUnique(column="contact_id"),
            gxe.ExpectColumnValuesToNotBeNull(column="email"),
            gxe.ExpectColumnValuesToBeInSet(
                column="global_status", value_set=["active", "blocklisted", "bounced", "deleted"]
            ),
            gxe.ExpectColumnValuesToBeInSet(column="updated_after_creation", value_set=[True]),
            # a contact with no consent at all cannot be mailed: tolerated, but not for most of a batch
            gxe.ExpectColumnValuesToBeBetween(column="consents", min_value=1, mostly=0.9),
        ],
    )


OWNERS = ["team:data"]


@dg.asset(
    key=["landing", "nurtik_api"],
    group_name=GROUP,
    owners=OWNERS,
    kinds={"python", "json"},
    freshness_policy=freshness_policy("landing/nurtik_api"),
    check_specs=[
        pull_check_spec(["landing", "nurtik_api"]),
        dg.AssetCheckSpec(
            "no_contact_quarantined",
            asset=["landing", "nurtik_api"],
            description="No contact of the new batch was quarantined (else: which, and why)",
        ),
        dg.AssetCheckSpec(
            CONTACTS_VALID, asset=["landing", "nurtik_api"], description="Great Expectations on the new contacts batch"
        ),
    ],
    description=(
        "Nurtik contacts updated since the last pull (with their consent history and interests) and "
        "activity events, as NDJSON. Personal data: landing is restricted. People on the suppression "
        "list are never landed again; bad rows are quarantined with their reason."
    ),
)
def nurtik_api(
    context: dg.AssetExecutionContext, nurtik: NurtikResource, landing: LandingResource
) -> dg.MaterializeResult:
    return pull_or_keep_last(context, "nurtik", lambda: _pull_nurtik(context, nurtik, landing))


def _pull_nurtik(
    context: dg.AssetExecutionContext, nurtik: NurtikResource, landing: LandingResource
) -> dg.MaterializeResult:
    zone = landing.zone()
    with nurtik.client() as client:
        contacts = land_contacts(client, zone, nurtik.contact_key_secret)
        events = land_events(client, zone, nurtik.contact_key_secret)
    quarantined = [f"{q['record']}: {q['reason']}" for q in contacts.quarantined] if contacts.is_new else []
    for line in quarantined:
        context.log.warning(f"[nurtik] quarantined {line}")
    return dg.MaterializeResult(
        metadata={
            "contacts": contacts.manifest["record_count"],
            "events": events.manifest["record_count"],
            "updated_since": str(contacts.manifest["request"]["updated_since"]),
            "suppressed_not_landed": contacts.manifest.get("suppressed_not_landed", 0),
            "quarantined": len(quarantined),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name="no_contact_quarantined",
                passed=not quarantined,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"quarantined": len(quarantined)},
                description="\n".join(quarantined[:50]) or "every contact row loaded",
            ),
            contacts_batch_check(contacts.path / "contacts.ndjson" if contacts.is_new else None),
        ],
    )


@dg.asset(
    key=["landing", "nurtik_exports"],
    group_name=GROUP,
    owners=OWNERS,
    kinds={"python", "csv"},
    check_specs=[drop_check_spec(["landing", "nurtik_exports"])],
    description=(
        "Nurtik back-office contact exports and requalification-campaign answers (CSV) dropped in "
        "T82_NURTIK_DROP_DIR: kept as received plus NDJSON; bad rows quarantined with their line."
    ),
)
def nurtik_exports(
    context: dg.AssetExecutionContext, nurtik: NurtikResource, landing: LandingResource, nurtik_drop: DropFolderResource
) -> dg.MaterializeResult:
    zone = landing.zone()
    return land_drop_folder(
        context, nurtik_drop, ["*.csv"], lambda p: land_export_file(zone, p, nurtik.contact_key_secret)
    )
