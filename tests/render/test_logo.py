"""Brand logos (issue 11 item 8): a file with PNG magic but no valid image is refused with the field named
in both formats (it crashed the DOCX layout and vanished from the PDF), and pixel dimensions are bounded
before anything is decoded (a 1.3 MB PNG of 13000x13000 pixels took 1.6 GB)."""
from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
import yaml

from correspondence.casefile import build_case
from correspondence.errors import InputError
from correspondence.render import compose_document, render_docx, render_pdf
from tests.casedata import example
from tests.textutil import docx_text


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png(width: int, height: int, idat: bytes | None = None) -> bytes:
    if idat is None:
        idat = zlib.compress(b"".join(b"\x00" + b"\x80" * 3 * width for _ in range(height)))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", idat) + _chunk(b"IEND", b""))


def jpeg(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 40, 80)).save(out, "JPEG")
    return out.getvalue()


BROKEN = {
    "magic-only.png": b"\x89PNG\r\n\x1a\n" + b"not an image at all" * 10,
    "bad-crc.png": png(8, 8)[:-20] + b"\x00" + png(8, 8)[-19:],
    "truncated.jpg": jpeg(64, 64)[:200],
    "png-named-jpeg.png": b"\x89PNG\r\n\x1a\n" + jpeg(8, 8),
}


def _case_with_logo(tmp_path: Path, name: str, data: bytes) -> dict:
    (tmp_path / name).write_bytes(data)
    return example("it", brand={"logo": name})


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_invalid_image_data_is_refused_naming_the_field(tmp_path: Path, name: str) -> None:
    case = build_case(_case_with_logo(tmp_path, name, BROKEN[name]))
    with pytest.raises(InputError) as err:
        compose_document(case, base_dir=tmp_path)  # shared by the PDF and DOCX layouts
    assert err.value.field == "brand.logo" and "not a valid" in err.value.reason


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_cli_exits_2_on_a_broken_logo_in_both_formats(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "case.yaml"
    data = _case_with_logo(tmp_path, "logo.png", BROKEN["magic-only.png"])
    path.write_text(yaml.safe_dump(json.loads(json.dumps(data, default=str)), allow_unicode=True))
    out = tmp_path / f"letter.{fmt}"
    proc = subprocess.run([sys.executable, "-m", "correspondence", "render", str(path), "--format", fmt,
                           "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert "brand.logo" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


@pytest.mark.parametrize("width,height", [(13000, 13000), (4001, 10), (10, 4001), (4000, 4001)])
def test_pixel_dimensions_are_bounded_before_decoding(tmp_path: Path, width: int, height: int) -> None:
    case = build_case(_case_with_logo(tmp_path, "big.png", png(width, height, idat=zlib.compress(b"\x00"))))
    with pytest.raises(InputError) as err:
        compose_document(case, base_dir=tmp_path)
    assert err.value.field == "brand.logo" and "4000x4000 and 16 megapixels" in err.value.reason


def test_valid_logos_reach_both_formats(tmp_path: Path) -> None:
    for name, data in (("logo.png", png(40, 20)), ("logo.jpg", jpeg(40, 20))):
        doc = compose_document(build_case(_case_with_logo(tmp_path, name, data)), base_dir=tmp_path)
        pdf = render_pdf(doc).data
        assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf
        docx = render_docx(doc)
        assert b"word/media/" in docx and "Bianchi" in docx_text(docx)
