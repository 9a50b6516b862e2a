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
from dataclasses import dataclass
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


def _base(unit: str) -> tuple[str, str]:
    """(the unit's scalable first word, the rest) — ``("kg", " CO2-Eq")`` — or ``("", unit)``."""
    head, sep, rest = (unit or "").partition(" ")
    if head in _LADDERS:
        return head, sep + rest
    return "", unit or ""


def scale_for(values: Iterable[float | None], unit: str = "",
              digits: int = RESULT_DIGITS) -> Scale:
    """The one scale a row (or column) of values is shown in: chosen from its largest magnitude
    so that it reads between 1 and 1,000 with ``digits`` significant figures."""
    finite = [abs(v) for v in values if _finite(v)]
    m = max(finite, default=0.0)
    head, rest = _base(unit)
    if m == 0:
        return Scale(1.0, unit or "", 0)
    if head:
        ladder = _LADDERS[head]
        symbol, size = ladder[0]
        for s, f in ladder:
            if m >= f * (1 - 0.5 * 10.0 ** (1 - digits)):  # 999.7 kg is 1.00 t
                symbol, size = s, f
        return Scale(size, symbol + rest, _decimals(finite, m, size, digits))
    if 1e-3 <= m < 1e3:
        return Scale(1.0, unit or "", _decimals(finite, m, 1.0, digits))
    if m >= 1e3:
        for f, word in _WORDS:
            if m >= f * (1 - 0.5 * 10.0 ** (1 - digits)) or f == 1e3:
                label = f"{word} {unit}".strip() if unit else word
                return Scale(f, label, _decimals(finite, m, f, digits))
    e = 3 * math.floor(math.log10(m) / 3)
    f = 10.0 ** e
    label = f"10{str(e).translate(_SUPERSCRIPT)} {unit}".strip()
    return Scale(f, label, _decimals(finite, m, f, digits))


def _decimals(magnitudes: list[float], largest: float, size: float, digits: int) -> int:
    """Decimals for a row in a unit of ``size``: each value keeps ``digits`` significant figures
    (values below 1e-6 of the largest ask for none), at most :data:`MAX_DECIMALS`."""
    d = max((decimals_for(round_sig(a / size, digits), digits)
             for a in magnitudes if a >= 1e-6 * largest), default=0)
    return min(d, MAX_DECIMALS)


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
