"""The locked-down URL fetcher: WeasyPrint may read the packaged assets and embedded images, nothing else.

Whatever a case contains (a `file:///etc/passwd` in a name, an http URL in a brand field), the renderer
cannot open local files outside `templates/shared` or reach the network.
"""
from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..packaged import shared_dir

#: images and brand fonts the library checked itself and embedded (SVG sanitised, fonts parsed)
ALLOWED_DATA_TYPES = ("data:image/png;", "data:image/jpeg;", "data:image/svg+xml;", "data:font/ttf;",
                      "data:font/otf;", "data:font/woff2;")


class AssetFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no type information: URLFetcher is Any
    """Serve `file:` URLs inside the shared assets folder and image/font `data:` URIs; refuse the rest."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=False)
        self._root = shared_dir().resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            if url.startswith(ALLOWED_DATA_TYPES):
                return super().fetch(url, headers)
            return self._refuse(url)
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return self._refuse(url)
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self._root) or not path.is_file():
            return self._refuse(url)
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": media_type})

    def _refuse(self, url: str) -> URLFetcherResponse:
        self.refused.append(url[:200])
        raise ValueError(f"resource not allowed: {url[:80]}")
