"""Segment exports for the e-mailing tool: one CSV per segment, only people whose current
consent allows the newsletter by e-mail (the model guarantees it). Personal data: written to
a restricted folder, replaced as a whole so the tool never imports half a set."""

import csv
import os
import re
import shutil
from pathlib import Path

import dagster as dg

from t82_pipeline.defs.nurtik.resources import SegmentExportTarget
from t82_pipeline.lib.automation import follows_its_inputs
from t82_pipeline.lib.resources import WarehouseResource, reader_pool

# A segment's code names its file: built from data (interest codes, countries), so held to a
# plain name. Another is quarantined: its segment is not exported, the others are.
SEGMENT_CODE = re.compile(r"[a-z0-9_]{1,100}")
ALL_EXPORTED = "every_segment_exported"
# A cell starting with one of these is a formula to Excel or LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str | None) -> str:
    """The cell as text a spreadsheet will not evaluate: a leading apostrophe, as OWASP advises."""
    text = value or ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


EXPORTS_KEY = dg.AssetKey(["publish", "nurtik_segment_exports"])


@dg.multi_asset(
    name="publish__nurtik_segment_exports",
    specs=[
        dg.AssetSpec(
            EXPORTS_KEY,
            automation_condition=follows_its_inputs(),
            group_name="nurtik",
            owners=["team:data"],
            kinds={"python", "csv"},
            deps=[dg.AssetKey(["marts", "nurtik_segment_contacts"])],
            description=(
                "One CSV per newsletter segment (e-mail;prenom;nom), ready to import into the e-mailing tool, "
                "under T82_SEGMENTS_DIR. Only people whose current consent allows the newsletter by e-mail."
            ),
        )
    ],
    check_specs=[
        dg.AssetCheckSpec(
            ALL_EXPORTED,
            asset=EXPORTS_KEY,
            description="Every segment's code is a plain name ([a-z0-9_]) and its file was written",
        )
    ],
    pool=reader_pool(),
    # Subsettable, so its check is not a required companion of the asset: an automation run that
    # builds the exports with dbt models would otherwise select that check alone, and no dbt test.
    can_subset=True,
)
def nurtik_segment_exports(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, segment_exports: SegmentExportTarget
) -> dg.MaterializeResult:
    root = Path(segment_exports.folder)
    old = root.with_name(f".{root.name}.old")
    if old.exists() and not root.exists():  # a crash mid-swap: the last complete export comes back first
        os.replace(old, root)
    with warehouse.get_connection() as con:
        rows = con.execute(
            "select segment_code, email, first_name, last_name from personal.nurtik_segment_contacts "
            "order by segment_code, email"
        ).fetchall()
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = root.with_name(f".{root.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    counts: dict[str, int] = {}
    writers: dict[str, tuple] = {}
    quarantined: dict[str, int] = {}
    try:
        for segment, email, first, last in rows:
            if not SEGMENT_CODE.fullmatch(segment or ""):
                shown = repr((segment or "")[:60])  # a code only: no personal data
                quarantined[shown] = quarantined.get(shown, 0) + 1
                continue
            if segment not in writers:
                f = open(staging / f"{segment}.csv", "w", encoding="utf-8", newline="")
                writers[segment] = (f, csv.writer(f, delimiter=";"))
                writers[segment][1].writerow(["email", "prenom", "nom"])
            writers[segment][1].writerow([spreadsheet_safe(email), spreadsheet_safe(first), spreadsheet_safe(last)])
            counts[segment] = counts.get(segment, 0) + 1
    finally:
        for f, _ in writers.values():
            f.close()
    shutil.rmtree(old, ignore_errors=True)
    if root.exists():
        os.replace(root, old)
    os.replace(staging, root)
    shutil.rmtree(old, ignore_errors=True)
    context.log.info(f"[nurtik] {len(counts)} segment file(s) written to {root}")
    if quarantined:
        context.log.error(f"[nurtik] segment(s) not exported, their code is no plain name: {', '.join(quarantined)}")
    return dg.MaterializeResult(
        metadata={
            "segments": len(counts),
            "people_rows": sum(counts.values()),
            "folder": dg.MetadataValue.path(str(root)),
            "per_segment": dg.MetadataValue.json(counts),
            "quarantined_segments": "\n".join(f"{code} ({n} rows)" for code, n in quarantined.items()) or "none",
        },
        check_results=[
            dg.AssetCheckResult(
                check_name=ALL_EXPORTED,
                passed=not quarantined,
                severity=dg.AssetCheckSeverity.WARN,
                description=f"{len(quarantined)} segment(s) quarantined: code not [a-z0-9_]"
                if quarantined
                else "every segment exported",
            )
        ]
        if dg.AssetCheckKey(EXPORTS_KEY, ALL_EXPORTED) in context.selected_asset_check_keys
        else [],
    )
