"""Upcoming events as iCalendar (RFC 5545) feeds, per OT and for the département, so the OTs'
shared agenda and websites subscribe instead of re-typing events."""

from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar, Event

DEPARTEMENT_FEED = "tarn-et-garonne"


def build_calendar(name: str, events: list[dict], uid_domain: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Tarn-et-Garonne Tourisme//t82//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for row in sorted(events, key=lambda r: (r["start_date"], r["offer_key"])):
        event = Event()
        event.add("uid", f"{row['record_uuid']}@{uid_domain}")  # stable: updates replace, never duplicate
        event.add("summary", row["name"])
        event.add("dtstart", row["start_date"])
        event.add("dtend", row["end_date"] + timedelta(days=1))  # all-day events: DTEND is exclusive
        event.add("dtstamp", row["last_update"])
        event.add("last-modified", row["last_update"])
        event.add(
            "location",
            f"{row['address_line1'] + ', ' if row.get('address_line1') else ''}{row['postal_code']} {row['commune_name']}",
        )
        event.add("geo", (float(row["latitude"]), float(row["longitude"])))
        if row.get("description"):
            event.add("description", row["description"])
        if row.get("website"):
            event.add("url", row["website"])
        cal.add_component(event)
    return cal.to_ical()


def agenda_files(rows: list[dict], ot_names: dict[str, str], today: date, uid_domain: str) -> dict[str, bytes]:
    """``agenda/<ot_code>.ics`` for each OT (even with no event) and one for the département."""
    upcoming = [r for r in rows if r["offer_type"] == "evenement" and r["end_date"] and r["end_date"] >= today]
    files = {f"agenda/{DEPARTEMENT_FEED}.ics": build_calendar("Agenda du Tarn-et-Garonne", upcoming, uid_domain)}
    for ot_code, ot_name in sorted(ot_names.items()):
        mine = [r for r in upcoming if r["ot_code"] == ot_code]
        files[f"agenda/{ot_code}.ics"] = build_calendar(f"Agenda — {ot_name}", mine, uid_domain)
    return files
