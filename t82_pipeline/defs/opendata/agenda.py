"""Upcoming events as iCalendar (RFC 5545) feeds, per OT and for the département, so the OTs'
shared agenda and websites subscribe instead of re-typing events."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event

DEPARTEMENT_FEED = "tarn-et-garonne"


def _utc(moment: datetime) -> datetime:
    """RFC 5545 wants DTSTAMP and LAST-MODIFIED as UTC date-times (``…Z``), never dates."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _dates(row: dict, today: date) -> list[tuple[date, date]]:
    """The event's upcoming dates: each opening period still to come, else its first and last dates."""
    periods = row.get("opening_periods") or [{"start_date": row["start_date"], "end_date": row["end_date"]}]
    return sorted((p["start_date"], p["end_date"]) for p in periods if p["end_date"] >= today)


def build_calendar(name: str, events: list[dict], uid_domain: str, today: date) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Tarn-et-Garonne Tourisme//t82//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for row in sorted(events, key=lambda r: (r["start_date"], r["offer_key"])):
        dates = _dates(row, today)
        for start, end in dates:
            event = Event()
            # Stable: updates replace, never duplicate (one UID per date when an event has several).
            suffix = "" if len(dates) == 1 else f"-{start:%Y%m%d}"
            event.add("uid", f"{row['record_uuid']}{suffix}@{uid_domain}")
            event.add("summary", row["name"])
            event.add("dtstart", start)
            event.add("dtend", end + timedelta(days=1))  # all-day events: DTEND is exclusive
            # When the record last changed: the same night after night, so the calendar stays as is.
            event.add("dtstamp", _utc(row["last_modified_at"]))
            event.add("last-modified", _utc(row["last_modified_at"]))
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
    files = {f"agenda/{DEPARTEMENT_FEED}.ics": build_calendar("Agenda du Tarn-et-Garonne", upcoming, uid_domain, today)}
    for ot_code, ot_name in sorted(ot_names.items()):
        mine = [r for r in upcoming if r["ot_code"] == ot_code]
        files[f"agenda/{ot_code}.ics"] = build_calendar(f"Agenda — {ot_name}", mine, uid_domain, today)
    return files
