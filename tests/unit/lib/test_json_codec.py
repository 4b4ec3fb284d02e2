"""Payload JSON goes through orjson, with the standard library for what orjson refuses."""

import json

import pytest

from t82_pipeline.lib.json_codec import dump_json, load_json


def test_lines_are_compact_utf8_as_the_standard_library_writes_them():
    obj = {
        "nom": {"libelleFr": "Abbaye de Belleperche – « Moissac »"},
        "id": 12,
        "note": 4.5,
        "vide": None,
        "l": [1, "\n"],
    }
    assert dump_json(obj) == json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    assert load_json(dump_json(obj)) == obj


def test_what_orjson_refuses_still_reads_and_writes():
    big = 2**70  # beyond orjson's 64-bit integers
    assert load_json(f'{{"id": {big}}}'.encode()) == {"id": big}
    assert load_json('\ufeff{"a": 1}'.encode("utf-8")) == {"a": 1}  # a UTF-8 BOM, as some exports have
    assert dump_json({"id": big}) == f'{{"id":{big}}}'.encode()


def test_invalid_json_is_a_value_error():
    with pytest.raises(ValueError):
        load_json(b'{"objetsTouristiques": [')
