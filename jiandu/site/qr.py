"""QR codes of records' permanent addresses, for print: the newspaper prints one beside the story.

segno encodes the address locally (no third-party request); the code is published as
`<record>/qr.svg` and the record page shows that same file, so the code on screen, on paper and
in the layout staff's hands is one and the same.

Every build makes one code per record, so the cost counts: segno's automatic choice of mask
pattern scores all eight masks in pure Python and takes about eight times as long as the
encoding itself. Any mask gives a valid code that every reader decodes, so the mask is fixed, and
the SVG is written directly from segno's module matrix as one path of horizontal runs.
"""

from __future__ import annotations

from html import escape

import segno

QUIET_ZONE = 4  # modules of white border that scanners need
SCALE = 4  # CSS pixels per module at the file's natural size
MASK = 2  # see above: a fixed, valid mask pattern
ERROR = "m"  # medium error correction: survives a smudge on newsprint


def qr_svg(url: str) -> bytes:
    """An SVG QR code of `url`: black modules on white, scalable, with the URL as its title."""
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
            f'viewBox="0 0 {size} {size}" shape-rendering="crispEdges"><title>{escape(url)}</title>'
            f'<path fill="#fff" d="M0 0h{size}v{size}h-{size}z"/>'
            f'<path stroke="#000" d="{"".join(runs)}"/></svg>\n').encode()


def render_qr(site, url: str) -> bytes:
    """DataFile producer: the QR code of one record's absolute URL."""
    return qr_svg(url)
