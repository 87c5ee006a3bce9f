"""The renderer reads nothing but the packaged assets, whatever the case data says."""
from __future__ import annotations

import http.server
import threading

import pytest

from correspondence.casefile import build_case
from correspondence.errors import InputError
from correspondence.render import compose_document, render_pdf
from correspondence.render.assets import AssetFetcher
from tests.casedata import example
from tests.textutil import pdf_flat


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture()
def http_server():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.hits = []
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_fetcher_refuses_local_files_and_network(http_server):
    fetcher = AssetFetcher()
    for url in ("file:///etc/passwd", "file:///etc/hostname", f"{http_server}/logo.png",
                "https://example.org/x.png", "data:text/html;base64,PGI+", "ftp://example.org/x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert _Recorder.hits == []
    # the packaged fonts are allowed
    from correspondence.packaged import shared_dir

    font = (shared_dir() / "fonts" / "LiberationSerif-Regular.ttf").as_uri()
    assert fetcher.fetch(font).read(4) == b"\x00\x01\x00\x00"


def test_urls_in_case_data_are_printed_not_fetched(http_server):
    passwd_line = open("/etc/passwd").readline().strip()
    name = f'<img src="file:///etc/passwd"> url({http_server}/x.png) <link href="file:///etc/passwd">'
    data = example("it", debtor__name=name)
    data["brand"] = {"footer": f"@import url({http_server}/evil.css); file:///etc/passwd"}
    pdf = render_pdf(compose_document(build_case(data))).data
    text = pdf_flat(pdf)
    assert "file:///etc/passwd" in text  # printed as text
    assert passwd_line not in text
    assert _Recorder.hits == []


@pytest.mark.parametrize("logo", ["file:///etc/passwd", "/etc/passwd", "http://127.0.0.1:9/logo.png",
                                  "data:image/png;base64,AAAA", "../../../../etc/passwd"])
def test_brand_logo_must_be_a_local_image(logo, tmp_path):
    data = example("it")
    data["brand"] = {"logo": logo}
    with pytest.raises(InputError) as err:
        compose_document(build_case(data), base_dir=tmp_path)
    assert err.value.field == "brand.logo"


def test_brand_logo_png_is_embedded(tmp_path):
    import struct
    import zlib

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))
    (tmp_path / "logo.png").write_bytes(png)
    data = example("it")
    data["brand"] = {"logo": "logo.png", "primary_color": "#7A1F1F"}
    pdf = render_pdf(compose_document(build_case(data), base_dir=tmp_path)).data
    assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf
