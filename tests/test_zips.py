"""The package zip writer writes what Python's zipfile writes for the same entries."""

import io
import zipfile

import pytest

from cashboxes import zips

ENTRIES = [
    ("README.md", "# Kasse 1\n\nÜberall gleich.\n".encode() * 40, zips.DEFLATED, 0o644),
    ("install.sh", b"#!/bin/sh\nset -eu\necho install\n", zips.DEFLATED, 0o755),
    ("MANIFEST.sig", bytes(range(64)), zips.STORED, 0o644),
    ("kasse-größe-1.zip", b"PK\x05\x06" + bytes(18), zips.STORED, 0o644),
    ("empty.txt", b"", zips.DEFLATED, 0o644),
]


def with_zipfile(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, method, mode in entries:
            info = zipfile.ZipInfo(name, date_time=zips.ZIP_TIME)
            info.create_system = 3
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_STORED if method == zips.STORED else zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


@pytest.mark.smoke
def test_the_bytes_are_those_zipfile_writes():
    assert zips.write(ENTRIES) == with_zipfile(ENTRIES)


@pytest.mark.smoke
def test_shared_entries_give_the_same_bytes_every_time():
    shared = ("install.sh", "README.md")

    assert zips.write(ENTRIES, shared) == zips.write(ENTRIES, shared) == zips.write(ENTRIES)


@pytest.mark.smoke
def test_zipfile_reads_back_every_entry_with_its_permissions():
    archive = zipfile.ZipFile(io.BytesIO(zips.write(ENTRIES)))

    assert archive.testzip() is None
    for name, data, method, mode in ENTRIES:
        info = archive.getinfo(name)
        assert archive.read(name) == data
        assert info.compress_type == method
        assert info.external_attr >> 16 == 0o100000 | mode
        assert info.date_time == zips.ZIP_TIME


def test_an_empty_archive_is_a_valid_zip():
    assert zipfile.ZipFile(io.BytesIO(zips.write([]))).namelist() == []
