"""The peer: dlt loading the same Apidae NDJSON into DuckDB, with its defaults (schema inferred,
nested objects normalised into child tables), as a data engineer would set it up.

Runs in its own virtualenv (benchmarks/.venv-dlt, made by run.py): dlt is not a dependency of t82.

    benchmarks/.venv-dlt/bin/python benchmarks/dlt_peer.py OBJECTS_NDJSON WORK_DIR
"""

import json
import shutil
import sys
import time
from pathlib import Path

import dlt


def main(objects: Path, work: Path) -> None:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    @dlt.resource(name="objects", write_disposition="replace")
    def apidae_objects():
        with objects.open(encoding="utf-8") as lines:
            for line in lines:
                yield json.loads(line)

    started = time.perf_counter()  # work alone, as benchmarks/stages.py times ours
    pipeline = dlt.pipeline(
        pipeline_name="apidae_peer",
        pipelines_dir=str(work / "pipelines"),
        destination=dlt.destinations.duckdb(str(work / "peer.duckdb")),
        dataset_name="apidae",
    )
    info = pipeline.run(apidae_objects())
    info.raise_on_failed_jobs()
    with pipeline.sql_client() as client:
        loaded = client.execute_sql("select count(*) from objects")[0][0]
    print(json.dumps({"loaded_objects": loaded, "work_seconds": round(time.perf_counter() - started, 3)}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
