"""Great Expectations suites on landed NDJSON batches (reviews, contacts): read the fields a
suite needs with DuckDB, validate through lib/quality.py, report as an asset check result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from t82_pipeline.lib.quality import query_frame, validate_frame


def ndjson_check(
    check_name: str,
    path: Path | None,
    columns: dict[str, str],
    select: str,
    expectations: list,
    asset_key: list[str] | None = None,
) -> dg.AssetCheckResult:
    """``select`` derives the validated columns from ``columns`` read out of ``path`` (no batch: passes)."""
    if path is None or not path.exists() or path.stat().st_size == 0:
        return no_batch_to_validate(check_name, asset_key)
    frame = query_frame(f"select {select} from read_json('{path}', format = 'newline_delimited', columns = {columns})")
    summary = validate_frame(frame, check_name, expectations)
    return dg.AssetCheckResult(
        check_name=check_name,
        passed=summary.success,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"rows": len(frame), **summary.as_metadata()},
        asset_key=asset_key,
    )


def no_batch_to_validate(check_name: str, asset_key: list[str] | None = None) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name=check_name, passed=True, description="no new batch to validate", asset_key=asset_key
    )


@dataclass(frozen=True)
class NewRecordChecks:
    """The two checks of an API landing's new batch of records (reviews, contacts): none was
    quarantined (WARN: which, and why) and the batch passes its Great Expectations suite."""

    asset: str  # the landing asset's name
    source: str  # the landing source of the batch checked
    file_name: str  # its NDJSON file
    noun: str  # "review", "contact": names the checks
    validate: Callable[[Path], dg.AssetCheckResult]  # the suite, on the new batch's file

    @property
    def quarantine_check(self) -> str:
        return f"no_{self.noun}_quarantined"

    @property
    def suite_check(self) -> str:
        return f"{self.noun}s_batch_is_valid"

    def specs(self) -> list[dg.AssetCheckSpec]:
        key = ["landing", self.asset]
        return [
            dg.AssetCheckSpec(
                self.quarantine_check,
                asset=key,
                description=f"No {self.noun} of the new batch was quarantined (else: which, and why)",
            ),
            dg.AssetCheckSpec(
                self.suite_check, asset=key, description=f"Great Expectations on the new {self.noun}s batch"
            ),
        ]

    def __call__(self, context: dg.AssetExecutionContext, new: list) -> list[dg.AssetCheckResult]:
        batch = next((b for b in new if b.source == self.source), None)
        quarantined = [f"{q['record']}: {q['reason']}" for q in batch.quarantined] if batch else []
        return [
            dg.AssetCheckResult(
                check_name=self.quarantine_check,
                passed=not quarantined,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"quarantined": len(quarantined)},
                description="\n".join(quarantined[:50]) or f"every {self.noun} loaded",
            ),
            # No new batch: nothing to validate, and Great Expectations (seconds to import) stays unloaded.
            self.validate(batch.path / self.file_name) if batch else no_batch_to_validate(self.suite_check),
        ]
