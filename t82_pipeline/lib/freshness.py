"""How old each source's landing may get before someone must look: one table, read by the
sources' freshness policies (Dagster UI) and by the late-source e-mail alert."""

from datetime import timedelta

import dagster as dg

# Daily sources get a margin over 24 h. Flux Vision delivers one file per two-month period,
# about three weeks after it ends: a delivery is late when none came for 61 + 30 days.
SOURCE_MAX_AGE: dict[str, timedelta] = {
    "landing/apidae_api_objects": timedelta(hours=26),
    "landing/fairguest_api": timedelta(hours=26),
    "landing/nurtik_api": timedelta(hours=26),
    "landing/fluxvision_deliveries": timedelta(days=91),
}


def freshness_policy(asset_key: str) -> dg.FreshnessPolicy:
    max_age = SOURCE_MAX_AGE[asset_key]
    return dg.FreshnessPolicy.time_window(fail_window=max_age, warn_window=max_age - timedelta(hours=2))
