"""Thin wrapper over Great Expectations: validate a DataFrame against a list of expectations
and get back a plain summary that an asset check can report."""

from __future__ import annotations

import os
from dataclasses import dataclass

import duckdb
import pandas as pd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@dataclass
class ValidationSummary:
    success: bool
    evaluated: int
    failures: list[str]

    def as_metadata(self) -> dict:
        return {"evaluated_expectations": self.evaluated, "failures": "\n".join(self.failures) or "none"}


def query_frame(sql: str) -> pd.DataFrame:
    """The rows a check validates, from a DuckDB connection closed right after: the default
    connection would keep its buffers for the rest of the run."""
    with duckdb.connect() as con:
        return con.sql(sql).df()


def validate_frame(df: pd.DataFrame, suite_name: str, expectations: list) -> ValidationSummary:
    """Runs `expectations` (great_expectations.expectations objects) on `df` in an ephemeral context."""
    import great_expectations as gx  # slow import: only when a check runs
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    # Progress bars would fill the run logs of a nightly nobody watches.
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    batch_definition = (
        context.data_sources.add_pandas(name=f"{suite_name}_source")
        .add_dataframe_asset(name=suite_name)
        .add_batch_definition_whole_dataframe(f"{suite_name}_batch")
    )
    suite = context.suites.add(gx.ExpectationSuite(name=suite_name))
    for expectation in expectations:
        suite.add_expectation(expectation)
    result = batch_definition.get_batch(batch_parameters={"dataframe": df}).validate(suite)
    failures = []
    for r in result.results:
        if not r.success:
            column = r.expectation_config.kwargs.get("column", "")
            sample = r.result.get("partial_unexpected_list", [])[:5]
            failures.append(
                f"{r.expectation_config.type} {column}: {r.result.get('unexpected_count')} unexpected, e.g. {sample}"
            )
    return ValidationSummary(result.success, len(result.results), failures)
