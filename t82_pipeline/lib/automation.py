"""When an asset that reads others is built again: one rule for the whole graph, with Dagster's
declarative automation (dbt models, the feed, serving, the observatory, the segment exports).

It is built when one of its inputs updated (a landing asset lands a new batch only), when its
code changed (dbt models: their SQL and the macros they call), the first time it is missing, and,
for the models that read today's date, once a day with the nightly. It waits while an input is
being built or is missing (and not about to be built), and while an input's blocking check
failed. One evaluation requests a whole chain at once: one run builds it, as one ``dbt build``."""

from __future__ import annotations

import dagster as dg

A = dg.AutomationCondition
# The nightly pulls the sources at 02:30 (Europe/Paris); date-dependent models follow it.
NIGHTLY_CRON = "30 2 * * *"
TIMEZONE = "Europe/Paris"
# What lands is pulled by jobs and sensors, never by automation, and may never have landed yet
# (a drop folder nobody used): staging reads what there is.
LANDING = dg.AssetSelection.key_prefixes("landing")


def follows_its_inputs(daily: bool = False) -> dg.AutomationCondition:
    changed = A.any_deps_updated() | A.code_version_changed()
    if daily:
        changed = changed | A.cron_tick_passed(NIGHTLY_CRON, TIMEZONE)
    first_build = A.missing() & ~A.execution_failed()
    input_missing = A.any_deps_match(A.missing() & ~A.will_be_requested()).ignore(LANDING)
    # A failed blocking check on an input (a landed batch that failed its checks, marts that look
    # wrong) holds what follows until the input is built again and passes.
    input_refused = A.any_deps_match(A.any_checks_match(A.check_failed(), blocking_only=True))
    return (
        (changed.since_last_handled() | first_build)
        & ~input_missing
        & ~input_refused
        & ~A.any_deps_in_progress()
        & ~A.in_progress()
    ).with_label("daily, or when its inputs or code changed" if daily else "when its inputs or code changed")


def automation_sensor(minimum_interval_seconds: int = 15) -> dg.AutomationConditionSensorDefinition:
    """Evaluates the rule above for every asset (the daemon runs it in production and in the demo)."""
    return dg.AutomationConditionSensorDefinition(
        "t82_automation",
        target=dg.AssetSelection.all(),
        default_status=dg.DefaultSensorStatus.RUNNING,
        minimum_interval_seconds=minimum_interval_seconds,
        description="Builds what follows a landed batch, a code change or the nightly's date (lib/automation.py).",
    )
