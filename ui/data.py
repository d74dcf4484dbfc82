"""Turning what people type or upload into arrays, with clear messages. No Streamlit here.

>>> parse_sequence("1 4 -1 0 2 -2 1 3 3 1").tolist()
[1.0, 4.0, -1.0, 0.0, 2.0, -2.0, 1.0, 3.0, 3.0, 1.0]
>>> parse_sequence("1, 2; nan -inf").tolist()
[1.0, 2.0, nan, -inf]
>>> parse_sequence("1 two 3")
Traceback (most recent call last):
...
ValueError: "two" (the 2nd value) is not a number. Type numbers separated by spaces or commas, e.g. 1 4 -1 0.
>>> parse_sequence("1,,2")
Traceback (most recent call last):
...
ValueError: Two commas with no number between them (",,"): type the missing number, or remove one.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np

LECTURE_SEQUENCE = "1 4 -1 0 2 -2 1 3 3 1"
MAX_SEQUENCE = 200  # the 1-D page animates every output cell; beyond this it stops teaching
_SPECIAL = {"nan": np.nan, "inf": np.inf, "+inf": np.inf, "-inf": -np.inf, "∞": np.inf, "-∞": -np.inf, "−∞": -np.inf}


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``... ``11th``, ``12th``, ``13th``, ``21st``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _number(token: str, position: int) -> float:
    cleaned = token.strip().replace("−", "-")
    if cleaned.lower() in _SPECIAL:
        return _SPECIAL[cleaned.lower()]
    try:
        return float(cleaned)
    except ValueError:
        raise ValueError(
            f'"{token}" (the {ordinal(position)} value) is not a number. Type numbers separated by spaces or commas, '
            "e.g. 1 4 -1 0."
        ) from None


def parse_sequence(text: str, limit: int = MAX_SEQUENCE) -> np.ndarray:
    """Numbers separated by spaces, commas or semicolons (``nan``, ``inf``, ``-inf`` allowed)."""
    empty = re.search(r"([,;])\s*([,;])", text)  # "1,,2": a number left out, not one separator
    if empty:
        names = {",": "commas", ";": "semicolons"}
        kind = names[empty.group(1)] if empty.group(1) == empty.group(2) else "separators"
        raise ValueError(
            f'Two {kind} with no number between them ("{empty.group(0)}"): type the missing number, or remove one.'
        )
    tokens = [token for token in re.split(r"[\s,;]+", text.strip().strip("[]()")) if token]
    if not tokens:
        raise ValueError("The sequence is empty. Type at least one number, e.g. 1 4 -1 0.")
    if len(tokens) > limit:
        raise ValueError(f"The sequence has {len(tokens)} values; this page takes at most {limit}.")
    return np.array([_number(token, i + 1) for i, token in enumerate(tokens)], dtype=np.float64)


def parse_csv(raw: bytes, limit: int = MAX_SEQUENCE) -> tuple[np.ndarray, list[str]]:
    """The numbers of a CSV file (one column, one row, or the first numeric column), separated
    by commas, tabs or semicolons (then a comma is a decimal mark).

    Returns the values and notes about what was done (header skipped, values cut).

    >>> parse_csv(b"1;4;-1;0;2")[0].tolist()
    [1.0, 4.0, -1.0, 0.0, 2.0]
    >>> parse_csv(b"1,5;-2;3")[0].tolist()  # semicolons between values: commas are decimal marks
    [1.5, -2.0, 3.0]
    """
    notes = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("This file is not a text CSV file (it is not UTF-8 text).") from None
    # Where the comma is the decimal mark, spreadsheets separate values with semicolons
    # ("1;4;-1,5"): then a comma inside a cell is a decimal point.
    delimiter = ";" if ";" in text else ("\t" if "\t" in text and "," not in text else ",")
    decimal_comma = delimiter == ";"
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(cell.strip() for cell in row)]
    if not rows:
        raise ValueError("The CSV file is empty.")
    if decimal_comma:
        rows = [[cell.replace(",", ".") for cell in row] for row in rows]

    def numeric(cell: str) -> bool:
        try:
            _number(cell, 0)
            return True
        except ValueError:
            return False

    if not all(numeric(cell) for cell in rows[0] if cell.strip()):
        notes.append(f"Skipped the header row: {', '.join(rows[0])}.")
        rows = rows[1:]
    if not rows:
        raise ValueError("The CSV file has a header but no numbers.")
    if len(rows) == 1:
        cells = [cell for cell in rows[0] if cell.strip()]
    else:
        if len(rows[0]) > 1:
            notes.append(f"Used the first column of {len(rows[0])}.")
        cells = [row[0] for row in rows if row and row[0].strip()]
    values = []
    for i, cell in enumerate(cells):
        try:
            values.append(_number(cell, i + 1))
        except ValueError:
            raise ValueError(f'Row {i + 1} of the CSV holds "{cell}", which is not a number.') from None
    if len(values) > limit:
        notes.append(f"The file has {len(values)} values; the first {limit} are used.")
        values = values[:limit]
    return np.array(values, dtype=np.float64), notes


def format_sequence(values: np.ndarray) -> str:
    """The inverse of :func:`parse_sequence`: what goes in the text box and the URL."""
    parts = []
    for value in np.asarray(values, dtype=np.float64).ravel():
        if np.isnan(value):
            parts.append("nan")
        elif np.isinf(value):
            parts.append("inf" if value > 0 else "-inf")
        elif float(value).is_integer():
            parts.append(str(int(value)))
        else:
            parts.append(f"{value:.4g}")
    return " ".join(parts)


def preset_sequence(name: str, seed: int = 0, length: int = 16) -> np.ndarray:
    """The 1-D presets. Random ones are reproducible from ``seed``.

    >>> preset_sequence("lecture").tolist()[:4]
    [1.0, 4.0, -1.0, 0.0]
    >>> (preset_sequence("random integers", seed=3) == preset_sequence("random integers", seed=3)).all()
    np.True_
    """
    rng = np.random.default_rng(seed)
    positions = np.arange(length)
    if name == "lecture":
        return parse_sequence(LECTURE_SEQUENCE)
    if name == "random integers":
        return rng.integers(-5, 6, size=length).astype(np.float64)
    if name == "noisy sine":
        return np.round(3 * np.sin(positions * 2 * np.pi / length * 2) + rng.normal(0, 0.5, length), 1)
    if name == "steps":
        return np.repeat([0.0, 3.0, 1.0, 4.0], length // 4)
    if name == "spikes":
        values = np.zeros(length)
        values[rng.choice(length, size=3, replace=False)] = rng.integers(5, 10, size=3)
        return values
    if name == "NaN and inf":
        return np.array([1, np.nan, 3, 2, np.inf, 0, -np.inf, -1, 2, np.nan, 5, 4], dtype=np.float64)
    raise ValueError(f"unknown preset {name!r}; choose one of {PRESETS_1D}")


PRESETS_1D = ("lecture", "random integers", "noisy sine", "steps", "spikes", "NaN and inf")


def parse_int_or_tuple(text: str, name: str, *, allow_none: bool = False, allow_none_items: bool = False):
    """What a person types for a torch size argument: ``2``, ``2, 3``, ``(2, 3)``; ``None`` if allowed.

    >>> parse_int_or_tuple("2", "kernel_size"), parse_int_or_tuple("(2, 3)", "kernel_size")
    (2, (2, 3))
    >>> parse_int_or_tuple("None, 2", "output_size", allow_none_items=True)
    (None, 2)
    """
    cleaned = text.strip().strip("()[]").strip()
    if allow_none and cleaned in ("", "None", "none"):
        return None
    parts = [part.strip() for part in cleaned.split(",") if part.strip()]
    if not parts:
        raise ValueError(f"{name} is empty: type a whole number like 2, or a pair like 2, 3.")
    values = []
    for part in parts:
        if allow_none_items and part in ("None", "none"):
            values.append(None)
            continue
        try:
            values.append(int(part))
        except ValueError:
            raise ValueError(f'{name}: "{part}" is not a whole number. Type e.g. 2, or 2, 3.') from None
    return values[0] if len(values) == 1 else tuple(values)


def format_int_or_tuple(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, tuple):
        return ", ".join("None" if v is None else str(v) for v in value)
    return str(value)


def parse_grid(text: str, max_side: int = 32) -> np.ndarray:
    """Rows of numbers separated by newlines or ``;``.

    >>> parse_grid("1 2 3; 4 5 6").tolist()
    [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    """
    rows = [row for row in re.split(r"[;\n]+", text.strip()) if row.strip()]
    if not rows:
        raise ValueError("The grid is empty. Type rows of numbers, one row per line (or separated by ;).")
    parsed = []
    for i, row in enumerate(rows):
        try:
            parsed.append(parse_sequence(row, limit=max_side))
        except ValueError as error:
            raise ValueError(f"Row {i + 1}: {error}") from None
    widths = {len(row) for row in parsed}
    if len(widths) != 1:
        lengths = ", ".join(str(len(row)) for row in parsed)
        raise ValueError(f"The rows have different lengths ({lengths}); a grid needs equal rows.")
    if len(parsed) > max_side:
        raise ValueError(f"The grid has {len(parsed)} rows; this page takes at most {max_side}.")
    return np.array(parsed)


def format_grid(values: np.ndarray) -> str:
    return "\n".join(format_sequence(row) for row in np.asarray(values))


LECTURE_X = np.array(
    [[[[1, 2, 1, 1, 0, 2], [2, 1, 1, 0, 2, 0]], [[0, 2, 1, 1, 2, 2], [1, 1, 1, 1, 0, 0]]]], dtype=np.float32
)  # the lecture's x = torch.empty(1, 2, 2, 6).random_(3), as printed on the slide
PRESETS_2D = ("lecture channel 0", "random integers", "gradient", "checkerboard", "single spike", "NaN and inf")


def preset_grid(name: str, seed: int = 0, side: int = 6) -> np.ndarray:
    """The 2-D presets.

    >>> preset_grid("lecture channel 0").shape
    (2, 6)
    """
    rng = np.random.default_rng(seed)
    if name == "lecture channel 0":
        return LECTURE_X[0, 0].astype(np.float64)
    if name == "random integers":
        return rng.integers(0, 10, size=(side, side)).astype(np.float64)
    if name == "gradient":
        return np.add.outer(np.arange(side), np.arange(side)).astype(np.float64)
    if name == "checkerboard":
        return (np.add.outer(np.arange(side), np.arange(side)) % 2).astype(np.float64) * 9
    if name == "single spike":
        grid = np.zeros((side, side))
        grid[rng.integers(side), rng.integers(side)] = 9
        return grid
    if name == "NaN and inf":
        grid = rng.integers(0, 10, size=(side, side)).astype(np.float64)
        grid[1, 2], grid[3, 3], grid[4, 1] = np.nan, np.inf, -np.inf
        return grid
    raise ValueError(f"unknown preset {name!r}; choose one of {PRESETS_2D}")


def random_tensor(shape: tuple[int, int, int, int], seed: int) -> np.ndarray:
    """Small integers, like the lecture's ``torch.empty(...).random_(3)``."""
    return np.random.default_rng(seed).integers(0, 3, size=shape).astype(np.float32)
