"""Great Expectations suites on landed NDJSON batches (reviews, contacts): read the fields a
suite needs with DuckDB, validate through lib/quality.py, report as an asset check result."""

from __future__ import annotations

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
        return dg.AssetCheckResult(
            check_name=check_name, passed=True, description="no new batch to validate", asset_key=asset_key
        )
    frame = query_frame(f"select {select} from read_json('{path}', format = 'newline_delimited', columns = {columns})")
    summary = validate_frame(frame, check_name, expectations)
    return dg.AssetCheckResult(
        check_name=check_name,
        passed=summary.success,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"rows": len(frame), **summary.as_metadata()},
        asset_key=asset_key,
    )
