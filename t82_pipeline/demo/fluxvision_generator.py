"""Orange Flux Vision Tourisme deliveries for the embedded default, in the layout described in
docs/architecture.md §4: one ZIP per two-month period ("bimestre") and year, one folder
per observation zone, `;`-separated CSV files named ``<Famille>[_<Ventilation>]_<YYYY>B<n>_<ZONE>0.csv``.

Volumes follow a plausible seasonality (summer peak, weekend nights, Montauban and Moissac
bigger) and the deliveries carry the defects real ones have: a zone's files in CP1252, files
with a UTF-8 BOM, a zone renamed between deliveries, spelling variants of the vocabulary, a
collection-failure day at zero, and a period re-issued later with revised figures.
"""

from __future__ import annotations

import io
import math
import random
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from dateutil.easter import easter

from t82_pipeline.demo.sit_generator import SEED


@dataclass(frozen=True)
class Zone:
    code: str  # folder and file-name code
    label: str  # ZoneObservation as delivered
    epci_siren: str
    tourism: float  # share of the département's tourist nights
    population: int


ZONES = (
    Zone("GMONTAUBAN", "CA Grand Montauban", "248200099", 0.22, 78000),
    Zone("TCONFLUENCES", "CC Terres des Confluences", "200066322", 0.17, 41000),
    Zone("QCAUSSADAIS", "CC du Quercy Caussadais", "248200057", 0.10, 18000),
    Zone("GRANDSUD", "CC Grand Sud Tarn et Garonne", "200066652", 0.08, 41000),
    Zone("LOMAGNE", "CC de la Lomagne Tarn-et-Garonnaise", "248200065", 0.07, 21000),
    Zone("DEUXRIVES", "CC des Deux Rives", "248200016", 0.07, 17000),
    Zone("SERRES", "CC du Pays de Serres en Quercy", "200040418", 0.06, 9000),
    Zone("LAFRANCAISE", "CC du Pays de Lafrançaise", "200067122", 0.04, 8000),
    Zone("QVA", "CC Quercy Vert-Aveyron", "200066884", 0.09, 15000),
    Zone("QRGA", "CC Quercy Rouergue et Gorges de l’Aveyron", "248200107", 0.10, 9000),
)
# Zones get renamed between deliveries (research note §5): this one from 2026 on.
RENAMED = {"SERRES": (2026, "Quercy Sud-Ouest")}
STAY_ORIGINS = 4  # origins with a stay-length table: the main ones, to keep the demo small
CP1252_ZONE = "QRGA"  # its files come re-saved from Excel in CP1252
DEPARTEMENT_TOURIST_NIGHTS = 7_800_000  # press figure for 2018 (research note §7)

# (NomDepartement, NomRegion, NomNouvelleRegion, weight)
FRENCH_ORIGINS = (
    ("Haute-Garonne", "Midi-Pyrénées", "Occitanie", 22),
    ("Gironde", "Aquitaine", "Nouvelle-Aquitaine", 8),
    ("Paris", "Île-de-France", "Île-de-France", 7),
    ("Tarn", "Midi-Pyrénées", "Occitanie", 6),
    ("Lot", "Midi-Pyrénées", "Occitanie", 5),
    ("Gers", "Midi-Pyrénées", "Occitanie", 5),
    ("Aveyron", "Midi-Pyrénées", "Occitanie", 4),
    ("Lot-et-Garonne", "Aquitaine", "Nouvelle-Aquitaine", 5),
    ("Hérault", "Languedoc-Roussillon", "Occitanie", 4),
    ("Bouches-du-Rhône", "Provence-Alpes-Côte d'Azur", "Provence-Alpes-Côte d'Azur", 3),
    ("Rhône", "Rhône-Alpes", "Auvergne-Rhône-Alpes", 3),
    ("Hauts-de-Seine", "Île-de-France", "Île-de-France", 3),
    ("Nord", "Nord-Pas-de-Calais", "Hauts-de-France", 2),
    ("Loire-Atlantique", "Pays de la Loire", "Pays de la Loire", 2),
    ("Pyrénées-Atlantiques", "Aquitaine", "Nouvelle-Aquitaine", 2),
    ("Dordogne", "Aquitaine", "Nouvelle-Aquitaine", 2),
    ("Charente-Maritime", "Poitou-Charentes", "Nouvelle-Aquitaine", 1),
    ("Bas-Rhin", "Alsace", "Grand Est", 1),
)
COUNTRIES = (
    ("ROYAUME-UNI", 24),
    ("PAYS-BAS", 16),
    ("BELGIQUE", 14),
    ("ALLEMAGNE", 10),
    ("ESPAGNE", 10),
    ("SUISSE", 5),
    ("ITALIE", 4),
    ("ÉTATS-UNIS", 3),
    ("PORTUGAL", 3),
    ("DANEMARK", 2),
    ("OCÉAN INDIEN (LA RÉUNION, MAYOTTE, TAAF)", 1),
)
AGES = (
    ("18-24 ans", 8),
    ("25-34 ans", 15),
    ("35-44 ans", 18),
    ("45-54 ans", 19),
    ("55-64 ans", 20),
    ("65 ans et +", 20),
)
WEEKDAYS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
COMMON = [
    "Date",
    "ZoneObservation",
    "Provenance",
    "CategorieVisiteur",
    "Volume",
    "VacancesA",
    "VacancesB",
    "VacancesC",
    "Ferie",
    "JourDeLaSemaine",
]


def bimestre_days(year: int, bimestre: int) -> list[date]:
    first = date(year, 2 * bimestre - 1, 1)
    end = date(year + 1, 1, 1) if bimestre == 6 else date(year, 2 * bimestre + 1, 1)
    return [first + timedelta(days=i) for i in range((end - first).days)]


def _bank_holidays(year: int) -> set[date]:
    e = easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    return {date(year, m, d) for m, d in fixed} | {
        e + timedelta(days=1),
        e + timedelta(days=39),
        e + timedelta(days=50),
    }


def _school_holidays(day: date) -> tuple[bool, bool, bool]:
    """Zones A, B, C (Toulouse is C); the common periods plus staggered winter and spring breaks."""
    md = (day.month, day.day)
    common = (7, 6) <= md <= (8, 31) or (10, 19) <= md <= (11, 3) or md >= (12, 20) or md <= (1, 4)
    winter = {"A": ((2, 8), (2, 23)), "B": ((2, 15), (3, 2)), "C": ((2, 22), (3, 9))}
    spring = {"A": ((4, 5), (4, 21)), "B": ((4, 12), (4, 28)), "C": ((4, 19), (5, 5))}
    return tuple(
        common or w[0] <= md <= w[1] or s[0] <= md <= s[1]
        for w, s in zip(winter.values(), spring.values(), strict=True)
    )  # type: ignore[return-value]


def _season(day: date) -> float:
    doy = day.timetuple().tm_yday
    return 0.55 + 1.5 * math.exp(-(((doy - 215) / 28) ** 2)) + 0.35 * math.exp(-(((doy - 130) / 25) ** 2))


def _split(rng: random.Random, total: float, weights: tuple) -> list[int]:
    w = [max(0.0, x[-1] * rng.uniform(0.7, 1.3)) for x in weights]
    return [round(total * x / sum(w)) for x in w]


class _Zone:
    """Rows of every family for one zone and period."""

    def __init__(self, zone: Zone, year: int, bimestre: int, variant: int, spelling: dict[str, str]):
        self.zone, self.year = zone, year
        self.rng = random.Random(f"{SEED}-fv-{zone.code}-{year}-{bimestre}-{variant}")
        self.days = bimestre_days(year, bimestre)
        self.label = RENAMED[zone.code][1] if zone.code in RENAMED and year >= RENAMED[zone.code][0] else zone.label
        self.say = lambda word: spelling.get(word, word)
        self.files: dict[str, list[list]] = {}
        self.revision = 1.02 if variant else 1.0

    def add(self, family: str, extra: list[str], rows: list[list]) -> None:
        self.files.setdefault(family, [COMMON[:4] + extra + COMMON[4:]]).extend(rows)

    def build(self) -> dict[str, list[list]]:
        holidays = _bank_holidays(self.year)
        growth = 1.0 + 0.03 * (self.year - 2025)
        for day in self.days:
            flags = [int(f) for f in _school_holidays(day)] + [int(day in holidays), WEEKDAYS[day.weekday()]]
            failed = day == date(self.year, 8, 29)  # a collection failure, as in the 2018 real series
            self._day(day, flags, 0.0 if failed else growth * self.revision)
        return self.files

    def _row(self, day: date, provenance: str, category: str, extra: list, volume: float, flags: list) -> list:
        return [
            day.isoformat(),
            self.label,
            self.say(provenance),
            self.say(category),
            *extra,
            max(0, round(volume)),
            *flags,
        ]

    def _day(self, day: date, flags: list, factor: float) -> None:
        rng, z = self.rng, self.zone
        weekend = 1.25 if day.weekday() in (4, 5) else 1.0
        tourists = (
            DEPARTEMENT_TOURIST_NIGHTS / 365 * z.tourism * _season(day) * weekend * rng.uniform(0.9, 1.1) * factor
        )
        foreign_share = 0.18 + 0.12 * math.exp(-(((day.timetuple().tm_yday - 200) / 40) ** 2))
        fr, foreign, local = (
            tourists * (1 - foreign_share) * 0.9,
            tourists * foreign_share,
            tourists * (1 - foreign_share) * 0.1,
        )
        residents = z.population * rng.uniform(0.88, 0.95) * (1 - 0.08 * (_season(day) - 0.55)) * factor
        usual = z.population * 0.06 * rng.uniform(0.9, 1.1) * factor
        day_fr = tourists * 0.9 * (1.6 if day.weekday() >= 5 else 1.0) * rng.uniform(0.85, 1.15)
        day_foreign = day_fr * foreign_share * 0.6

        self.add(
            "Nuitee",
            [],
            [
                self._row(day, "NonLocal", "Touriste", [], fr, flags),
                self._row(day, "Etranger", "Touriste", [], foreign, flags),
                self._row(day, "Local", "Touriste", [], local, flags),
                self._row(day, "Local", "Résident", [], residents, flags),
                self._row(day, "Local", "Habituellement présent", [], usual, flags),
            ],
        )
        self.add(
            "Diurne",
            [],
            [
                self._row(day, "NonLocal", "Touriste", [], fr * 0.95, flags),
                self._row(day, "Etranger", "Touriste", [], foreign * 0.95, flags),
                self._row(day, "NonLocal", "Excursionniste", [], day_fr, flags),
                self._row(day, "Etranger", "Excursionniste", [], day_foreign, flags),
                self._row(day, "NonLocal", "Excursionniste récurrent", [], day_fr * 0.3, flags),
                self._row(day, "Local", "Résident", [], residents * 0.8, flags),
                self._row(day, "Local", "Habituellement présent", [], usual * 1.4, flags),
            ],
        )
        for family, category, volume_fr, volume_foreign in (
            ("Nuitee", "Touriste", fr, foreign),
            ("Diurne", "Excursionniste", day_fr, day_foreign),
        ):
            self.add(
                f"{family}_Departement",
                ["NomDepartement", "NomRegion", "NomNouvelleRegion"],
                [
                    self._row(day, "NonLocal", category, list(o[:3]), v, flags)
                    for o, v in zip(FRENCH_ORIGINS, _split(rng, volume_fr, FRENCH_ORIGINS), strict=True)
                    if v > 0
                ],
            )
            self.add(
                f"{family}_Pays",
                ["Pays"],
                [
                    self._row(day, "Etranger", category, [c[0]], v, flags)
                    for c, v in zip(COUNTRIES, _split(rng, volume_foreign, COUNTRIES), strict=True)
                    if v > 0
                ],
            )
        self.add(
            "Nuitee_Age",
            ["Age"],
            [
                self._row(day, "NonLocal", "Touriste", [a[0]], v, flags)
                for a, v in zip(AGES, _split(rng, fr, AGES), strict=True)
            ],
        )

        # Stays and movements, by arrival day: arrivals peak on Saturday; the French leave on Sunday,
        # foreigners on Friday (a week's stay), locals on Sunday evening after a weekend.
        base = {"NonLocal": fr / 3.2, "Etranger": foreign / 4.5, "Local": local / 1.8}
        arrivals = {
            "NonLocal": base["NonLocal"] * (1.0, 0.8, 0.8, 0.9, 1.3, 1.9, 1.0)[day.weekday()],
            "Etranger": base["Etranger"] * (1.0, 0.9, 0.9, 0.9, 1.2, 1.7, 1.1)[day.weekday()],
            "Local": base["Local"] * (0.6, 0.5, 0.5, 0.6, 1.2, 2.4, 0.8)[day.weekday()],
        }
        departures = {
            "NonLocal": (1.0, 0.9, 0.8, 0.8, 0.9, 1.2, 2.0),
            "Etranger": (0.9, 0.8, 0.8, 0.9, 2.1, 1.3, 1.0),
            "Local": (0.7, 0.5, 0.5, 0.5, 0.6, 1.0, 3.0),
        }
        self.add("Arrivee", [], [self._row(day, p, "Touriste", [], v, flags) for p, v in arrivals.items()])
        self.add("Depart", [], [
            self._row(day, p, "Touriste", [], v * departures[p][day.weekday()], flags) for p, v in base.items()
        ])  # fmt: skip
        means = {"NonLocal": 2.6, "Etranger": 4.5}
        for provenance, mean in means.items():
            lengths = self._lengths(mean)
            self.add("SejourDuree", ["DureeSejour", "DureeSejourNum"], [
                self._row(day, provenance, "Touriste", [self._stay_label(n, provenance), n], v, flags)
                for (n, _), v in zip(lengths, _split(rng, arrivals[provenance], lengths), strict=True) if v > 0
            ])  # fmt: skip
        # Stays by origin for the main origins: Parisians stay longer than the Toulousains.
        for breakdown, provenance, origins in (
            ("Departement", "NonLocal", FRENCH_ORIGINS[:STAY_ORIGINS]),
            ("Pays", "Etranger", COUNTRIES[:STAY_ORIGINS]),
        ):
            columns = ["NomDepartement", "NomRegion", "NomNouvelleRegion"] if breakdown == "Departement" else ["Pays"]
            rows = []
            for origin, volume in zip(origins, _split(rng, arrivals[provenance], origins), strict=True):
                lengths = self._lengths(means[provenance] * (0.7 + (len(origin[0]) % 7) / 10))
                for (n, _), v in zip(lengths, _split(rng, volume, lengths), strict=True):
                    if v > 0:
                        extra = [*origin[: len(columns)], self._stay_label(n, provenance), n]
                        rows.append(self._row(day, provenance, "Touriste", extra, v, flags))
            self.add(f"SejourDuree_{breakdown}", [*columns, "DureeSejour", "DureeSejourNum"], rows)

    @staticmethod
    def _lengths(mean: float) -> list[tuple[int, float]]:
        return [(n, math.exp(-n / mean)) for n in range(1, 14)]

    @staticmethod
    def _stay_label(nights: int, provenance: str) -> str:
        if nights == 1:
            return "1 nuits" if provenance == "Etranger" else "1 nuit"  # as the real international files
        return "13 nuits et plus" if nights == 13 else f"{nights} nuits"


def _csv_bytes(rows: list[list], encoding: str) -> bytes:
    out = io.StringIO()
    for row in rows:
        out.write(";".join(_quote(str(v)) for v in row) + "\r\n")
    return out.getvalue().encode(encoding)


def _quote(value: str) -> str:
    # Three `in` tests, not any() over a generator: a million rows of eight fields (seconds).
    return f'"{value}"' if ";" in value or "," in value or '"' in value else value


@dataclass(frozen=True)
class Delivery:
    year: int
    bimestre: int
    number: int
    reissue: bool = False

    @property
    def file_name(self) -> str:
        tag = " nouveauFormat" if self.reissue else ""
        return f"B{self.bimestre} {self.year}{tag}_{self.number}.zip"

    @property
    def issued(self) -> tuple:
        """When Orange produced it: three weeks after the period, the re-issue months later."""
        last = bimestre_days(self.year, self.bimestre)[-1]
        when = last + timedelta(days=120 if self.reissue else 21)
        return (when.year, when.month, when.day, 6, 0, 0)


def write_delivery(folder: Path, delivery: Delivery, zones: tuple[Zone, ...] = ZONES) -> Path:
    """One ZIP; the spelling of the vocabulary and the encoding vary as between real deliveries."""
    spelling = (
        {"Touriste": "TOURISTE", "Résident": "Resident", "NonLocal": "NON LOCAL", "Etranger": "ÉTRANGER"}
        if delivery.bimestre % 3 == 2
        else {}
    )
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / delivery.file_name
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for zone in zones:
            families = _Zone(zone, delivery.year, delivery.bimestre, int(delivery.reissue), spelling).build()
            encoding = "cp1252" if zone.code == CP1252_ZONE else ("utf-8-sig" if delivery.bimestre % 2 else "utf-8")
            for family, rows in families.items():
                name = f"{zone.code}/{family}_{delivery.year}B{delivery.bimestre}_{zone.code}0.csv"
                zf.writestr(
                    zipfile.ZipInfo(name, delivery.issued),
                    _csv_bytes(rows, encoding),
                    compress_type=zipfile.ZIP_DEFLATED,
                )
    return target


def demo_deliveries(reference: date) -> list[Delivery]:
    """Every period of 2025, 2026 up to the last delivered before ``reference``, one re-issue."""
    out, number = [], 1461554
    for year in (2025, 2026):
        for bimestre in range(1, 7):
            if Delivery(year, bimestre, 0).issued[:3] <= (reference.year, reference.month, reference.day):
                number += 7919
                out.append(Delivery(year, bimestre, number))
    out.append(Delivery(2025, 3, 14429248, reissue=True))
    return out


def generate_fluxvision(drop: Path, reference: date, deliveries: list[Delivery] | None = None) -> dict:
    written = [write_delivery(drop, d) for d in (deliveries or demo_deliveries(reference))]
    return {"fluxvision_deliveries": len(written)}
