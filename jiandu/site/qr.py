"""QR codes of records' permanent addresses, for print: the newspaper prints one beside the story.

Made locally with segno as SVG (no third-party request), published as `<record>/qr.svg` and shown
on the record page from that same file, so the code on screen, on paper and in the layout
staff's hands is one and the same.
"""

from __future__ import annotations

import io

import segno

QR_NAME = "qr.svg"
QUIET_ZONE = 4  # modules of white border that scanners need
SCALE = 4  # CSS pixels per module


def qr_svg(url: str) -> bytes:
    """An SVG QR code of `url`: black on white, medium error correction, scalable."""
    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=SCALE, border=QUIET_ZONE, dark="#000", light="#fff",
              xmldecl=True, svgclass=None, lineclass=None, title=url)
    size = code.symbol_size(scale=SCALE, border=QUIET_ZONE)[0]
    # A viewBox as well as the size, so that print layouts scale it without blurring.
    sized = b'height="%d">' % size
    return out.getvalue().replace(sized, sized[:-1] + b' viewBox="0 0 %d %d">' % (size, size), 1)


def qr_size(url: str) -> int:
    """Width and height of `qr_svg(url)` in CSS pixels."""
    return segno.make(url, error="m", micro=False).symbol_size(scale=SCALE, border=QUIET_ZONE)[0]


def render_qr(site, idx, url: str) -> bytes:
    """DataFile producer: the QR code of one record's absolute URL."""
    return qr_svg(url)
