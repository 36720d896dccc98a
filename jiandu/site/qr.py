"""QR codes of records' permanent addresses, for print: the newspaper prints one beside the story.

segno encodes the address locally (no third-party request); the code is published as
`<record>/qr.svg` and the record page shows that same file, so the code on screen, on paper and
in the layout staff's hands is one and the same.

Every build makes one code per record, so the cost counts: segno's automatic choice of mask
pattern scores all eight masks in pure Python and takes about eight times as long as the
encoding itself. Any mask gives a valid code that every reader decodes, so the mask is fixed, and
the SVG is written directly from the module matrix as one path of horizontal runs.

Even with the mask fixed, segno builds each code module by module in Python (0.6 ms, half of the
time spent rendering a record). Records' addresses are plain ASCII in byte mode, where a code
differs from the code of all-zero data only in its data modules, by XOR. So segno builds, once
per version, that all-zero code and the order in which data bits are placed; each address then
costs its codewords (Reed-Solomon with segno's own tables) and one XOR. Anything else (another
mode, a version segno would choose differently) goes through `segno.make`; the tests compare both
ways module for module.
"""

from __future__ import annotations

from functools import cache
from html import escape

import numpy as np
import segno
from segno import consts, encoder

QUIET_ZONE = 4  # modules of white border that scanners need
SCALE = 4  # CSS pixels per module at the file's natural size
MASK = 2  # see above: a fixed, valid mask pattern
ERROR = "m"  # medium error correction: survives a smudge on newsprint
_ERROR = consts.ERROR_LEVEL_M
_ALPHANUMERIC = frozenset(consts.ALPHANUMERIC_CHARS.decode("ascii"))


def qr_matrix(url: str) -> np.ndarray:
    """The code's modules (1 dark), without the quiet zone: what `segno.make` gives for `url`."""
    data = _byte_mode_data(url)
    version = _version(len(data)) if data is not None else None
    if version is None:
        code = segno.make(url, error=ERROR, micro=False, boost_error=False, mask=MASK)
        return np.array([list(row) for row in code.matrix], dtype=np.uint8)
    template, order = _template(version)
    bits = np.unpackbits(np.frombuffer(_codewords(data, version), dtype=np.uint8))
    matrix = template.copy()
    matrix.reshape(-1)[order[:len(bits)]] ^= bits  # a view of the copy, in the order of `order`
    return matrix


def qr_svg(url: str) -> bytes:
    """An SVG QR code of `url`: black modules on white, scalable, with the URL as its title."""
    return svg(url, qr_matrix(url))


def svg(url: str, matrix: np.ndarray) -> bytes:
    size = len(matrix) + 2 * QUIET_ZONE
    # Runs of dark modules, row by row: each row framed by light modules, so that a run starts
    # where a row steps up and ends where it steps down, and no run goes on into the next row.
    width = len(matrix) + 2
    framed = np.zeros((len(matrix), width), dtype=np.int8)
    framed[:, 1:-1] = matrix
    steps = np.diff(framed.reshape(-1))
    starts, ends = np.flatnonzero(steps == 1), np.flatnonzero(steps == -1)
    rows, columns = np.divmod(starts, width)
    # Each run as one number (row, column, length: a byte each, as a code is at most 185 modules
    # wide with its quiet zone), written once per build: codes of one version share most runs.
    runs = ((rows + QUIET_ZONE) << 16) | ((columns + QUIET_ZONE) << 8) | (ends - starts)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{size * SCALE}" height="{size * SCALE}" '
            f'viewBox="0 0 {size} {size}" shape-rendering="crispEdges"><title>{escape(url)}</title>'
            f'<path fill="#fff" d="M0 0h{size}v{size}h-{size}z"/>'
            f'<path stroke="#000" d="{"".join(map(_RUN_PATHS.__getitem__, runs.tolist()))}"/></svg>\n'
            ).encode()


class _RunPaths(dict):
    """The path command of a run, by its number (see `svg`), made on first use."""

    def __missing__(self, run: int) -> str:
        y, x, length = run >> 16, (run >> 8) & 0xFF, run & 0xFF
        path = self[run] = f"M{x} {y}.5h{length}"
        return path


_RUN_PATHS = _RunPaths()


def render_qr(site, url: str) -> bytes:
    """DataFile producer: the QR code of one record's absolute URL."""
    return qr_svg(url)


# ---- byte mode, as segno encodes it ----------------------------------------------------------

def _byte_mode_data(url: str) -> bytes | None:
    """The bytes segno would write in one byte-mode segment, or None if it would choose another
    mode (digits only, or only the upper-case alphanumeric set)."""
    if not url or not url.isascii() or url.isdigit() or set(url) <= _ALPHANUMERIC:
        return None
    return url.encode("ascii")


def _bit_length(n: int, version: int) -> int:
    return 4 + (8 if version < 10 else 16) + 8 * n  # mode indicator, count, data


def _version(n: int) -> int | None:
    """The smallest version that holds n bytes (segno's `find_version`), if within 1-40."""
    return next((v for v in range(1, 41) if consts.SYMBOL_CAPACITY[v][_ERROR] >= _bit_length(n, v)),
                None)


def _codewords(data: bytes, version: int) -> bytes:
    """Data and error correction codewords, interleaved: segno's `_encode` up to the matrix."""
    capacity = consts.SYMBOL_CAPACITY[version][_ERROR]
    count_bits = 8 if version < 10 else 16
    # The bit stream as one integer: mode indicator 0100, the byte count, the bytes.
    stream = ((0b0100 << count_bits | len(data)) << 8 * len(data)) | int.from_bytes(data, "big")
    length = _bit_length(len(data), version)
    terminator = min(capacity - length, 4)
    boundary = 8 - (length + terminator) % 8  # to a codeword boundary (a whole codeword if on one)
    length += terminator + boundary
    stream = (stream << terminator + boundary).to_bytes(length // 8, "big")
    stream += bytes((0b11101100, 0b00010001)[i % 2] for i in range(capacity // 8 - length // 8))
    data_blocks, error_blocks, at = [], [], 0
    for ec in consts.ECC[version][_ERROR]:
        table = _ec_table(ec.num_total - ec.num_data)
        for _ in range(ec.num_blocks):
            block = stream[at:at + ec.num_data]
            at += ec.num_data
            data_blocks.append(block)
            error_blocks.append(_remainder(block, table, ec.num_total - ec.num_data))
    return _interleave(data_blocks) + _interleave(error_blocks)


def _interleave(blocks: list[bytes]) -> bytes:
    """The first byte of each block, then the second of each, and so on; longer blocks last."""
    if len(blocks) == 1:
        return blocks[0]
    shortest = min(map(len, blocks))
    columns = bytearray(shortest * len(blocks))
    for i, block in enumerate(blocks):
        columns[i::len(blocks)] = block[:shortest]
    rest = [b[shortest:] for b in blocks if len(b) > shortest]
    return bytes(columns) + (_interleave(rest) if rest else b"")


@cache
def _ec_table(count: int) -> tuple[int, ...]:
    """For each factor, the generator polynomial times it, as one integer of `count` bytes."""
    exp, log, gen = consts.GALIOS_EXP, consts.GALIOS_LOG, consts.GEN_POLY[count]
    return (0,) + tuple(int.from_bytes(bytes(exp[log[f] + g] for g in gen), "big")
                        for f in range(1, 256))


def _remainder(block: bytes, table: tuple[int, ...], count: int) -> bytes:
    """The Reed-Solomon error codewords of a block (polynomial division by the generator)."""
    shift, full = 8 * (count - 1), (1 << 8 * count) - 1
    r = 0
    for byte in block:
        r = ((r << 8) & full) ^ table[byte ^ (r >> shift)]
    return r.to_bytes(count, "big")


@cache
def _template(version: int) -> tuple[np.ndarray, np.ndarray]:
    """The code of all-zero data in this version (function patterns, format and version
    information, the mask over the data modules), and the flat index of each data module in the
    order bits are placed: segno's own steps, with the same matrix reservations."""
    width = encoder.calc_matrix_size(version)
    matrix = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(matrix, width, width)
    encoder.add_alignment_patterns(matrix, width, width)
    order = _placement(matrix)
    encoder.add_codewords(matrix, bytearray(len(order)), version)
    _, matrix = encoder.find_and_apply_best_mask(matrix, width, width, MASK)
    encoder.add_format_info(matrix, version, _ERROR, MASK)
    encoder.add_version_info(matrix, version)
    return np.array([list(row) for row in matrix], dtype=np.uint8), np.array(order, dtype=np.intp)


def _placement(matrix) -> list[int]:
    """Free modules (0x2) in the two-column zigzag of `encoder.add_codewords` (QR, not Micro)."""
    size, order = len(matrix), []
    for right in range(size - 1, 0, -2):
        if right <= 6:
            right -= 1  # the vertical timing pattern
        for vertical in range(size):
            for j in (right, right - 1):
                upwards = (((right & 2) == 0) ^ (j < 6))
                i = size - 1 - vertical if upwards else vertical
                if matrix[i][j] == 0x2:
                    order.append(i * size + j)
    return order
