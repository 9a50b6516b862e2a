"""Results in the report by the number policy (:mod:`ecolca.core.numbers`, docs/report.md,
"Numbers"): 3 significant figures of a row's largest value, one scale and one number of decimals
per row, the scaled unit (kt, Mt, GJ, million …) in the row's Unit column or its block's heading,
never E-notation.

A result cell keeps the value itself, in the method's own unit (what ``--json`` gives): its
number format shows it in the scaled unit (``#,##0.00,,,`` shows 5,093,672,010 as 5.09, in Mt),
so a sum or a formula over the cells is still in the method's unit. That is why a report scale
never goes below the method's unit (no g for kg, no 10⁻⁶): a small value gets decimals instead.
Chart data is the exception: a chart's axis shows the cells' numbers, so chart data holds the
value divided by the scale and its header names the scaled unit (:func:`chart_cells`).
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Sequence

from ecolca.core.numbers import RESULT_DIGITS, Scale, drop_float32_noise, excel_format, \
    scale_for
from ecolca.report.styles import Shown, denoise, finite

# a report row may need more decimals than the app's (CTUh of 1.2e-5 in the method's own unit)
MAX_DECIMALS = 12


def scale(values: Iterable[Any], unit: str = "", digits: int = RESULT_DIGITS) -> Scale:
    """The scale of a row (or of a block read against one total): a factor of 1 or a power of
    1,000 above the method's unit, the scaled unit and the decimals."""
    return scale_for([finite(v) for v in values], unit, digits, down=False,
                     max_decimals=MAX_DECIMALS)


def cells(values: Sequence[Any], sc: Scale) -> list[Any]:
    """``values`` as cells in scale ``sc``: a number keeps its value and gets the scale's
    format; text (a note such as "not covered") and empty cells pass unchanged."""
    fmt = sc.excel_format_unscaled()
    out: list[Any] = []
    for v in values:
        f = finite(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
        out.append(Shown(f, fmt, sc.plain_text(f)) if f is not None else
                   (None if isinstance(v, (int, float)) else v))
    return out


def row(values: Sequence[Any], unit: str = "", *, within: Scale | None = None,
        noise_scale: float | None = None,
        lead: Sequence[int] | None = None) -> tuple[list[Any], Scale]:
    """A row of results (L, S, Δ …) as cells in one scale, and that scale: its own
    (:func:`scale`), or ``within``'s factor and unit with the decimals the row needs (a row of a
    block headed by one unit). Values below 1e-9 of the row's largest (or of ``noise_scale``)
    are 0. ``lead``: the positions of the values the row is read for, which keep 3 significant
    figures (the others one): :func:`ecolca.core.numbers.scale_for`."""
    vals = denoise(list(values), noise_scale)
    nums = [finite(v) for v in vals]
    if within is None:
        sc = scale_for(nums, unit, RESULT_DIGITS, down=False, max_decimals=MAX_DECIMALS,
                       lead=lead)
    else:
        sc = within.fit(nums, max_decimals=MAX_DECIMALS, lead=lead)
    return cells(vals, sc), sc


def chart_cells(values: Sequence[Any], sc: Scale) -> list[Any]:
    """Chart data: the values divided by the scale (the header names ``sc.unit``), in the
    scale's decimals."""
    fmt = excel_format(sc.decimals)
    out: list[Any] = []
    for v in values:
        f = finite(v)
        out.append(None if f is None else Shown(f / sc.factor, fmt, sc.plain_text(f)))
    return out


def raw(v: Any) -> Any:
    """A value of a raw-data sheet from Brightway's solve (amounts held as float32): to the 7
    significant figures it carries (4,300,000,256 is 4,300,000,000)."""
    f = finite(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
    return v if f is None else drop_float32_noise(f)


def raw_row(linear: Any, symbiotic: Any) -> list[Any]:
    """L, S and Δ of a raw-data row: L and S to their 7 significant figures (:func:`raw`), Δ
    their difference, so that Δ = S − L holds for the digits shown."""
    lin, sym = raw(linear), raw(symbiotic)
    lf, sf = finite(lin), finite(sym)
    if lf is None or sf is None:
        return [lin, sym, None]
    d = sf - lf
    m = max(abs(lf), abs(sf))
    if d:  # the subtraction's own binary noise: the decimals L and S have, no more
        d = round(d, max(6 - math.floor(math.log10(abs(x))) for x in (lf, sf) if x))
    return [lin, sym, denoise([d], m)[0]]


def text(x: Any, unit: str = "", *, against: Sequence[Any] = (), signed: bool = False) -> str:
    """One result in running text, to the policy: ``−3.10 Mt CO2-Eq`` (the unit may scale down
    in text: ``500 g P-Eq``)."""
    from ecolca.core.numbers import format_result

    return format_result(finite(x), unit, signed=signed,
                         against=[finite(a) for a in against])


NOTE = ("results to 3 significant figures of each row, in the row's Unit (t, kt, Mt, GJ, "
        "thousand …); each cell holds the full value in the method's own unit")
