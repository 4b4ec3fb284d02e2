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
