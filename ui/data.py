"""Turning what people type or upload into arrays, with clear messages. No Streamlit here.

>>> parse_sequence("1 4 -1 0 2 -2 1 3 3 1").tolist()
[1.0, 4.0, -1.0, 0.0, 2.0, -2.0, 1.0, 3.0, 3.0, 1.0]
>>> parse_sequence("1, 2; nan -inf").tolist()
[1.0, 2.0, nan, -inf]
>>> parse_sequence("1 two 3")
Traceback (most recent call last):
...
ValueError: "two" (value 2) is not a number. Type numbers separated by spaces or commas, e.g. 1 4 -1 0.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np

LECTURE_SEQUENCE = "1 4 -1 0 2 -2 1 3 3 1"
MAX_SEQUENCE = 200  # the 1-D page animates every output cell; beyond this it stops teaching
_SPECIAL = {"nan": np.nan, "inf": np.inf, "+inf": np.inf, "-inf": -np.inf, "∞": np.inf, "-∞": -np.inf, "−∞": -np.inf}


def _number(token: str, position: int) -> float:
    cleaned = token.strip().replace("−", "-")
    if cleaned.lower() in _SPECIAL:
        return _SPECIAL[cleaned.lower()]
    try:
        return float(cleaned)
    except ValueError:
        raise ValueError(
            f'"{token}" (value {position}) is not a number. Type numbers separated by spaces or '
            "commas, e.g. 1 4 -1 0."
        ) from None


def parse_sequence(text: str, limit: int = MAX_SEQUENCE) -> np.ndarray:
    """Numbers separated by spaces, commas or semicolons (``nan``, ``inf``, ``-inf`` allowed)."""
    tokens = [token for token in re.split(r"[\s,;]+", text.strip().strip("[]()")) if token]
    if not tokens:
        raise ValueError("The sequence is empty. Type at least one number, e.g. 1 4 -1 0.")
    if len(tokens) > limit:
        raise ValueError(f"The sequence has {len(tokens)} values; this page takes at most {limit}.")
    return np.array([_number(token, i + 1) for i, token in enumerate(tokens)], dtype=np.float64)


def parse_csv(raw: bytes, limit: int = MAX_SEQUENCE) -> tuple[np.ndarray, list[str]]:
    """The numbers of a CSV file (one column, one row, or the first numeric column).

    Returns the values and notes about what was done (header skipped, values cut).
    """
    notes = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("This file is not a text CSV file (it is not UTF-8 text).") from None
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        raise ValueError("The CSV file is empty.")

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
