#!/usr/bin/env python3
"""Writes the small generated seeds of the fuzz targets (scripts/fuzz): what ../shared has no
example of. Usage: fuzz_seeds.py TARGET FOLDER.

- png: one tiny image per PNG colour type and bit depth, some interlaced, some with tRNS, since
  the decoder converts each kind differently (Pillow's rules) and ../shared's PNGs are all 8-bit RGB(A).
- crop-manifest, metadata-json: rows in the documented schemas, and near misses.
- upload: multipart/form-data bodies as browsers and curl send them, prefixed by the harness's
  shape byte (64-byte chunks, multipart), and one raw body.
"""
import json
import struct
import sys
import zlib
from pathlib import Path


def png(width, height, color_type, depth, interlace=0, trns=None, palette=None):
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    # Adam7's seven passes, each a smaller image; a plain image is one pass.
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)] \
        if interlace else [(0, 0, 1, 1)]
    raw = b""
    for x0, y0, dx, dy in passes:
        w, h = -(-(width - x0) // dx), -(-(height - y0) // dy)
        if w > 0 and h > 0:
            row_bytes = (w * channels * depth + 7) // 8
            raw += b"".join(b"\x00" + bytes((r * 37 + c * 11) & 0xFF for c in range(row_bytes)) for r in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, interlace))
    if palette is not None:
        out += chunk(b"PLTE", palette)
    if trns is not None:
        out += chunk(b"tRNS", trns)
    return out + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def png_seeds():
    palette = bytes(range(48))
    seeds = {}
    for depth in (1, 2, 4, 8, 16):
        seeds[f"gray{depth}"] = png(5, 3, 0, depth)
    seeds["gray8-trns"] = png(5, 3, 0, 8, trns=b"\x00\x10")
    for depth in (8, 16):
        seeds[f"rgb{depth}"] = png(5, 3, 2, depth)
        seeds[f"gray-alpha{depth}"] = png(5, 3, 4, depth)
        seeds[f"rgba{depth}"] = png(5, 3, 6, depth)
    seeds["rgb8-trns"] = png(5, 3, 2, 8, trns=b"\x00\x10\x00\x20\x00\x30")
    for depth in (1, 2, 4, 8):
        seeds[f"palette{depth}"] = png(5, 3, 3, depth, palette=palette)
    seeds["palette8-trns"] = png(5, 3, 3, 8, palette=palette, trns=b"\x00\x80\xff")
    seeds["rgb8-interlaced"] = png(9, 9, 2, 8, interlace=1)
    seeds["rgba16-interlaced"] = png(9, 9, 6, 16, interlace=1)
    return seeds


def manifest_row(**changes):
    row = {"crop": "v1/frame000000_track0.png", "source": "/videos/v1.mp4", "video_id": "v1", "frame": 0,
           "time_s": 0.0, "track": 0, "box": [10, 20, 128, 128], "label": "fake", "split": "train"}
    row.update(changes)
    return json.dumps(row)


def manifest_seeds():
    return {
        "rows": "\n".join([manifest_row(), manifest_row(frame=30, time_s=1.0, label="real", split="val"),
                           manifest_row(crop="/abs/crop.png", label=None, split=None)]) + "\n",
        "cut-off": manifest_row() + "\n" + manifest_row(frame=1)[:40],
        "bad-box": manifest_row(box=[1, 2, 3]) + "\n",
        "bad-label": manifest_row(label="maybe", split="holdout") + "\n",
        "huge-numbers": manifest_row(frame=2**63 - 1, time_s=1e308, track=-1, box=[-2**62, 0, 2**62, 1]) + "\n",
    }


def metadata_seeds():
    return {
        "dfdc": json.dumps({"a.mp4": {"label": "FAKE", "split": "train", "original": "b.mp4"},
                            "b.mp4": {"label": "REAL", "split": "train"}}),
        "writeup": json.dumps({"x/1.mp4": {"label": 1, "split": "test", "original": None},
                               "x/2.jpg": {"label": 0, "split": "val"}}),
        "bad-label": json.dumps({"a.mp4": {"label": 2}, "b.mp4": {"label": "UNKNOWN", "split": "dev"}}),
        "odd-names": json.dumps({"": {"label": 1}, "../../etc/passwd": {"label": "real"}, ".mp4": {"label": 0}}),
        "not-an-object": "[1, 2, 3]",
    }


def form(*parts, boundary="fuzz"):
    body = b""
    for headers, content in parts:
        body += f"--{boundary}\r\n".encode() + b"".join(h.encode() + b"\r\n" for h in headers) + b"\r\n" + content + b"\r\n"
    return body + f"--{boundary}--\r\n".encode()


def upload_seeds():
    multipart_64 = bytes([6])  # chunks of 2^6 bytes, multipart
    raw_16 = bytes([0x80 | 4])  # chunks of 2^4 bytes, raw body
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(64))
    file_part = (['Content-Disposition: form-data; name="file"; filename="face.jpg"', "Content-Type: image/jpeg"], jpeg)
    return {
        "curl": multipart_64 + form(file_part),
        "field-then-file": multipart_64 + form((['Content-Disposition: form-data; name="threshold"'], b"0.5"), file_part),
        "name-file-only": multipart_64 + form((['Content-Disposition: form-data; name=file'], jpeg)),
        "path-in-filename": multipart_64 + form(
            (['content-disposition: form-data; name="upload"; filename="C:\\\\a\\\\b/..\\\\x.mp4"'], b"\x00\x00\x00\x20ftypisom")),
        "cut-off": multipart_64 + form(file_part)[:120],
        "no-file": multipart_64 + form((['Content-Disposition: form-data; name="note"'], b"hello")),
        "raw": raw_16 + jpeg,
    }


def main():
    target, folder = sys.argv[1], Path(sys.argv[2])
    seeds = {"png": png_seeds, "crop-manifest": manifest_seeds, "metadata-json": metadata_seeds,
             "upload": upload_seeds}.get(target, dict)()
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in seeds.items():
        (folder / f"generated-{name}").write_bytes(content if isinstance(content, bytes) else content.encode())


if __name__ == "__main__":
    main()
