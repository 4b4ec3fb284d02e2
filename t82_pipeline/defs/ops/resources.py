"""The alerts' resource: who hears of a failed night."""

from __future__ import annotations

import dagster as dg


class AlertTarget(dg.ConfigurableResource):
    recipients: list[str] = []
    ui_url: str = "http://127.0.0.1:3000"
