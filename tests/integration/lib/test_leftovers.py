"""What a kill -9 leaves behind is removed by the next run, and only that: a real child process
is killed in the middle of a landing batch."""

import os
import signal
import subprocess
import sys
import time

from t82_pipeline.lib.landing import LandingZone
from t82_pipeline.lib.leftovers import owned_name, remove_leftovers

CHILD = """
import sys, time
from pathlib import Path
from t82_pipeline.lib.landing import LandingZone
with LandingZone(Path(sys.argv[1])).open_batch("nurtik_contacts") as batch:
    batch.add_bytes("contacts.ndjson", b'{"email": "alice.crash@exemple.fr"}')
    print("writing", flush=True)
    time.sleep(60)
"""


def test_a_batch_killed_mid_write_is_removed_by_the_next_batch(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "writing"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    source = tmp_path / "nurtik_contacts"
    [leftover] = list(source.glob(".tmp-*"))
    assert b"alice.crash@" in (leftover / "contacts.ndjson").read_bytes()
    zone = LandingZone(tmp_path)
    with zone.open_batch("nurtik_contacts") as batch:
        assert [p for p in source.glob(".tmp-*") if p != batch.tmp_dir] == []
    assert list(source.iterdir()) == []


def test_a_live_process_keeps_its_folder(tmp_path):
    mine = tmp_path / owned_name(".tmp-")
    mine.mkdir()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        theirs = tmp_path / f".tmp-{sleeper.pid}-{'ab' * 16}"
        theirs.mkdir()
        old_style = tmp_path / ".tmp-0123456789abcdef"
        old_style.mkdir()
        assert remove_leftovers(tmp_path, ".tmp-") == []  # ours, a live process's, and a recent unnamed one
        os.utime(old_style, (time.time() - 7 * 3600,) * 2)
        assert remove_leftovers(tmp_path, ".tmp-") == [old_style]
    finally:
        sleeper.kill()
        sleeper.wait()
    assert remove_leftovers(tmp_path, ".tmp-") == [theirs]
    assert mine.exists()


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_crashed_feed_publish_is_cleaned_by_the_next(tmp_path):
    from t82_pipeline.defs.opendata.feed import Feed, publish

    root = tmp_path / "feed"
    root.mkdir()
    half = root / f".tmp-feed-{dead_pid()}-{'cd' * 16}"
    (half / "objects").mkdir(parents=True)
    dangling = root / f".current-{dead_pid()}-{'ef' * 16}"
    dangling.symlink_to("nowhere")
    target = publish(Feed(), root, "v1")
    assert not half.exists() and not dangling.is_symlink()
    assert (root / "current").resolve() == target.resolve()


def test_erasure_removes_a_crashed_batch_holding_the_person(tmp_path):
    from t82_pipeline.defs.nurtik.landing import CONTACTS, rewrite_without
    from t82_pipeline.lib.pseudonym import contact_key

    zone = LandingZone(tmp_path)
    half = tmp_path / CONTACTS / f".tmp-{dead_pid()}-{'ab' * 16}"
    half.mkdir(parents=True)
    (half / "contacts.ndjson").write_text('{"email": "alice.crash@exemple.fr"}\n')
    rewrite_without(zone, {contact_key("alice.crash@exemple.fr", "s")}, "erasure", "s")
    assert not half.exists()


def test_a_segment_export_swap_cut_midway_is_restored(tmp_path):
    import dagster as dg
    import pytest

    from t82_pipeline.defs.nurtik.resources import SegmentExportTarget
    from t82_pipeline.defs.nurtik.segments import nurtik_segment_exports

    root = tmp_path / "segments"
    old = tmp_path / ".segments.old"  # the crash happened between the two renames
    old.mkdir()
    (old / "velo.csv").write_text("email;prenom;nom\na@exemple.fr;A;B\n")

    class WarehouseBusy:
        def get_connection(self):
            raise RuntimeError("the warehouse is locked")

    with pytest.raises(RuntimeError):
        nurtik_segment_exports(dg.build_asset_context(), WarehouseBusy(), SegmentExportTarget(folder=str(root)))
    # Even when this run fails, the last complete export is back in place for the e-mailing tool.
    assert (root / "velo.csv").read_text().startswith("email;prenom;nom\na@exemple.fr")
