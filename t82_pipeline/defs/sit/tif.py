"""XML SIT exports (Constellation, TourInFrance v3) → landing, through a declarative mapping.

No public Constellation schema exists (docs/architecture.md §4); French DMS XML
exports follow TourInFrance v3, so the mapping in ``mappings/tif_v3.yaml`` describes that
layout and the engine below knows nothing of TIF.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from lxml import etree

from t82_pipeline.lib.http import SourceError
from t82_pipeline.lib.landing import LandedBatch, LandingZone

SOURCE = "tif"
MAPPINGS_DIR = Path(__file__).parent / "mappings"


@dataclass(frozen=True)
class FieldSpec:
    xpath: etree.XPath
    many: bool
    group: tuple[tuple[str, etree.XPath], ...] = ()


@dataclass(frozen=True)
class XmlMapping:
    name: str
    record: etree.XPath
    id_field: str
    fields: tuple[tuple[str, FieldSpec], ...]


def _text(node: object) -> str | None:
    value = node if isinstance(node, str) else "".join(node.itertext())
    value = " ".join(value.split())
    return value or None


def _first(xpath: etree.XPath, node: etree._Element) -> str | None:
    for match in xpath(node):
        if (value := _text(match)) is not None:
            return value
    return None


@cache
def load_mapping(name: str = "tif_v3") -> XmlMapping:
    spec = yaml.safe_load((MAPPINGS_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    ns = spec["namespaces"]

    def compile_(path: str) -> etree.XPath:
        return etree.XPath(path, namespaces=ns)

    fields = []
    for field_name, value in spec["fields"].items():
        value = {"xpath": value} if isinstance(value, str) else value
        group = tuple((k, compile_(p)) for k, p in (value.get("group") or {}).items())
        fields.append((field_name, FieldSpec(compile_(value["xpath"]), bool(value.get("many")), group)))
    return XmlMapping(spec["name"], compile_(spec["record"]), spec["id"], tuple(fields))


def map_record(node: etree._Element, mapping: XmlMapping) -> dict:
    record: dict = {}
    for field_name, spec in mapping.fields:
        if spec.group:
            items = [{k: _first(x, m) for k, x in spec.group} for m in spec.xpath(node)]
            record[field_name] = [i for i in items if any(i.values())]
        elif spec.many:
            record[field_name] = [v for v in map(_text, spec.xpath(node)) if v is not None]
        else:
            record[field_name] = _first(spec.xpath, node)
    return record


def parse_records(xml_path: Path, mapping: XmlMapping) -> Iterator[tuple[int, dict | None, etree._Element]]:
    try:
        tree = etree.parse(str(xml_path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except (etree.XMLSyntaxError, OSError) as exc:
        raise SourceError(SOURCE, xml_path.name, f"XML does not parse: {exc}") from None
    for index, node in enumerate(mapping.record(tree), start=1):
        yield index, map_record(node, mapping), node


def land_xml_file(zone: LandingZone, xml_path: Path, mapping_name: str = "tif_v3") -> LandedBatch:
    if (landed := zone.landed_copy(SOURCE, xml_path)) is not None:
        return landed
    mapping = load_mapping(mapping_name)
    records = parse_records(xml_path, mapping)  # parse errors surface before a batch opens
    first = next(records, None)
    with zone.open_batch(SOURCE) as batch:
        batch.copy_file("source.xml", xml_path)

        def located() -> Iterator[tuple[str, dict]]:
            for index, record, node in [first, *records] if first is not None else []:
                record["_record_index"] = index
                yield f"{xml_path.name} record #{index} (line {node.sourceline})", record

        def no_id(record: dict) -> str | None:
            return None if record.get(mapping.id_field) else f"record has no '{mapping.id_field}'"

        def as_line(record: dict) -> bytes:
            return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()

        def as_raw(record: dict) -> str:
            return json.dumps({k: v for k, v in record.items() if k != "_record_index"}, ensure_ascii=False)

        entry = batch.add_checked_lines("objects.ndjson", located(), no_id, as_line, as_raw)
        return zone.commit(
            batch,
            payload_files=["source.xml"],
            metadata={
                "kind": "xml",
                # One file may hold one record type only, and TIF signals no deletions:
                # every file adds to the state, none supersedes the others.
                "mode": "differential",
                "mapping": mapping.name,
                "request": {"file": xml_path.name},
                "record_count": entry["rows"],
            },
        )
