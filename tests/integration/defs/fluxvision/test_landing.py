"""Flux Vision deliveries → landing, on files in the real layout (generated, and hand-made bad
ones): encodings, delimiters, quoting, XLSX, and every bad-input case quarantined by file and line."""

import csv
import io
import zipfile
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from t82_pipeline.defs.fluxvision.landing import PARSED, land_delivery
from t82_pipeline.demo.fluxvision_generator import ZONES, Delivery, write_delivery
from t82_pipeline.lib.landing import LandingZone

HEADER = "Date;ZoneObservation;Provenance;CategorieVisiteur;Volume;VacancesA;VacancesB;VacancesC;Ferie;JourDeLaSemaine"
GOOD_ROWS = [
    "2025-07-14;CA Grand Montauban;NonLocal;Touriste;5120;1;1;1;1;Lundi",
    "2025-07-15;CA Grand Montauban;Etranger;Touriste;1204;1;1;1;0;Mardi",
]


def rows_of(batch, sql: str = "select count(*) from p") -> list[tuple]:
    with duckdb.connect() as con:
        con.execute(f"create view p as select * from read_parquet('{batch.path / PARSED}')")
        return con.execute(sql).fetchall()


def zip_of(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.fixture
def zone(tmp_path) -> LandingZone:
    return LandingZone(tmp_path / "landing")


def test_generated_delivery_lands_every_row_with_its_encoding(tmp_path, zone):
    path = write_delivery(tmp_path / "drop", Delivery(2025, 4, 1493230), zones=(ZONES[0], ZONES[-1]))
    expected = {}
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            expected[f"{path.name}/{info.filename}"] = zf.read(info).count(b"\n") - 1
    batch = land_delivery(zone, path)
    assert batch.quarantined == []
    assert batch.manifest["tables_loaded"] == expected
    # The CP1252 zone keeps its curly apostrophe; the vocabulary is kept as delivered.
    labels = {label for (label,) in rows_of(batch, "select distinct zone_label from p")}
    assert labels == {"CA Grand Montauban", "CC Quercy Rouergue et Gorges de l’Aveyron"}
    assert rows_of(batch, "select count(*) from p where day is null or volume is null") == [(0,)]
    assert (batch.path / path.name).read_bytes() == path.read_bytes()  # the delivery as received


def test_bad_tables_are_quarantined_with_file_line_and_reason(tmp_path, zone):
    good = "\n".join([HEADER, *GOOD_ROWS]).encode()
    bad_volume = "\n".join(
        [HEADER, *GOOD_ROWS, "2025-07-16;CA Grand Montauban;NonLocal;Touriste;n/a;1;1;1;0;Mercredi"]
    ).encode()
    unknown_zone = "\n".join(
        [HEADER, GOOD_ROWS[0], "2025-07-15;Zone Inconnue;NonLocal;Touriste;12;1;1;1;0;Mardi"]
    ).encode()
    wrong_header = "\n".join(
        ["Jour;ZoneObservation;Provenance;CategorieVisiteur;Volume", "2025-07-14;X;Local;Résident;1"]
    ).encode()
    utf16 = "\n".join([HEADER, *GOOD_ROWS]).encode("utf-16")
    bad_date = "\n".join([HEADER, "14 juillet;CA Grand Montauban;NonLocal;Touriste;5;1;1;1;1;Lundi"]).encode()
    path = zip_of(
        tmp_path / "B4 2025_1.zip",
        {
            "GMONTAUBAN/Nuitee_2025B4_GMONTAUBAN0.csv": good,
            "GMONTAUBAN/Diurne_2025B4_GMONTAUBAN0.csv": bad_volume,
            "GMONTAUBAN/Arrivee_2025B4_GMONTAUBAN0.csv": unknown_zone,
            "GMONTAUBAN/Depart_2025B4_GMONTAUBAN0.csv": wrong_header,
            "GMONTAUBAN/SejourDuree_2025B4_GMONTAUBAN0.csv": utf16,
            "GMONTAUBAN/Recurrence_2025B4_GMONTAUBAN0.csv": bad_date,
            "GMONTAUBAN/Bidule_2025B4_GMONTAUBAN0.csv": good,
        },
    )
    batch = land_delivery(zone, path)
    reasons = {q["record"]: q["reason"] for q in batch.quarantined}
    prefix = f"{path.name}/GMONTAUBAN/"
    assert "is not a number" in reasons[f"{prefix}Diurne_2025B4_GMONTAUBAN0.csv, line 4"]
    assert "'Zone Inconnue' maps to no EPCI" in reasons[f"{prefix}Arrivee_2025B4_GMONTAUBAN0.csv, line 3"]
    assert "header must start with 'Date'" in reasons[f"{prefix}Depart_2025B4_GMONTAUBAN0.csv, line 1"]
    assert "unreadable encoding" in reasons[f"{prefix}SejourDuree_2025B4_GMONTAUBAN0.csv, line 1"]
    assert "not YYYY-MM-DD" in reasons[f"{prefix}Recurrence_2025B4_GMONTAUBAN0.csv, line 2"]
    assert "unknown family 'Bidule'" in reasons[f"{prefix}Bidule_2025B4_GMONTAUBAN0.csv"]
    assert len(reasons) == 6
    # The good table went through, whole.
    assert batch.manifest["tables_loaded"] == {f"{prefix}Nuitee_2025B4_GMONTAUBAN0.csv": 2}
    assert rows_of(batch, "select sum(volume) from p") == [(6324,)]


def test_a_header_crafted_as_sql_is_refused_and_reads_no_local_file(tmp_path, zone):
    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY-LOCAL-FILE")
    crafted = f"Date\") || (select content from read_text('{secret}')) || trim(\"Date"
    hostile = "\n".join([HEADER + ";" + crafted, *(row + ";x" for row in GOOD_ROWS)]).encode()
    path = zip_of(
        tmp_path / "B4 2025_2.zip",
        {
            "GMONTAUBAN/Nuitee_2025B4_GMONTAUBAN0.csv": "\n".join([HEADER, *GOOD_ROWS]).encode(),
            "GMONTAUBAN/Diurne_2025B4_GMONTAUBAN0.csv": hostile,
        },
    )
    batch = land_delivery(zone, path)
    reasons = {q["record"]: q["reason"] for q in batch.quarantined}
    assert "header column 11" in reasons[f"{path.name}/GMONTAUBAN/Diurne_2025B4_GMONTAUBAN0.csv, line 1"]
    assert "not a plain column name" in reasons[f"{path.name}/GMONTAUBAN/Diurne_2025B4_GMONTAUBAN0.csv, line 1"]
    assert rows_of(batch, "select count(*) from p") == [(2,)]
    assert b"CANARY-LOCAL-FILE" not in (batch.path / PARSED).read_bytes()


def test_a_table_on_one_endless_line_is_rejected_not_parsed(tmp_path, zone):
    endless = ("Date;" + ";".join(f"Colonne{i}" for i in range(40_000))).encode()  # ~400 KB, no line break
    path = zip_of(
        tmp_path / "B4 2025_3.zip",
        {
            "GMONTAUBAN/Nuitee_2025B4_GMONTAUBAN0.csv": "\n".join([HEADER, *GOOD_ROWS]).encode(),
            "GMONTAUBAN/Diurne_2025B4_GMONTAUBAN0.csv": endless,
        },
    )
    batch = land_delivery(zone, path)
    reasons = {q["record"]: q["reason"] for q in batch.quarantined}
    assert (
        "line 1 is longer than 65536 characters"
        in reasons[f"{path.name}/GMONTAUBAN/Diurne_2025B4_GMONTAUBAN0.csv, line 1"]
    )
    assert rows_of(batch, "select count(*) from p") == [(2,)]


def test_loose_csv_with_commas_quotes_and_a_bom(tmp_path, zone):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Date", "ZoneObservation", "Provenance", "CategorieVisiteur", "Pays", "Volume"])
    writer.writerow(
        [
            "2025-08-01",
            "Grand Montauban",
            "ÉTRANGER",
            "TOURISTE",
            "OCÉAN INDIEN (LA RÉUNION, MAYOTTE, TAAF)",
            "1\u202f204",
        ]
    )
    writer.writerow(["2025-08-01", "Grand Montauban", "INTERNATIONAL", "Touriste", "PAYS-BAS", "87"])
    path = tmp_path / "Nuitee_Pays_2025B4_GMONTAUBAN0.csv"
    path.write_bytes(out.getvalue().encode("utf-8-sig"))
    batch = land_delivery(zone, path)
    assert batch.quarantined == []
    assert rows_of(batch, "select origin_country, volume, provenance from p order by volume") == [
        ("PAYS-BAS", 87, "INTERNATIONAL"),
        ("OCÉAN INDIEN (LA RÉUNION, MAYOTTE, TAAF)", 1204, "ÉTRANGER"),
    ]


def test_loose_xlsx_table(tmp_path, zone):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(";"))
    for row in GOOD_ROWS:
        values = row.split(";")
        values[4] = int(values[4])  # Excel keeps numbers as numbers
        sheet.append(values)
    path = tmp_path / "Nuitee_2025B4_GMONTAUBAN0.xlsx"
    book.save(path)
    batch = land_delivery(zone, path)
    assert batch.quarantined == []
    assert rows_of(batch, "select sum(volume), count(*) from p") == [(6324, 2)]


def test_same_delivery_dropped_twice_lands_once(tmp_path, zone):
    path = zip_of(
        tmp_path / "B4 2025_1.zip",
        {"GMONTAUBAN/Nuitee_2025B4_GMONTAUBAN0.csv": "\n".join([HEADER, *GOOD_ROWS]).encode()},
    )
    first = land_delivery(zone, path)
    copy = tmp_path / "copie" / "B4 2025_1 (1).zip"
    copy.parent.mkdir()
    copy.write_bytes(path.read_bytes())
    again = land_delivery(zone, copy)
    assert first.is_new and not again.is_new
    assert len(zone.manifests("fluxvision")) == 1


def workbook_bytes(padding: int = 0) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(";"))
    for row in GOOD_ROWS:
        values = row.split(";")
        values[4] = int(values[4])
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    if not padding:
        return out.getvalue()
    # A workbook bomb: the same sheet, swollen by a comment that compresses a thousand to one.
    bomb = io.BytesIO()
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<!--" + b"A" * padding + b"--><sheetData>")
            dst.writestr(info.filename, data)
    return bomb.getvalue()


def test_a_workbook_over_the_archive_limits_or_damaged_is_its_table_alone(tmp_path, zone):
    bomb = workbook_bytes(padding=30 * 2**20)  # 30 MiB of one letter: hundreds to one
    assert len(bomb) < 2**20
    damaged = workbook_bytes()[:-200]
    path = zip_of(
        tmp_path / "B4 2025_7.zip",
        {
            "GMONTAUBAN/Nuitee_2025B4_GMONTAUBAN0.csv": "\n".join([HEADER, *GOOD_ROWS]).encode(),
            "GMONTAUBAN/Diurne_2025B4_GMONTAUBAN0.xlsx": bomb,
            "GMONTAUBAN/Nuitee_Departement_2025B4_GMONTAUBAN0.xlsx": damaged,
        },
    )
    batch = land_delivery(zone, path)
    reasons = {q["record"].rsplit("/", 1)[-1]: q["reason"] for q in batch.quarantined}
    assert "compression ratio" in reasons["Diurne_2025B4_GMONTAUBAN0.xlsx"]
    assert "workbook" in reasons["Nuitee_Departement_2025B4_GMONTAUBAN0.xlsx"]
    assert rows_of(batch) == [(2,)]  # the good table landed


def test_a_damaged_entry_quarantines_its_table_and_the_others_land(tmp_path, zone):
    good = "\n".join([HEADER, *GOOD_ROWS]).encode()
    path = zip_of(
        tmp_path / "B4 2025_8.zip",
        {"A/Nuitee_2025B4_GMONTAUBAN0.csv": good, "B/Nuitee_2025B4_GMONTAUBAN1.csv": good + b"\n" * 4000},
    )
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        second = zf.getinfo("B/Nuitee_2025B4_GMONTAUBAN1.csv")
    data[second.header_offset + 60] ^= 0xFF  # corrupt the second entry's compressed bytes
    path.write_bytes(bytes(data))
    batch = land_delivery(zone, path)
    assert [q["record"] for q in batch.quarantined] == [f"{path.name}/B/Nuitee_2025B4_GMONTAUBAN1.csv"]
    assert rows_of(batch) == [(2,)]


def test_a_delivery_is_read_one_table_at_a_time(tmp_path, zone):
    """Memory follows the largest table, not the whole delivery."""
    import random
    import tracemalloc

    rng = random.Random(9)
    rows = [f"2025-07-{rng.randint(10, 28)};CA Grand Montauban;NonLocal;Touriste;{rng.randint(1, 99999)};1;1;1;0;Lundi"
            for _ in range(80_000)]  # fmt: skip
    table = "\n".join([HEADER, *rows]).encode()  # ≈ 5 MiB a table
    path = tmp_path / "B4 2025_9.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for k in range(12):
            zf.writestr(f"Z{k}/Nuitee_2025B4_GMONTAUBAN{k}.csv", table)
    tracemalloc.start()
    batch = land_delivery(zone, path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert rows_of(batch) == [(12 * 80_000,)]
    # Parsing one table takes about 7× its size; all twelve held at once took over 12× more.
    assert peak < 10 * len(table)
