import dagster as dg

from t82_pipeline.defs.nurtik.landing import CONTACTS, full_pull_due, land_contacts, land_events, land_export_file
from t82_pipeline.defs.nurtik.resources import NurtikResource
from t82_pipeline.lib.batch_checks import NewRecordChecks, ndjson_check
from t82_pipeline.lib.landing import Landed
from t82_pipeline.lib.landing_assets import api_landing, drop_folder_landing

GROUP = "nurtik"


def contacts_batch_check(path) -> dg.AssetCheckResult:
    import great_expectations.expectations as gxe

    return ndjson_check(
        CONTACT_CHECKS.suite_check,
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


CONTACT_CHECKS = NewRecordChecks("nurtik_api", CONTACTS, "contacts.ndjson", "contact", contacts_batch_check)


def _pull_nurtik(context: dg.AssetExecutionContext) -> Landed:
    nurtik: NurtikResource = context.resources.nurtik
    zone = context.resources.landing.zone()
    full = full_pull_due(zone, nurtik.full_pull_days)
    with nurtik.client() as client:
        contacts = land_contacts(client, zone, nurtik.contact_key_secret, full=full)
        events = land_events(client, zone, nurtik.contact_key_secret)
    return Landed(
        [b for b in (contacts, events) if b],
        {
            "contacts_pull": "full" if full else "since the newest landed",
            "contacts": contacts.manifest["record_count"] if contacts else 0,
            "events": events.manifest["record_count"] if events else 0,
            "suppressed_not_landed": contacts.manifest.get("suppressed_not_landed", 0) if contacts else 0,
        },
    )


nurtik_api = api_landing(
    "nurtik_api",
    group=GROUP,
    source="nurtik",
    pull=_pull_nurtik,
    resources=["nurtik"],
    check_specs=CONTACT_CHECKS.specs(),
    checks=CONTACT_CHECKS,
    kinds={"python", "json"},
    description=(
        "Nurtik contacts updated since the last pull (with their consent history and interests) and "
        "activity events, as NDJSON. Personal data: landing is restricted. People on the suppression "
        "list are never landed again; bad rows are quarantined with their reason."
    ),
)

nurtik_exports = drop_folder_landing(
    "nurtik_exports",
    group=GROUP,
    folder="nurtik_drop",
    patterns=["*.csv"],
    land=lambda context, path, _: land_export_file(
        context.resources.landing.zone(), path, context.resources.nurtik.contact_key_secret
    ),
    resources=["nurtik"],
    kinds={"python", "csv"},
    description=(
        "Nurtik back-office contact exports and requalification-campaign answers (CSV) dropped in "
        "T82_NURTIK_DROP_DIR: kept as received plus NDJSON; bad rows quarantined with their line."
    ),
)
