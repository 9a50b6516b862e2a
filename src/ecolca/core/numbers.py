"""One number policy for results, shared by the app, the report and the CLI.

The rules (docs/report.md, "Numbers"):

* **Results are shown to 3 significant figures** (:data:`RESULT_DIGITS`) of the largest value
  they are read against (a row's linear L, symbiotic S and Δ; a column's total). Full precision is
  kept only where a reader needs raw data: the report's input and inventory sheets, ``--json``.
* **A row shares one scale and one number of decimals**, so that Δ = S − L can be checked on the
  page to the last digit shown (give or take one unit of rounding) and never mixes grouped digits
  with E-notation: 5,093,672,010 kg CO2-eq, 1,998,469,168 and −3,095,202,842 read
  ``5.09``, ``2.00``, ``−3.10`` Mt CO2-eq. The decimals are enough for every value of the row to
  keep its own 3 significant figures (a small Δ between large L and S is not rounded away:
  ``48.70``, ``45.60``, ``−3.10``), at most :data:`MAX_DECIMALS`; a value below 1e-6 of the
  row's largest does not ask for more decimals.
* **Units a manager reads**: a unit that starts with a mass, energy or electricity unit is scaled
  along its ladder (kg → t → kt → Mt → Gt; MJ → GJ → TJ → PJ; kWh → MWh → GWh → TWh); any other
  unit gets a word (thousand, million, billion, trillion) or a power of ten (10⁻³, 10⁻⁶, …) in
  front of it. Never E-notation.
* **Signs never wrap**: a negative value is written with the minus sign U+2212 (a line is never
  broken between it and its digits), positive changes with an explicit ``+`` where ``signed``.
* **Noise is zero**: a value below 1e-9 of the scale it is read against is cancellation noise
  (:func:`denoise`); a value stored in single precision keeps 7 significant figures
  (:func:`drop_float32_noise`), so ``4,300,000,256`` prints as ``4,300,000,000``.

Nothing here imports Qt or Brightway.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

RESULT_DIGITS = 3
MINUS = "\u2212"
NOISE_RTOL = 1e-9
NOT_COMPUTED = "–"
MAX_DECIMALS = 6

# Ladders of units: (symbol, size in the base unit). The base unit is the one results come in.
_LADDERS: dict[str, list[tuple[str, float]]] = {
    "kg": [("mg", 1e-6), ("g", 1e-3), ("kg", 1.0), ("t", 1e3), ("kt", 1e6), ("Mt", 1e9), ("Gt", 1e12)],
    "t": [("kg", 1e-3), ("t", 1.0), ("kt", 1e3), ("Mt", 1e6), ("Gt", 1e9)],
    "g": [("mg", 1e-3), ("g", 1.0), ("kg", 1e3), ("t", 1e6), ("kt", 1e9), ("Mt", 1e12)],
    "MJ": [("kJ", 1e-3), ("MJ", 1.0), ("GJ", 1e3), ("TJ", 1e6), ("PJ", 1e9), ("EJ", 1e12)],
    "kWh": [("Wh", 1e-3), ("kWh", 1.0), ("MWh", 1e3), ("GWh", 1e6), ("TWh", 1e9)],
}
_WORDS = [(1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand")]
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Scale:
    """Divide values by ``factor`` and show them in ``unit`` with ``decimals`` decimals."""

    factor: float
    unit: str
    decimals: int

    def value(self, x: float) -> float:
        """``x`` in the scaled unit, rounded to the decimals shown (what a reader sees)."""
        return round(x / self.factor, self.decimals)

    def text(self, x: float | None, *, signed: bool = False) -> str:
        """``x`` in the scaled unit without the unit: grouped digits, ``decimals`` decimals."""
        if not _finite(x):
            return NOT_COMPUTED
        return _fixed(x / self.factor, self.decimals, signed=signed)

    def excel_format(self) -> str:
        """The spreadsheet number format that shows a value divided by ``factor`` as :meth:`text`
        (the minus is Excel's own "-"; a cell never wraps)."""
        return excel_format(self.decimals)

    def excel_format_unscaled(self) -> str:
        """The spreadsheet number format that shows a cell holding the value itself (not divided
        by ``factor``) as :meth:`text`: one trailing "," per factor of 1,000 (``#,##0.00,,,``
        shows 5,093,672,010 as 5.09). Only for a factor of 1 or a power of 1,000 above it
        (:func:`scale_for` with ``down=False``)."""
        return _unscaled_format(self.factor, self.decimals)

    def plain_text(self, x: float | None) -> str:
        """:meth:`text` with the spreadsheet's "-" for the minus (what a cell in
        :meth:`excel_format` shows; to measure it)."""
        return self.text(x).replace(MINUS, "-")

    def fit(self, values: Iterable[float | None], digits: int = RESULT_DIGITS,
            max_decimals: int = MAX_DECIMALS, lead: Sequence[int] | None = None) -> "Scale":
        """This scale's factor and unit with the decimals ``values`` (a row read in a unit
        chosen for a larger block: a method's exchanges, a column's total) need for their own
        ``digits`` significant figures, at most ``max_decimals`` (``lead``: see
        :func:`scale_for`)."""
        values = list(values)
        finite = [abs(v) for v in values if _finite(v)]
        m = max(finite, default=0.0)
        if m == 0:
            return Scale(self.factor, self.unit, 0)
        return Scale(self.factor, self.unit,
                     _decimals(_wants(values, digits, lead), m, self.factor, max_decimals))


@lru_cache(maxsize=256)
def _unscaled_format(factor: float, decimals: int) -> str:
    k = round(math.log10(factor) / 3) if factor > 0 else -1
    if k < 0 or not math.isclose(factor, 1000.0 ** k, rel_tol=1e-12):
        raise ValueError(f"a number format cannot divide by {factor:g}")
    return excel_format(decimals) + "," * k


def _finite(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def round_sig(x: float, digits: int = RESULT_DIGITS) -> float:
    """``x`` rounded to ``digits`` significant figures (0 stays 0)."""
    if not _finite(x) or x == 0:
        return x
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


def drop_float32_noise(x: float) -> float:
    """A value that went through single precision, to the 7 significant figures it carries."""
    return round_sig(x, 7)


def denoise(x: float, scale: float, rtol: float = NOISE_RTOL) -> float:
    """0 when ``x`` is below ``rtol`` of ``scale`` (cancellation noise), else ``x``."""
    if _finite(x) and _finite(scale) and 0 < abs(x) < rtol * abs(scale):
        return 0.0
    return x


def decimals_for(magnitude: float, digits: int = RESULT_DIGITS) -> int:
    """Decimals that show ``magnitude`` to ``digits`` significant figures (never negative)."""
    if not _finite(magnitude) or magnitude == 0:
        return 0
    return max(0, digits - 1 - math.floor(math.log10(abs(magnitude))))


_HEAD = re.compile(r"^(" + "|".join(map(re.escape, sorted(_LADDERS, key=len, reverse=True)))
                   + r")(?=$|[\s,\-/])")


@lru_cache(maxsize=1024)
def _base(unit: str) -> tuple[str, str]:
    """(the unit's scalable first word, the rest) — ``("kg", " CO2-Eq")``, ``("MJ", ", net
    calorific value")``, ``("MJ", "-Eq")`` — or ``("", unit)``."""
    m = _HEAD.match(unit or "")
    if m:
        return m.group(1), unit[m.end():]
    return "", unit or ""


def scale_for(values: Iterable[float | None], unit: str = "",
              digits: int = RESULT_DIGITS, *, down: bool = True,
              max_decimals: int = MAX_DECIMALS, lead: Sequence[int] | None = None) -> Scale:
    """The one scale a row (or column) of values is shown in: chosen from its largest magnitude
    so that it reads between 1 and 1,000 with ``digits`` significant figures.

    ``down=False``: never a unit below the given one (no g for kg, no 10⁻⁶): the scale's factor
    is 1 or a power of 1,000 above it, which a spreadsheet's number format can apply to a cell
    that keeps the value itself (:meth:`Scale.excel_format_unscaled`); small values get
    decimals instead, up to ``max_decimals``.

    ``lead``: the positions of the values the row is read for (an exchange's Δ_e beside its
    parts): they and the largest keep ``digits`` significant figures, the others one, so a
    small part is never a false 0 and never asks for eight decimals."""
    values = list(values)
    finite = _wants(values, digits, lead)
    m = max((a for a, _ in finite), default=0.0)
    head, rest = _base(unit)
    if m == 0:
        return Scale(1.0, unit or "", 0)
    near = 1 - 0.5 * 10.0 ** (1 - digits)  # 999.7 kg is 1.00 t
    if head:
        ladder = [(s, f) for s, f in _LADDERS[head] if f >= 1.0 or down]
        symbol, size = ladder[0]
        for s, f in ladder:
            if m >= f * near:
                symbol, size = s, f
        return Scale(size, symbol + rest, _decimals(finite, m, size, max_decimals))
    if (1e-3 <= m or not down) and m < 1e3 * near:
        return Scale(1.0, unit or "", _decimals(finite, m, 1.0, max_decimals))
    if m >= 1e3 * near:
        for f, word in _WORDS:
            if m >= f * near or f == 1e3:
                label = f"{word} {unit}".strip() if unit else word
                return Scale(f, label, _decimals(finite, m, f, max_decimals))
    e = 3 * math.floor(math.log10(m) / 3)
    f = 10.0 ** e
    label = f"10{str(e).translate(_SUPERSCRIPT)} {unit}".strip()
    return Scale(f, label, _decimals(finite, m, f, max_decimals))


def _wants(values: list, digits: int, lead: Sequence[int] | None) -> list[tuple[float, int]]:
    """(magnitude, significant figures it keeps) of each finite value."""
    out = [(abs(v), digits if lead is None or i in lead else 1)
           for i, v in enumerate(values) if _finite(v)]
    m = max((a for a, _ in out), default=0.0)
    return [(a, digits if a == m else d) for a, d in out]


def _decimals(wants: list[tuple[float, int]], largest: float, size: float,
              max_decimals: int = MAX_DECIMALS) -> int:
    """Decimals for a row in a unit of ``size``: each value keeps the significant figures it
    asks for (values below 1e-6 of the largest ask for none), at most ``max_decimals``."""
    lim, d = 1e-6 * largest, 0
    for a, n in wants:  # decimals_for(round_sig(a / size, n), n), inline (one per cell)
        if a >= lim and a > 0:
            x = a / size
            e = math.floor(math.log10(x))
            if round(x, n - 1 - e) >= 10.0 ** (e + 1):  # 999.7 rounds up to 1,000
                e += 1
            if n - 1 - e > d:
                d = n - 1 - e
    return min(d, max_decimals)


def _fixed(x: float, decimals: int, *, signed: bool = False) -> str:
    text = f"{abs(x):,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        return "0" if decimals == 0 else f"{0:.{decimals}f}"
    if x < 0:
        return MINUS + text
    return ("+" + text) if signed else text


def format_result(x: float | None, unit: str = "", *, digits: int = RESULT_DIGITS,
                  signed: bool = False, against: Sequence[float | None] = ()) -> str:
    """One result as text with its scaled unit: ``−3.10 Mt CO2-Eq``. ``against``: the other
    values it is read with (its row), so that it shares their scale and decimals."""
    if not _finite(x):
        return NOT_COMPUTED
    s = scale_for([x, *against], unit, digits)
    number = s.text(x, signed=signed)
    return f"{number} {s.unit}".rstrip()


def format_row(values: Sequence[float | None], unit: str = "", *,
               digits: int = RESULT_DIGITS, signed: Sequence[bool] | None = None
               ) -> tuple[list[str], str]:
    """A row of results (L, S, Δ …) in one scale: (texts without unit, the scaled unit)."""
    s = scale_for(values, unit, digits)
    flags = signed or [False] * len(values)
    return [s.text(v, signed=f) for v, f in zip(values, flags)], s.unit


def format_pct(x: float | None, *, signed: bool = False) -> str:
    """A percentage to 3 significant figures, at most one decimal above 10 % (``−60.8 %``,
    ``+0.0412 %``); a small change never rounds to 0."""
    if not _finite(x):
        return NOT_COMPUTED
    if x == 0:
        return "0 %"
    d = min(decimals_for(round_sig(x), RESULT_DIGITS), 4)
    if abs(x) >= 10:
        d = 1
    return _fixed(x, d, signed=signed) + " %"


def excel_format(decimals: int) -> str:
    """A spreadsheet number format with grouped digits and ``decimals`` decimals (no E)."""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def format_plain(x: float | None, digits: int = 6) -> str:
    """A value that is not a result (an input, a bound of a distribution) to ``digits``
    significant figures in grouped digits, without a unit scale: ``134,660,000``,
    ``0.0331900``; never E-notation."""
    if not _finite(x):
        return NOT_COMPUTED
    if x == 0:
        return "0"
    r = round_sig(x, digits)
    d = max(0, digits - 1 - math.floor(math.log10(abs(r))))
    text = f"{abs(r):,.{d}f}"
    if d and "." in text:
        text = text.rstrip("0").rstrip(".")
    return (MINUS if r < 0 else "") + text


def format_power(x: float | None, digits: int = 2) -> str:
    """A small or large pure number as a power of ten (a tolerance, a relative difference):
    ``4.7 × 10⁻⁸``; plain between 0.001 and 1,000,000."""
    if not _finite(x):
        return NOT_COMPUTED
    if x == 0:
        return "0"
    a = abs(x)
    if 1e-3 <= a < 1e6:
        return format_plain(x, digits)
    e = math.floor(math.log10(a))
    m = round_sig(a / 10.0 ** e, digits)
    if m >= 10:
        m, e = m / 10, e + 1
    mant = f"{m:.{digits - 1}f}".rstrip("0").rstrip(".")
    sign = MINUS if x < 0 else ""
    power = f"10{str(e).translate(_SUPERSCRIPT)}"
    return f"{sign}{power}" if mant == "1" else f"{sign}{mant} × {power}"
