"""Monthly Fairguest reports for providers: rendered from the marts (HTML body, same HTML as
PDF attachment), sent once per provider and period thanks to a send ledger."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape

from t82_pipeline.lib.text import FRENCH_MONTHS
from t82_pipeline.lib.warehouse import WarehouseLocation

TEMPLATES = Path(__file__).parent / "templates"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
# Ledger states. "sending" is written before SMTP is asked and "sent" after: a report still
# "sending" at the next run may or may not have gone, and waits for a person's decision
# (at most once: a provider never gets the same report twice by accident).
SENDING, SENT, FAILED = "sending", "sent", "failed"
THEMES = {
    "confort": "Confort",
    "salle_de_bain": "Salle de bain",
    "accueil": "Accueil",
    "proprete": "Propreté",
    "emplacement": "Emplacement",
    "rapport_qualite_prix": "Rapport qualité-prix",
    "petit_dejeuner": "Petit-déjeuner",
    "bruit": "Calme et bruit",
}


def previous_month(today: date) -> str:
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}-{month:02d}"


def period_label(period: str) -> str:
    year, month = map(int, period.split("-"))
    return f"{FRENCH_MONTHS[month - 1]} {year}"


def valid_recipient(value: str | None) -> str | None:
    """The address if ``value`` is exactly one plain, valid address (no list, no display name)."""
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    candidate = (value or "").strip()
    if not candidate or any(c in candidate for c in ',;<>"\r\n') or not EMAIL.match(candidate):
        return None
    try:
        return str(Address(addr_spec=candidate).addr_spec)
    except (ValueError, IndexError, HeaderParseError):
        return None


def one_line(text: str) -> str:
    """Free text from a source, fit for a header: control characters and line breaks become spaces."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def message_id(sheet_id: int, period: str, domain: str) -> str:
    """The same for every attempt at one provider's report: receivers can tell a resend."""
    return f"<fairguest-report-{sheet_id}-{period}@{domain or 't82'}>"


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


@dataclass
class Report:
    sheet_id: int
    recipient: str | None
    subject: str
    html: str
    text: str
    skip_reason: str | None = None
    figures: dict = field(default_factory=dict)


class Ledger:
    """Which report went to whom, in its own DuckDB file (never the warehouse)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(path))
        self.con.execute("""create table if not exists sent_reports (
            sheet_id bigint, period varchar, status varchar, recipient varchar, attempted_at timestamptz,
            detail varchar, primary key (sheet_id, period))""")

    def statuses(self, period: str) -> dict[int, str]:
        return dict(self.con.execute("select sheet_id, status from sent_reports where period = ?", [period]).fetchall())

    def record(self, sheet_id: int, period: str, status: str, recipient: str | None, detail: str) -> None:
        self.con.execute(
            "insert or replace into sent_reports values (?, ?, ?, ?, ?, ?)",
            [sheet_id, period, status, recipient, datetime.now(UTC), detail],
        )

    def close(self) -> None:
        self.con.close()


def _rows(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> list[dict]:
    """Plain Python values (dates stay dates, NULL stays None)."""
    cursor = con.execute(query, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def build_reports(
    warehouse: WarehouseLocation, period: str, link_template: str, sheet_ids: list[int] | None = None
) -> list[Report]:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    template = env.get_template("provider_report.html.j2")
    month_start = date.fromisoformat(period + "-01")
    previous = date.fromisoformat(previous_month(month_start) + "-01")
    with warehouse.connect() as con:
        providers = _rows(
            con,
            """
            select s.*, e.contact_email, e.report_opt_out
            from marts.fairguest_provider_summary s join staging.stg_fairguest__establishments e using (sheet_id)
            order by sheet_id""",
        )
        months = {
            (r["sheet_id"], r["month"]): r
            for r in _rows(
                con, "select * from marts.fairguest_provider_monthly where month in (?, ?)", [month_start, previous]
            )
        }
        themes = _rows(con, "select * from marts.fairguest_provider_themes order by mentions desc, theme")
    reports = []
    empty = {"reviews": 0, "avg_rating_10": None, "reviews_google": 0, "reviews_booking": 0, "reviews_tripadvisor": 0}
    for p in providers:
        if sheet_ids and p["sheet_id"] not in sheet_ids:
            continue
        month = {**empty, **months.get((p["sheet_id"], month_start), {})}
        before = {**empty, **months.get((p["sheet_id"], previous), {})}
        delta = month["reviews"] - before["reviews"]
        change = f"{month['reviews']} avis contre {before['reviews']} le mois précédent" + (
            f" ({'+' if delta >= 0 else ''}{delta})" if before["reviews"] else ""
        )
        trend = (
            round(p["avg_rating_12m"] - p["avg_rating_prev_12m"], 2)
            if p["avg_rating_12m"] is not None and p["avg_rating_prev_12m"] is not None
            else None
        )
        mine = [t for t in themes if t["sheet_id"] == p["sheet_id"]]
        context = {
            "p": p,
            "month": month,
            "change": change,
            "trend": trend,
            "period_label": period_label(period),
            "positives": [t for t in mine if t["polarity"] == "positive"][:3],
            "negatives": [t for t in mine if t["polarity"] == "negative"][:3],
            "platforms_label": "Google, Booking, TripAdvisor et les autres plateformes suivies",
            "link": link_template.format(sheet_id=p["sheet_id"]),
            "fmt": _fmt,
            "theme_label": lambda t: THEMES.get(t, t),
        }
        html = template.render(**context)
        text = (
            f"Vos avis clients — {period_label(period)} — {p['establishment_name']}\n"
            f"Note Fairguest : {_fmt(p['weighted_rating'])}/10 ; moyenne 12 mois : {_fmt(p['avg_rating_12m'])}/10.\n"
            f"Ce mois-ci : {month['reviews']} avis. Depuis le rapport précédent : {change}.\n"
            f"Le rapport complet est joint en PDF. Voir vos avis : {context['link']}\n"
        )
        recipient = valid_recipient(p["contact_email"])
        skip = (
            "désinscrit des rapports"
            if p["report_opt_out"]
            else "pas d'adresse e-mail valide"
            if not recipient
            else None
        )
        name = one_line(p["establishment_name"] or "")
        reports.append(
            Report(
                p["sheet_id"],
                recipient,
                f"Vos avis clients — {period_label(period)} — {name}",
                html,
                text,
                skip,
                {
                    "weighted_rating": p["weighted_rating"],
                    "month_reviews": month["reviews"],
                    "avg_rating_12m": p["avg_rating_12m"],
                },
            )
        )
    return reports
