"""Deterministic zip archives, written by hand so that the files every package shares are
compressed once.

The bytes are those Python's zipfile writes for the same entries (`ZipInfo(name,
date_time=ZIP_TIME)`, Unix permissions, one `writestr` each, to a seekable buffer): local header,
data, central directory, end record; no extra fields, comments or data descriptors. zipfile
cannot take data that is compressed already, and compressing is most of a package's time: a
deflate stream costs about as much to set up as to fill for files of a few KiB, and the
install, test and uninstall scripts are the same in every package of a platform
(bench/build_packages.py). tests/test_packages.py reads every archive back with zipfile.
"""

import struct
import zlib
from functools import lru_cache

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
_DOS_TIME = (ZIP_TIME[3] << 11) | (ZIP_TIME[4] << 5) | (ZIP_TIME[5] // 2)
_DOS_DATE = ((ZIP_TIME[0] - 1980) << 9) | (ZIP_TIME[1] << 5) | ZIP_TIME[2]
STORED, DEFLATED = 0, 8
_VERSION = 20  # zip 2.0 (deflate): the version needed to extract, and the one that made it
_UNIX = 3  # made on Unix: the external attributes are Unix permissions
_UTF8 = 0x800  # flag: the name is UTF-8
_LIMIT = 0xFFFFFFFF  # beyond this, zip64 would be needed; a package is a few KiB


def _deflate(data):
    # Raw deflate at zlib's default level: what zipfile's ZIP_DEFLATED writes.
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


@lru_cache(maxsize=32)
def _deflate_shared(data):
    """The deflated bytes of a file many archives hold (bytes cache their hash, so a hit is cheap)."""
    return _deflate(data)


def write(entries, shared=()):
    """The zip of entries, a list of (name, bytes, method, mode) in the order to write them.

    method: STORED or DEFLATED; mode: Unix permissions such as 0o644. `shared`: names whose
    content many archives hold; their compressed form is kept per process.
    """
    out, directory = [], []
    offset = 0
    for name, data, method, mode in entries:
        encoded = name.encode("utf-8")
        flags = 0 if encoded.isascii() else _UTF8
        crc = zlib.crc32(data)
        if method == DEFLATED:
            body = _deflate_shared(data) if name in shared else _deflate(data)
        else:
            body = data
        if max(len(data), len(body), offset) > _LIMIT:
            raise ValueError("A package beyond 4 GiB needs zip64, which this writer does not write.")
        sizes = (crc, len(body), len(data), len(encoded))
        header = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", _VERSION, 0, flags, method, _DOS_TIME, _DOS_DATE, *sizes, 0)
        out += (header, encoded, body)
        directory.append(
            struct.pack(
                "<4s4B4HL2L5H2L",
                b"PK\x01\x02",
                _VERSION,
                _UNIX,
                _VERSION,
                0,
                flags,
                method,
                _DOS_TIME,
                _DOS_DATE,
                *sizes,
                0,  # extra
                0,  # comment
                0,  # disk
                0,  # internal attributes
                (0o100000 | mode) << 16,  # a regular file with these permissions
                offset,
            )
            + encoded
        )
        offset += len(header) + len(encoded) + len(body)
    central = b"".join(directory)
    count = len(directory)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), offset, 0)
    return b"".join(out) + central + end
