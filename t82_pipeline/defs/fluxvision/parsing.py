"""Reading Flux Vision Tourisme tables (layout: docs/architecture.md §4).

A table is one CSV (or XLSX sheet) of one family for one zone and period. Python only decodes
the bytes and checks the header; DuckDB's CSV reader parses, validates and normalises the rows
into one long table, written as Parquet next to the raw delivery in landing.
A file with a problem is rejected whole, with the file, line and reason; the others go on.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from t82_pipeline.lib.archive import check_workbook
from t82_pipeline.lib.http import SourceError
from t82_pipeline.lib.sql import UnsafeIdentifier, quote_identifier

NAME = re.compile(
    r"^(?P<family>[A-Za-z]+(?:_[A-Za-z]+)*)_(?P<year>\d{4})B(?P<bimestre>[1-6])_(?P<zone>.+?)(?P<k>\d+)\.(?:csv|xlsx)$",
    re.IGNORECASE,
)
# Day-level families and the breakdowns Orange delivers (research note §2).
FAMILIES = {
    "Nuitee",
    "Diurne",
    "SejourDuree",
    "Arrivee",
    "Depart",
    "Recurrence",
    "DureePresence",
    "Dispo",
    "LieuNuitee",
    "LieuActivite",
}
REQUIRED = ["Date", "ZoneObservation", "Provenance", "CategorieVisiteur", "Volume"]
BREAKDOWN_COLUMNS = {"Departement": ["NomDepartement"], "Pays": ["Pays"], "Age": ["Age"], "Geolife": ["Geolife"]}
CALENDAR = ["VacancesA", "VacancesB", "VacancesC", "Ferie", "JourDeLaSemaine", "Zone"]
# Named columns of the normalised table; any other column joins the breakdown key.
NAMED = {
    "NomDepartement": "origin_departement",
    "NomRegion": "origin_region",
    "NomNouvelleRegion": "origin_new_region",
    "Pays": "origin_country",
    "Age": "age_band",
    "Geolife": "geolife",
    "DureeSejour": "stay_label",
}

PARSED_COLUMNS = {
    "source_file": "VARCHAR",
    "line": "BIGINT",
    "family": "VARCHAR",
    "breakdown": "VARCHAR",
    "period_year": "INTEGER",
    "bimestre": "INTEGER",
    "issued_at": "TIMESTAMP",
    "zone_label": "VARCHAR",
    "day": "DATE",
    "provenance": "VARCHAR",
    "category": "VARCHAR",
    "volume": "BIGINT",
    **{v: "VARCHAR" for v in NAMED.values()},
    "stay_nights": "INTEGER",
    "breakdown_key": "VARCHAR",
    "holiday_zone_a": "BOOLEAN",
    "holiday_zone_b": "BOOLEAN",
    "holiday_zone_c": "BOOLEAN",
    "bank_holiday": "BOOLEAN",
}


class TableError(ValueError):
    """A table that cannot be loaded: says which line and why."""

    def __init__(self, problem: str, line: int | None = None):
        super().__init__(problem)
        self.problem, self.line = problem, line


@dataclass(frozen=True)
class TableName:
    family: str
    breakdown: str | None
    year: int
    bimestre: int
    zone_code: str

    @classmethod
    def parse(cls, file_name: str) -> TableName:
        m = NAME.match(file_name)
        if not m:
            raise TableError("file name is not <Famille>[_<Ventilation>]_<AAAA>B<n>_<ZONE><k>.csv")
        family, _, breakdown = m["family"].partition("_")
        if family not in FAMILIES:
            raise TableError(f"unknown family {family!r} (known: {', '.join(sorted(FAMILIES))})")
        return cls(family, breakdown or None, int(m["year"]), int(m["bimestre"]), m["zone"])


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as Excel re-saves write it."""
    if b"\x00" in data[:4096]:
        raise TableError("unreadable encoding: NUL bytes (UTF-16 or binary file?), expected UTF-8 or CP1252", 1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise TableError(
            f"unreadable encoding: byte 0x{data[exc.start]:02x} is neither UTF-8 nor CP1252",
            data[: exc.start].count(b"\n") + 1,
        ) from None


def xlsx_to_text(data: bytes, name: str) -> str:
    """First sheet of a workbook as `;` CSV text (dates written back as YYYY-MM-DD). A workbook
    over the archive limits, or damaged, is this table's error (TableError), not the delivery's."""
    from openpyxl import load_workbook

    try:
        check_workbook(data, "fluxvision", name)
    except SourceError as exc:
        raise TableError(f"workbook {exc.problem}", None) from None
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        for row in sheet.iter_rows(values_only=True):
            writer.writerow(["" if v is None else v.date().isoformat() if hasattr(v, "date") else v for v in row])
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged workbook
        raise TableError(f"unreadable workbook: {type(exc).__name__}: {str(exc)[:200]}", None) from None
    return out.getvalue()


# A header is a few hundred bytes; a table on one endless line is refused, not parsed.
MAX_HEADER_CHARS = 64 * 1024


def header_of(text: str) -> tuple[list[str], str]:
    end = text.find("\n", 0, MAX_HEADER_CHARS + 1)
    if end == -1 and len(text) > MAX_HEADER_CHARS:
        raise TableError(f"line 1 is longer than {MAX_HEADER_CHARS} characters: not a Flux Vision table", 1)
    first = text[: end if end != -1 else len(text)].rstrip("\r")
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    header = [h.strip() for h in next(csv.reader([first], delimiter=delimiter))]
    if not header or header[0] != "Date":
        raise TableError(f"header must start with 'Date', found {first[:80]!r}", 1)
    return header, delimiter


def _flag(column: str, header: list[str]) -> str:
    return (
        f"lower(trim({quote_identifier(column)})) in ('1', 'oui', 'o', 'true', 'vrai', 'x')"
        if column in header
        else "null"
    )


@dataclass
class _Pending:
    ref: str
    table: TableName
    issued_at: str
    path: Path
    header: list[str]


class DeliveryParser:
    """Collects the tables of one delivery, then loads them with one DuckDB CSV scan per
    delimiter (per-file queries would cost more than the parsing itself)."""

    def __init__(self, work_dir: Path, zone_resolves: Callable[[str], bool]):
        self.work_dir = work_dir
        self.zone_resolves = zone_resolves
        self.pending: dict[str, list[_Pending]] = {}
        self.rows_by_table: dict[str, int] = {}

    @property
    def rows(self) -> int:
        return sum(self.rows_by_table.values())

    def add(self, ref: str, table: TableName, text: str, issued_at: str) -> None:
        """Checks the header now (raises TableError); rows are checked and loaded by ``load``."""
        header, delimiter = header_of(text)
        for position, column in enumerate(header, start=1):
            try:
                quote_identifier(column)
            except UnsafeIdentifier as exc:  # it would be spliced into SQL as a column name
                raise TableError(f"header column {position}: {exc}", 1) from None
        missing = [c for c in REQUIRED + BREAKDOWN_COLUMNS.get(table.breakdown or "", []) if c not in header]
        if missing:
            raise TableError(
                f"header lacks column(s) {', '.join(missing)} for family {table.family}"
                f"{'_' + table.breakdown if table.breakdown else ''}",
                1,
            )
        path = self.work_dir / f"{sum(map(len, self.pending.values())):05d}.csv"
        # Each row carries its line number (header = line 1): DuckDB reads files in parallel and
        # does not promise row order, while a rejected table must name its bad line.
        lines = text.split("\n")  # not splitlines(): labels may hold other Unicode separators
        if (
            too_long := next((n for n, line in enumerate(lines, start=1) if len(line) > MAX_HEADER_CHARS), None)
        ) is not None:
            raise TableError(f"line {too_long} is longer than {MAX_HEADER_CHARS} characters", too_long)
        numbered = [
            f"_line{delimiter}{lines[0]}",
            *(f"{n}{delimiter}{line}" for n, line in enumerate(lines[1:], start=2) if line.strip()),
        ]
        path.write_text("\n".join(numbered) + "\n", encoding="utf-8")
        self.pending.setdefault(delimiter, []).append(_Pending(ref, table, issued_at, path, header))

    def load(self, target: Path) -> dict[str, TableError]:
        """Writes the good tables' rows to ``target`` (Parquet); returns the rejected ones."""
        con = duckdb.connect()
        cols = ", ".join(f"{name} {kind}" for name, kind in PARSED_COLUMNS.items())
        con.execute(f"create table parsed ({cols})")
        rejected: dict[str, TableError] = {}
        for delimiter, tables in self.pending.items():
            try:
                self._load_group(con, tables, delimiter, rejected)
            except duckdb.Error:
                # One table DuckDB cannot read at all: load them one by one to find and reject it.
                con.execute("delete from parsed where list_contains(?, source_file)", [[t.ref for t in tables]])
                for table in tables:
                    try:
                        self._load_group(con, [table], delimiter, rejected)
                    except duckdb.Error as exc:
                        con.execute("delete from parsed where source_file = ?", [table.ref])
                        rejected[table.ref] = TableError(f"unreadable table: {str(exc).splitlines()[0][:200]}", None)
        con.execute(f"copy (select * from parsed order by source_file, line) to '{target}' (format parquet)")
        self.rows_by_table = dict(con.execute("select source_file, count(*) from parsed group by 1").fetchall())
        con.close()
        return rejected

    def _load_group(
        self, con: duckdb.DuckDBPyConnection, tables: list[_Pending], delimiter: str, rejected: dict[str, TableError]
    ) -> None:
        by_path = {str(t.path): t for t in tables}
        con.execute(
            "create or replace temp table t as select * replace (_line::bigint as _line) "
            "from read_csv(?, delim = ?, header = true, all_varchar = true, union_by_name = true, filename = true, "
            "quote = '\"', escape = '\"', strict_mode = false)",
            [list(by_path), delimiter],
        )
        checked = self._check(con)
        for path, error in checked.items():
            rejected[by_path[path].ref] = error
        # All checked first, then inserted: a failure midway leaves nothing half-inserted. One
        # insert per header (a family's tables share it), not per table: each insert scans them all.
        by_header: dict[tuple[str, ...], list[tuple[str, _Pending]]] = {}
        for path, table in by_path.items():
            if table.ref not in rejected:
                by_header.setdefault(tuple(table.header), []).append((path, table))
        for header, group in by_header.items():
            self._insert(con, list(header), group)

    def _check(self, con: duckdb.DuckDBPyConnection) -> dict[str, TableError]:
        errors: dict[str, TableError] = {}
        checks = ((_DAY, "Date", "date {!r} is not YYYY-MM-DD"), (_VOLUME, "Volume", "volume {!r} is not a number"))
        for expression, column, message in checks:
            for path, line, value in con.execute(
                f"select filename, min(_line), arg_min({column}, _line) from t where {expression} is null group by 1"
            ).fetchall():
                errors.setdefault(path, TableError(message.format(value), line))
        for path, line, label in con.execute(
            "select filename, min(_line), ZoneObservation from t group by 1, 3"
        ).fetchall():
            if not self.zone_resolves(label or ""):
                errors.setdefault(
                    path,
                    TableError(f"zone {label!r} maps to no EPCI (add it to seeds/fluxvision_zone_aliases.csv)", line),
                )
        return errors

    def _insert(self, con: duckdb.DuckDBPyConnection, header: list[str], group: list[tuple[str, _Pending]]) -> None:
        """The rows of tables that share ``header``; each file's own name, family and period
        come from a small table joined on the file name."""
        con.execute(
            "create or replace temp table files (filename varchar, __file_ref varchar, __file_family varchar, "
            "__file_breakdown varchar, __file_year integer, __file_bimestre integer, __file_issued_at timestamp)"
        )
        con.executemany(
            "insert into files values (?, ?, ?, ?, ?, ?, ?::timestamp)",
            [
                [path, t.ref, t.table.family, t.table.breakdown, t.table.year, t.table.bimestre, t.issued_at]
                for path, t in group
            ],
        )
        extra = [
            c for c in header if c not in REQUIRED and c not in CALENDAR and c not in NAMED and c != "DureeSejourNum"
        ]
        key_columns = [c for c in header if c in NAMED or c in extra]
        select = {
            "source_file": "__file_ref",
            "line": "_line",
            "family": "__file_family",
            "breakdown": "__file_breakdown",
            "period_year": "__file_year",
            "bimestre": "__file_bimestre",
            "issued_at": "__file_issued_at",
            "zone_label": "trim(ZoneObservation)",
            "day": _DAY,
            "provenance": "trim(Provenance)",
            "category": "trim(CategorieVisiteur)",
            "volume": _VOLUME,
            **{
                name: (f"nullif(trim({quote_identifier(col)}), '')" if col in header else "null")
                for col, name in NAMED.items()
            },
            "stay_nights": "try_cast(DureeSejourNum as integer)" if "DureeSejourNum" in header else "null",
            "breakdown_key": ("concat_ws('|', " + ", ".join(f"trim({quote_identifier(c)})" for c in key_columns) + ")")
            if key_columns
            else "''",
            "holiday_zone_a": _flag("VacancesA", header),
            "holiday_zone_b": _flag("VacancesB", header),
            "holiday_zone_c": _flag("VacancesC", header),
            "bank_holiday": _flag("Ferie", header),
        }
        con.execute(f"insert into parsed select {', '.join(select.values())} from t inner join files using (filename)")


# Volumes are integers; spaces (also non-breaking) may group thousands and Excel may add ".0".
_VOLUME = "try_cast(round(try_cast(regexp_replace(Volume, '[\\s\u00a0\u202f]', '', 'g') as double)) as bigint)"
_DAY = "coalesce(try_strptime(trim(Date), '%Y-%m-%d'), try_strptime(trim(Date), '%d/%m/%Y'))::date"
