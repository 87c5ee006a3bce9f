"""Visual regression: page images per document kind and language, the envelope window, the signature area.

Reference images are 50 dpi grayscale PNGs in tests/render/pages/ (regenerate with
`python -m tests.render.visual` after an intended layout change, and look at them before committing).
"""
from __future__ import annotations

import logging

import pytest
from PIL import Image, ImageChops, ImageStat

from correspondence.model.jurisdiction import rules_for
from tests.render.visual import DOCUMENTS, DPI, MM, WINDOWS, image_pages, page_image, reference_path, render

PAGE_TOLERANCE = 2.0     # mean absolute grey-level difference over a page (0-255)
REGION_TOLERANCE = 4.0   # the same over the window and the signature area


def _crop_mm(image: Image.Image, box_mm: tuple[float, float, float, float]) -> Image.Image:
    scale = DPI / 25.4
    return image.crop(tuple(round(v * scale) for v in box_mm))


def _difference(a: Image.Image, b: Image.Image) -> float:
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]


def _top_mm(box, page_height_pt: float = 841.89) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = box
    return x1 / MM, (page_height_pt - y2) / MM, x2 / MM, (page_height_pt - y1) / MM


@pytest.mark.parametrize("language,kind", DOCUMENTS)
def test_page_images_match_the_references(language, kind):
    rendered = render(language, kind)
    window = WINDOWS[rules_for(language.upper()).window]
    for index in image_pages(rendered):
        reference = Image.open(reference_path(language, kind, index)).convert("L")
        actual = page_image(rendered.data, index)
        assert actual.size == reference.size
        assert _difference(actual, reference) <= PAGE_TOLERANCE, f"page {index + 1} differs from its reference"
        if index == 0 and kind != "uncollectability_report":
            assert _difference(_crop_mm(actual, window), _crop_mm(reference, window)) <= REGION_TOLERANCE
        if rendered.signature_box is not None and rendered.signature_box.page == index:
            area = _top_mm(rendered.signature_box.box)
            assert _difference(_crop_mm(actual, area), _crop_mm(reference, area)) <= REGION_TOLERANCE


@pytest.mark.parametrize("language,kind", [d for d in DOCUMENTS if d[1] != "uncollectability_report"])
def test_address_block_sits_in_the_envelope_window(language, kind):
    rendered = render(language, kind)
    side = rules_for(language.upper()).window
    wx1, wy1, wx2, wy2 = WINDOWS[side]
    recipient = rendered.boxes["recipient"]
    assert recipient.page == 0
    x1, y1, x2, y2 = _top_mm(recipient.box)
    assert wx1 <= x1 and x2 <= wx2 and wy1 <= y1 and y2 <= wy2, ((x1, y1, x2, y2), side, WINDOWS[side])
    # something is printed inside the window, nothing of the address outside it on the other side
    image = page_image(rendered.data, 0)
    assert ImageStat.Stat(_crop_mm(image, (x1, y1, x2, y2))).mean[0] < 250
    free = (25.0, y1, wx1 - 5, y2) if side == "right" else (wx2 + 5, y1, 190.0, y2)  # the other side
    assert ImageStat.Stat(_crop_mm(image, free)).mean[0] > 254


@pytest.mark.parametrize("language,kind", DOCUMENTS)
def test_signature_area_is_blank_room_under_the_signatory(language, kind):
    rendered = render(language, kind)
    box = rendered.signature_box
    assert box is not None
    x1, y1, x2, y2 = _top_mm(box.box)
    assert 90 <= x1 < x2 <= 190 and 14 <= y2 - y1 <= 18 and y2 <= 297 - 16  # right column, above the footer
    image = page_image(rendered.data, box.page)
    assert ImageStat.Stat(_crop_mm(image, (x1, y1, x2, y2))).mean[0] > 254  # empty: the stamp goes here


def test_weasyprint_warnings_fail_render_tests(no_weasyprint_warnings):
    logging.getLogger("weasyprint").warning("Ignored `colour: red` at 1:1, unknown property.")
    assert no_weasyprint_warnings.records
    no_weasyprint_warnings.records.clear()  # the fixture itself would fail this test otherwise
