"""Agendas read back with vobject, a reader independent of the library that writes them
(icalendar), against what RFC 5545 requires of each event."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import vobject


def rfc5545_problems(text: str) -> list[str]:
    """Parses the calendar and lists what the RFC forbids in its events (empty when it is valid)."""
    problems = []
    calendar = vobject.readOne(text, validate=True)
    if calendar.version.value != "2.0" or not calendar.prodid.value:
        problems.append("VERSION 2.0 and PRODID are required")
    uids = set()
    for event in calendar.contents.get("vevent", []):
        uid = event.uid.value
        if uid in uids:
            problems.append(f"{uid}: UID used twice")
        uids.add(uid)
        for name in ("dtstamp", "last_modified"):
            value = getattr(event, name).value
            if not (isinstance(value, datetime) and value.tzinfo and value.utcoffset() == timedelta(0)):
                problems.append(f"{uid}: {name.upper()} must be a UTC date-time, not {value!r}")
        start, end = event.dtstart.value, event.dtend.value
        if type(start) is not date or type(end) is not date or end <= start:
            problems.append(f"{uid}: an all-day event needs DATE values with DTEND after DTSTART")
        if "\\n" in event.summary.value:
            problems.append(f"{uid}: SUMMARY not unescaped")
    return problems
