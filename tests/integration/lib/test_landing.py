import json

import pytest

from t82_pipeline.lib.landing import LandingZone


def land(zone: LandingZone, lines: list[bytes]):
    with zone.open_batch("demo") as batch:
        batch.add_lines("objects.ndjson", iter(lines))
        return zone.commit(batch, payload_files=["objects.ndjson"], metadata={"mode": "full"})


def test_batch_lands_with_manifest(tmp_path):
    zone = LandingZone(tmp_path)
    batch = land(zone, [b'{"id":1}', b'{"id":2}'])
    assert batch.is_new
    manifest = json.loads((batch.path / "manifest.json").read_text())
    assert manifest["files"]["objects.ndjson"]["rows"] == 2
    assert manifest["source"] == "demo" and manifest["mode"] == "full"
    assert (batch.path / "objects.ndjson").read_bytes() == b'{"id":1}\n{"id":2}\n'


def test_same_payload_twice_is_a_no_op(tmp_path):
    zone = LandingZone(tmp_path)
    first = land(zone, [b'{"id":1}'])
    second = land(zone, [b'{"id":1}'])
    assert not second.is_new and second.batch_id == first.batch_id
    assert len(zone.manifests("demo")) == 1
    assert not list((tmp_path / "demo").glob(".tmp-*"))


def test_failure_mid_batch_leaves_nothing(tmp_path):
    zone = LandingZone(tmp_path)
    good = land(zone, [b'{"id":1}'])

    def exploding():
        yield b'{"id":2}'
        raise RuntimeError("connection lost")

    with pytest.raises(RuntimeError):
        land(zone, exploding())
    assert [m["batch_id"] for m in zone.manifests("demo")] == [good.batch_id]
    assert not list((tmp_path / "demo").glob(".tmp-*"))


def test_quarantine_keeps_reason_and_the_rest_lands(tmp_path):
    zone = LandingZone(tmp_path)
    with zone.open_batch("demo") as batch:
        batch.add_lines("objects.ndjson", iter([b'{"id":1}']))
        batch.quarantine("page 0 item 3", "object has no integer 'id'", '{"nom":"x"}')
        landed = zone.commit(batch, payload_files=["objects.ndjson"], metadata={})
    assert landed.manifest["quarantined"] == 1
    assert landed.quarantined == [
        {"source": "demo", "record": "page 0 item 3", "reason": "object has no integer 'id'", "raw": '{"nom":"x"}'}
    ]


def test_two_runs_landing_the_same_payload_at_once_make_one_batch(tmp_path):
    """A sensor's run and the nightly may land the same dropped file at the same moment."""
    import threading

    zone = LandingZone(tmp_path)
    ready = threading.Barrier(4)
    results, errors = [], []

    def land_after_the_others_are_ready():
        try:
            with zone.open_batch("demo") as batch:
                batch.add_lines("objects.ndjson", iter([b'{"id":1}']))
                ready.wait()
                results.append(zone.commit(batch, payload_files=["objects.ndjson"], metadata={}))
        except Exception as exc:  # noqa: BLE001 - the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=land_after_the_others_are_ready) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({r.batch_id for r in results}) == 1 and sum(r.is_new for r in results) == 1
    assert len(zone.manifests("demo")) == 1
