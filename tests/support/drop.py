"""A file copied into a drop folder slowly, as a network share or a big upload writes it."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def copied_slowly(data: bytes, target: Path, steps: int = 10, pause_s: float = 0.1) -> Iterator[None]:
    """While the block runs, ``target`` grows a step every ``pause_s``; it is whole after."""
    size = len(data) // steps + 1

    def copy() -> None:
        with open(target, "wb") as out:
            for start in range(0, len(data), size):
                out.write(data[start : start + size])
                out.flush()
                time.sleep(pause_s)

    writer = threading.Thread(target=copy)
    writer.start()
    time.sleep(pause_s * 1.5)
    try:
        yield
    finally:
        writer.join()
