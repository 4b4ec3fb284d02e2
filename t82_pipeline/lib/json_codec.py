"""JSON for payloads: orjson, several times faster than the standard library on the objects
landing decodes and writes one by one, with the standard library as the fallback for what
orjson refuses (integers beyond 64 bits, NaN) so such a payload fails, or passes, as before."""

import json

import orjson


def load_json(data: bytes | str) -> object:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)  # raises its own, more familiar error when the text is not JSON


def dump_json(obj: object) -> bytes:
    """Compact, UTF-8, no ASCII escaping: one NDJSON line without its newline."""
    try:
        return orjson.dumps(obj)
    except TypeError:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
