"""Test helpers for workbook files and rendered pages.

* :func:`strip_cached_results` copies a workbook without any formula's saved
  result, so that whatever reads it (LibreOffice) has to recalculate;
* :func:`read_png` decodes the PNG pages pdftoppm writes (zlib only, no Pillow),
  so a test can check a rendered page is not blank.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# A formula (plain, shared or with attributes) followed by its saved value.
_CACHED_RESULT = re.compile(rb"(<f>[^<]*</f>|<f [^>]*/>|<f [^>]*>[^<]*</f>)<v>[^<]*</v>")


def strip_cached_results(source: Path, target: Path) -> Path:
    """Copy ``source`` without any formula's stored result, so a reader has to recalculate."""
    with zipfile.ZipFile(source) as inp, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in inp.infolist():
            data = inp.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = _CACHED_RESULT.sub(rb"\1", data)
            out.writestr(item, data)
    return target


@dataclass(frozen=True)
class Png:
    width: int
    height: int
    pixels: list[tuple[int, int, int]]  # RGB, row by row

    def count(self, near: tuple[int, int, int], tolerance: int = 40) -> int:
        """Pixels within ``tolerance`` of colour ``near`` on every channel."""
        return sum(
            1 for pixel in self.pixels
            if all(abs(a - b) <= tolerance for a, b in zip(pixel, near, strict=True))
        )

    def ink(self, threshold: int = 235) -> int:
        """Pixels that are not (almost) white."""
        return sum(1 for pixel in self.pixels if min(pixel) < threshold)


def read_png(path: Path) -> Png:
    """Decode an 8-bit, non-interlaced grey/RGB/RGBA PNG (what pdftoppm writes), without Pillow."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, chunks, header = 8, [], b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (0, 2, 6) and interlace == 0, "unsupported PNG"
    channels = {0: 1, 2: 3, 6: 4}[colour]
    pixels: list[tuple[int, int, int]] = []
    for row in _unfilter(zlib.decompress(b"".join(chunks)), width * channels, height, channels):
        for x in range(0, len(row), channels):
            grey_or_rgb = row[x:x + channels]
            pixels.append((grey_or_rgb[0],) * 3 if channels == 1 else
                          (grey_or_rgb[0], grey_or_rgb[1], grey_or_rgb[2]))
    return Png(width, height, pixels)


def png_ink(path: Path, threshold: int = 240) -> tuple[int, int, int]:
    """(width, height, pixels darker than ``threshold``) of a PNG page."""
    png = read_png(path)
    return png.width, png.height, png.ink(threshold)


def _unfilter(raw: bytes, stride: int, height: int, bpp: int) -> Iterator[bytes]:
    previous = bytearray(stride)
    position = 0
    for _ in range(height):
        kind = raw[position]
        line = bytearray(raw[position + 1:position + 1 + stride])
        position += stride + 1
        for x in range(stride):
            left = line[x - bpp] if x >= bpp else 0
            up = previous[x]
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                corner = previous[x - bpp] if x >= bpp else 0
                guess = left + up - corner
                pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - corner)
                best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[x] = (line[x] + best) & 0xFF
        previous = line
        yield bytes(line)
