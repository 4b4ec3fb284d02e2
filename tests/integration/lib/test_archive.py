"""ZIPs from outside are refused within limits, on real archives made the way attackers and
broken transfers make them: a bomb, an encrypted entry, a damaged entry."""

import shutil
import zipfile

import pytest

from t82_pipeline.defs.opendata.coverage import land_download
from t82_pipeline.defs.sit.apidae_landing import land_export_zip
from t82_pipeline.lib.archive import ArchiveLimits, open_zip
from t82_pipeline.lib.http import SourceError
from t82_pipeline.lib.landing import LandingZone
from tests.conftest import FIXTURES

REAL_ZIP = FIXTURES / "apidae" / "hotentic_apidae-engine-rails__export_zip_5xFETE.zip"


def bomb(path, mib: int = 64):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open("objets_modifies/objets_modifies-1.json", "w") as entry:
            for _ in range(mib):
                entry.write(b" " * 2**20)
    return path


def test_a_zip_bomb_is_refused_before_it_is_read(tmp_path):
    path = bomb(tmp_path / "export-bomb.zip")
    assert path.stat().st_size < 2**20
    with pytest.raises(SourceError, match=r"compression ratio \d+:1 \(limit 200:1, a ZIP bomb\?\)"):
        land_export_zip(LandingZone(tmp_path / "landing"), path)


def test_limits_on_entries_and_sizes(tmp_path):
    with zipfile.ZipFile(tmp_path / "many.zip", "w") as z:
        for i in range(5):
            z.writestr(f"{i}.json", "{}")
    with pytest.raises(SourceError, match="5 entries"):
        open_zip(tmp_path / "many.zip", "test", ArchiveLimits(max_entries=4))
    with pytest.raises(SourceError, match="uncompressed"):
        open_zip(bomb(tmp_path / "big.zip", mib=3), "test", ArchiveLimits(max_entry_bytes=2**20, max_ratio=1e9))


def test_an_encrypted_entry_is_refused(tmp_path):
    path = tmp_path / "export-chiffre.zip"
    data = bytearray(REAL_ZIP.read_bytes())
    # What a password-protected archive declares: bit 0 of each entry's flags, in its local
    # header (offset 6) and in the central directory (offset 8).
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at != -1:
            data[at + offset] |= 0x1
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    with pytest.raises(SourceError, match="encrypted"):
        land_export_zip(LandingZone(tmp_path / "landing"), path)


def test_a_damaged_entry_is_a_source_error_naming_the_entry(tmp_path):
    path = tmp_path / "export-crc.zip"
    with zipfile.ZipFile(REAL_ZIP) as src, zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename), compress_type=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        target = z.getinfo("communes.json")
    data[target.header_offset + 30 + len(target.filename) + 5] ^= 0xFF  # one byte of the entry's content
    path.write_bytes(bytes(data))
    zone = LandingZone(tmp_path / "landing")
    with pytest.raises(SourceError, match=r"export-crc\.zip:communes\.json: (damaged archive entry|invalid JSON)"):
        land_export_zip(zone, path)
    assert zone.manifests("apidae") == []


def test_a_datatourisme_download_with_a_broken_index_is_a_source_error(tmp_path):
    path = tmp_path / "flux.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("index.json", '[{"file": "objects/0/1.json", "label"')
    with pytest.raises(SourceError, match=r"flux\.zip:index\.json: unreadable"):
        land_download(LandingZone(tmp_path / "landing"), path)


def test_a_real_export_still_opens(tmp_path):
    shutil.copy(REAL_ZIP, tmp_path / "export.zip")
    with open_zip(tmp_path / "export.zip", "apidae") as z:
        assert "communes.json" in z.namelist()
