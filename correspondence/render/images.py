"""Checks on a brand logo before any layout embeds it: real PNG/JPEG data, bounded pixel dimensions.

Pillow reads only the header when it opens an image, so the dimensions are checked before any pixel is
decoded: a 1.3 MB PNG can declare 13000x13000 pixels and need gigabytes once decoded. Within the bounds
the image is then decoded once, so a file with PNG magic but damaged data is refused here, with the field
named, instead of crashing the DOCX layout or vanishing from the PDF.
"""
from __future__ import annotations

import io
import warnings

from ..errors import InputError

MAX_SIDE = 4000  # pixels per side
MAX_PIXELS = 16_000_000
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


def check_image(data: bytes, media_type: str, *, field: str = "brand.logo") -> None:
    """Refuse anything that is not a decodable PNG/JPEG of at most 4000x4000 pixels and 16 Mpx."""
    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:  # header only
                width, height = image.size
                if FORMATS.get(image.format or "") != media_type:
                    raise InputError(field, f"not a valid {media_type.split('/')[1].upper()} image")
                if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    raise InputError(field, f"image is {width}x{height} pixels; the limit is {MAX_SIDE}x{MAX_SIDE} "
                                            f"and {MAX_PIXELS // 1_000_000} megapixels")
                image.verify()  # chunk checksums (PNG)
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
                image.load()  # decode once, within the bounds just checked
        except InputError:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):  # Pillow's own, larger bound
            raise InputError(field, f"image has more pixels than the limit of {MAX_SIDE}x{MAX_SIDE} and "
                                    f"{MAX_PIXELS // 1_000_000} megapixels") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise InputError(field, f"not a valid image ({exc})") from None
