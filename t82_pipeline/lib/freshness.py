"""How old each source's last successful pull may get before someone must look, read by the
late-source e-mail alert. Not Dagster freshness policies: those count materializations, and a
pull that finds nothing new (an observation) is fresh all the same."""

from datetime import timedelta

# Daily sources get a margin over 24 h. Flux Vision delivers one file per two-month period,
# about three weeks after it ends: a delivery is late when none came for 61 + 30 days.
SOURCE_MAX_AGE: dict[str, timedelta] = {
    "landing/apidae_api_objects": timedelta(hours=26),
    "landing/fairguest_api": timedelta(hours=26),
    "landing/nurtik_api": timedelta(hours=26),
    "landing/fluxvision_deliveries": timedelta(days=91),
}
