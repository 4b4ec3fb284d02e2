"""One source's failure never stops the night: a pull that fails after its retries is recorded
(a failed ERROR check naming the source and the error, and ``pull_status: failed``), the last
good landing stays as it is, and dbt and the publish steps go on with it. The alerts read the
same record (defs/ops/alerts.py)."""

from __future__ import annotations

from collections.abc import Callable

import dagster as dg

from t82_pipeline.lib.http import SourceError, redact
from t82_pipeline.lib.landing import Landed

PULL_SUCCEEDED = "source_pull_succeeded"
FAILED = "failed"


def pull_check_spec(key: list[str]) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        PULL_SUCCEEDED,
        asset=key,
        description=(
            "The source answered and its payload landed. When it fails (after retries), the last good landing "
            "stays, the night goes on with it and the data engineer is alerted."
        ),
    )


def error_message(source: str, exc: Exception) -> str:
    """SourceErrors are written without secrets; any other error's text is redacted too."""
    message = str(exc) if isinstance(exc, SourceError) else redact(f"[{source}] {type(exc).__name__}: {exc}")
    return message[:1000]


def pull_or_keep_last(context: dg.AssetExecutionContext, source: str, pull: Callable[..., Landed]) -> Landed:
    """What ``pull(context)`` landed with a passing pull check, or, when it raises, the failure recorded."""
    try:
        landed = pull(context)
    except Exception as exc:  # noqa: BLE001 - any fault of one source stays that source's
        message = error_message(source, exc)
        context.log.error(f"{message} (the last good landing is kept; the night goes on)")
        return Landed(
            metadata={"pull_status": FAILED, "error": message},
            check_results=[
                dg.AssetCheckResult(
                    check_name=PULL_SUCCEEDED, passed=False, severity=dg.AssetCheckSeverity.ERROR, description=message
                )
            ],
        )
    landed.metadata["pull_status"] = "ok"
    landed.check_results.append(dg.AssetCheckResult(check_name=PULL_SUCCEEDED, passed=True))
    return landed


def pull_failed(metadata: dict) -> str | None:
    """The error of a materialization recorded by ``pull_or_keep_last`` for a failed pull."""
    status = metadata.get("pull_status")
    if getattr(status, "value", status) == FAILED:
        error = metadata.get("error")
        return str(getattr(error, "value", error))
    return None
