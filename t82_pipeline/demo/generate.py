"""``python -m t82_pipeline.demo.generate``: writes the embedded default's sample data once."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from t82_pipeline.demo.datatourisme_generator import generate_download
from t82_pipeline.demo.fairguest_generator import generate_fairguest
from t82_pipeline.demo.fluxvision_generator import generate_fluxvision
from t82_pipeline.demo.nurtik_generator import generate_nurtik
from t82_pipeline.demo.sit_generator import REFERENCE_DATE, differential_changes, generate_objects, write_export_zip
from t82_pipeline.demo.tif_generator import generate_tif_xml
from t82_pipeline.lib.settings import get_settings

DONE = ".complete"


def generate_sit(
    samples_dir: Path,
    export_drop: Path,
    tif_drop: Path,
    scale: float = 1.0,
    datatourisme_drop: Path | None = None,
    fairguest_drop: Path | None = None,
) -> dict:
    objects = generate_objects(scale)
    api_dir = samples_dir / "apidae"
    api_dir.mkdir(parents=True, exist_ok=True)
    with open(api_dir / "objects.ndjson", "w", encoding="utf-8") as out:
        for obj in objects:
            out.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")
    changed, deleted = differential_changes(objects)
    write_export_zip(export_drop / "export-0001.zip", changed, deleted, full=False)
    generate_tif_xml(tif_drop / "constellation-export.xml", objects, count=max(20, round(400 * scale)))
    coverage = generate_download(datatourisme_drop / "flux-82.zip", objects) if datatourisme_drop else {}
    reviews = (
        generate_fairguest(samples_dir / "fairguest", fairguest_drop, objects, count=max(40, round(400 * scale)))
        if fairguest_drop
        else {}
    )
    return {
        "apidae_objects": len(objects),
        "export_changed": len(changed),
        "export_deleted": len(deleted),
        **coverage,
        **reviews,
    }


def ensure_samples(scale: float = 1.0, force: bool = False) -> dict | None:
    """Generates once; later calls reuse the files (the generator is deterministic)."""
    s = get_settings()
    marker = s.samples_dir / DONE
    if marker.exists() and not force:
        return None
    stats = generate_sit(
        s.samples_dir, s.apidae_export_drop_dir, s.tif_drop_dir, scale, s.datatourisme_drop_dir, s.fairguest_drop_dir
    )
    stats |= generate_fluxvision(s.fluxvision_drop_dir, REFERENCE_DATE)
    stats |= generate_nurtik(s.samples_dir / "nurtik", s.nurtik_drop_dir, count=round(20_000 * scale))
    marker.write_text(json.dumps(stats), encoding="utf-8")
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1 = the département, 13 = a region")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    print(ensure_samples(args.scale, args.force) or "samples already generated")


if __name__ == "__main__":
    main()
