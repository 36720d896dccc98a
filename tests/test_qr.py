"""QR codes for print: the published /<record>/qr.svg, rendered by Chromium and decoded with
zxing-cpp, holds the record's permanent address; the page shows that same file, also in print."""

from __future__ import annotations

import base64
import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.commands.build import read_pelican_settings
from jiandu.core.settings import jiandu_settings
from jiandu.site.qr import qr_svg
from tests.support.project import CONF

RECORDS = ["column/2016-014/", "inquiry/2016-03/"]

# Draw an image (by URL, or an <img> of the page) on a canvas at a scale, and return its pixels
# as grey levels, base64-encoded: what a camera would see, without any PNG decoder in Python.
PIXELS = """async ([src, scale]) => {
  const img = new Image();
  img.src = src;
  await img.decode();
  const w = img.naturalWidth * scale, h = img.naturalHeight * scale;
  const canvas = document.createElement("canvas");
  canvas.width = w; canvas.height = h;
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, w, h);
  ctx.drawImage(img, 0, 0, w, h);
  const rgba = ctx.getImageData(0, 0, w, h).data;
  const grey = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) grey[i] = (rgba[4 * i] * 299 + rgba[4 * i + 1] * 587 + rgba[4 * i + 2] * 114) / 1000;
  let text = "";
  for (let i = 0; i < grey.length; i += 0x8000) text += String.fromCharCode.apply(null, grey.subarray(i, i + 0x8000));
  return [w, h, btoa(text)];
}"""


def decode(page, src: str, scale: int = 2) -> list[str]:
    import zxingcpp

    width, height, data = page.evaluate(PIXELS, [src, scale])
    image = memoryview(base64.b64decode(data)).cast("B", (height, width))
    return [code.text for code in zxingcpp.read_barcodes(image)]


@pytest.fixture(scope="module")
def public_url() -> str:
    return jiandu_settings(read_pelican_settings(CONF)).public_url


@pytest.mark.parametrize("record", RECORDS)
def test_published_qr_code_decodes_to_the_permanent_url(page, site_url, record, public_url):
    page.goto(site_url + record)
    expected = f"{public_url}/{record}"
    assert decode(page, site_url + record + "qr.svg") == [expected]
    # The page shows the published file, and says the address in words too.
    img = page.locator(".jd-qr__code")
    assert img.evaluate("i => i.src") == site_url + record + "qr.svg"
    assert page.locator(".jd-qr__url").inner_text() == expected
    assert page.locator("meta[name=Url]").get_attribute("content") == expected


def test_qr_code_is_printed_beside_the_story(page, site_url, screenshots):
    page.goto(site_url + RECORDS[0])
    page.emulate_media(media="print")
    code = page.locator(".jd-qr__code")
    assert code.is_visible() and page.locator(".jd-qr__url").is_visible()
    box = code.bounding_box()
    assert box["width"] >= 100 and box["width"] == box["height"]  # 3 cm at 96 px per inch
    page.pdf(path=str(screenshots / "entry-print.pdf"))
    page.screenshot(path=str(screenshots / "entry-print-qr.png"), full_page=True)


def test_qr_code_makes_no_third_party_request(page, site_url):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(site_url + RECORDS[1])
    page.wait_for_load_state("networkidle")
    assert site_url + RECORDS[1] + "qr.svg" in requests
    assert all(u.startswith(site_url) for u in requests), requests


# ---- the fast encoder against segno ------------------------------------------------------------

def reference_svg(url: str) -> bytes:
    """The code as segno makes it, written run by run in plain Python: what qr_svg wrote before
    it placed data bits into a per-version template itself."""
    import segno

    from jiandu.site.qr import ERROR, MASK, QUIET_ZONE, SCALE

    code = segno.make(url, error=ERROR, micro=False, boost_error=False, mask=MASK)
    size = len(code.matrix) + 2 * QUIET_ZONE
    runs = []
    for y, row in enumerate(code.matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start + QUIET_ZONE} {y + QUIET_ZONE}.5h{x - start}")
            else:
                x += 1
    return (f'<?xml version="1.0" encoding="utf-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{size * SCALE}" height="{size * SCALE}" '
            f'viewBox="0 0 {size} {size}" shape-rendering="crispEdges"><title>{html.escape(url)}</title>'
            f'<path fill="#fff" d="M0 0h{size}v{size}h-{size}z"/>'
            f'<path stroke="#000" d="{"".join(runs)}"/></svg>\n').encode()


@pytest.mark.parametrize("url", [
    "https://jiandu.example.gov.cn/column/2016-014/",
    "https://jiandu.example.gov.cn/inquiry/2016-03/",
    "HTTPS://JIANDU.EXAMPLE.GOV.CN/",  # alphanumeric mode: segno's own way
    "12345",  # numeric mode
    "https://例子.中国/记录/",  # not ASCII
    "a",
    "x" * 2331,  # the most bytes version 40 holds at level M
])
def test_qr_svg_is_segnos_code(url):
    assert qr_svg(url) == reference_svg(url)


def test_every_version_matches_segno():
    from jiandu.site.qr import _version

    lengths = sorted({n for n in range(1, 2332) if _version(n) != _version(n - 1) or
                      _version(n) != _version(n + 1)})  # the first and last length of each version
    assert {_version(n) for n in lengths} == set(range(1, 41))
    for n in lengths:
        url = ("https://x.cn/a?b=" + "q" * n)[:n]  # n bytes
        assert qr_svg(url) == reference_svg(url), n


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=300))
def test_qr_svg_is_segnos_code_for_any_ascii(url):
    assert qr_svg(url) == reference_svg(url)


def test_too_long_is_segnos_error():
    import segno

    with pytest.raises(segno.DataOverflowError):
        qr_svg("x" * 2332)
