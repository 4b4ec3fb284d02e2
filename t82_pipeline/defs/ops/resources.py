"""The alerts' resource: who hears of a failed night."""

from __future__ import annotations

import dagster as dg

from t82_pipeline.lib.settings import Settings


class AlertTarget(dg.ConfigurableResource):
    recipients: list[str] = []
    ui_url: str = "http://127.0.0.1:3000"


def build_resources(s: Settings) -> dict[str, dg.ConfigurableResource]:
    return {
        "alerts": AlertTarget(recipients=list(s.alert_emails)),
    }
