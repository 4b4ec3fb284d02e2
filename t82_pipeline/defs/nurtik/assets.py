import dagster as dg

from t82_pipeline.defs.nurtik.landing import CONTACTS, full_pull_due, land_contacts, land_events, land_export_file
from t82_pipeline.defs.nurtik.resources import NurtikResource
from t82_pipeline.lib.batch_checks import ndjson_check
from t82_pipeline.lib.landing import Landed, LandedBatch
from t82_pipeline.lib.landing_assets import api_landing, drop_folder_landing

GROUP = "nurtik"
CONTACTS_VALID = "contacts_batch_is_valid"
NO_CONTACT_QUARANTINED = "no_contact_quarantined"


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


def contact_checks(context: dg.AssetExecutionContext, new: list[LandedBatch]) -> list[dg.AssetCheckResult]:
    contacts = next((b for b in new if b.source == CONTACTS), None)
    quarantined = [f"{q['record']}: {q['reason']}" for q in contacts.quarantined] if contacts else []
    return [
        dg.AssetCheckResult(
            check_name=NO_CONTACT_QUARANTINED,
            passed=not quarantined,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"quarantined": len(quarantined)},
            description="\n".join(quarantined[:50]) or "every contact row loaded",
        ),
        contacts_batch_check(contacts.path / "contacts.ndjson" if contacts else None),
    ]


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
    check_specs=[
        dg.AssetCheckSpec(
            NO_CONTACT_QUARANTINED,
            asset=["landing", "nurtik_api"],
            description="No contact of the new batch was quarantined (else: which, and why)",
        ),
        dg.AssetCheckSpec(
            CONTACTS_VALID, asset=["landing", "nurtik_api"], description="Great Expectations on the new contacts batch"
        ),
    ],
    checks=contact_checks,
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
