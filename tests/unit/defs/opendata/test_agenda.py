"""Event agendas by RFC 5545, read with an independent reader (vobject)."""

from datetime import UTC, date, datetime

import vobject

from t82_pipeline.defs.opendata.agenda import agenda_files
from tests.support.ical import rfc5545_problems

TODAY = date(2026, 7, 1)


def event(**changes) -> dict:
    base = {
        "offer_key": "apidae:5000042",
        "offer_type": "evenement",
        "record_uuid": "0f8e2a4c-1111-2222-3333-444455556666",
        "name": "Fête des bastides, concert; feu d'artifice",
        "ot_code": "grand-montauban",
        "start_date": date(2026, 7, 7),
        "end_date": date(2026, 7, 21),
        "opening_periods": None,
        "last_modified_at": datetime(2026, 6, 2, 9, 15, 30, tzinfo=UTC),
        "address_line1": "Place Nationale",
        "postal_code": "82000",
        "commune_name": "Montauban",
        "latitude": 44.0176,
        "longitude": 1.355,
        "description": "Trois soirs de fête.\nEntrée libre.",
        "website": None,
    }
    return {**base, **changes}


def test_agendas_parse_in_an_independent_reader_with_utc_stamps():
    weekly = [{"start_date": date(2026, 7, d), "end_date": date(2026, 7, d)} for d in (21, 7, 14)]
    past = event(offer_key="apidae:1", record_uuid="11111111-1111-2222-3333-444455556666",
                 start_date=date(2026, 5, 1), end_date=date(2026, 5, 2))  # fmt: skip
    rows = [event(), event(offer_key="apidae:2", record_uuid="22222222-1111-2222-3333-444455556666",
                           opening_periods=weekly), past]  # fmt: skip
    files = agenda_files(rows, {"grand-montauban": "OT du Grand Montauban", "autre": "Autre OT"}, TODAY, "t82")
    assert set(files) == {"agenda/tarn-et-garonne.ics", "agenda/grand-montauban.ics", "agenda/autre.ics"}
    for text in files.values():
        assert rfc5545_problems(text.decode()) == []
    calendar = vobject.readOne(files["agenda/grand-montauban.ics"].decode())
    events = calendar.contents["vevent"]
    assert len(events) == 4  # the first event once, the weekly one on each of its dates, the past one not
    assert events[0].dtstamp.value == datetime(2026, 6, 2, 9, 15, 30, tzinfo=UTC)
    assert events[0].summary.value == "Fête des bastides, concert; feu d'artifice"
    weekly_starts = [e.dtstart.value for e in events if e.uid.value.startswith("22222222")]
    assert sorted(weekly_starts) == [date(2026, 7, 7), date(2026, 7, 14), date(2026, 7, 21)]
    assert "vevent" not in vobject.readOne(files["agenda/autre.ics"].decode()).contents
