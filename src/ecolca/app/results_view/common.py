"""What the results tabs share: number formats, colours, notes and chart finishes (the tables:
``table``)."""

from __future__ import annotations

import functools
import math
import textwrap
from typing import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QLabel

from ecolca.core.numbers import MINUS, Scale, format_plain, scale_for
from ecolca.core.numbers import format_pct as _policy_pct
from ecolca.lca.results import method_label


STALE_TEXT = ("Results are out of date: the scenario changed after this run. "
              "Run the comparison again.")
EMPTY_TEXT = "No results yet: press Run comparison (F5)"
KEYS_NOTE = ("Per-site figures under different attribution keys must never be summed: each key "
             "splits the same system Δ differently. The system-level Δ (Summary) is the "
             "ISO-consistent result; a split between partners is a labelled view.")

TOP_EXCHANGES = 25  # the exchange chart shows this many bars by |Δ_e|, the rest as "others"
TOP_SITES = 25  # the site chart shows this many sites by |Δ|, the rest summed as "other sites"

# Okabe-Ito: distinct for the common colour-vision deficiencies
PARTS = (("avoided_fate", "Avoided fate"), ("avoided_supply", "Avoided supply"),
         ("transport", "Transport"), ("processing", "Processing"))
PART_COLORS = {"avoided_fate": "#0072B2", "avoided_supply": "#009E73",
               "transport": "#E69F00", "processing": "#CC79A7"}
_LINEAR_COLOR = "#999999"
_SYMBIOTIC_COLOR = "#009E73"
_WORSE_COLOR = "#D55E00"
_SAVING_TEXT = QColor("#1a7f37")  # table text: negative Δ (saving)
_BURDEN_TEXT = QColor("#b42318")  # table text: positive Δ (extra impact)
_TOTAL_BG = QColor("#E2EFDA")

_CHART_TABS = ("Summary", "Exchanges", "Sites", "Sensitivity", "Uncertainty")
_MINUS = "-"  # ASCII, so copied numbers paste into spreadsheets as numbers


# ---- number formatting --------------------------------------------------------------------
# The number policy (ecolca.core.numbers, docs/report.md "Numbers"): a row of results (L, S, Δ)
# shares one scale and its unit is scaled (kt, Mt, GJ, thousand …); 3 significant figures;
# never E-notation; the exact value in the cell's tooltip.
def row_scale(values: Sequence[float | None], unit: str = "", *,
              lead: Sequence[int] | None = None) -> Scale:
    """The scale of a row of results (L, S, Δ …): its unit (``sc.unit``) goes in the row's
    Unit column or the table's headers, each value through :func:`format_number`."""
    return scale_for([v if isinstance(v, (int, float)) else None for v in values], unit,
                     lead=lead)


def format_number(v: float | None, *, money: bool = False, scale: Scale | None = None) -> str:
    """A readable number: in ``scale`` (a row's :func:`row_scale`) when given; money with
    cents below 1,000; otherwise 4 significant figures in grouped digits (an input, a
    distance). Never E-notation. ``None`` and non-finite values give ``–``."""
    if v is None or not isinstance(v, (int, float)) or not math.isfinite(v):
        return "–"
    if scale is not None:
        return scale.text(v).replace(MINUS, _MINUS)
    a = abs(v)
    if a == 0:
        return "0"
    if money and a >= 0.01:
        return f"{v:,.0f}" if a >= 1000 else f"{v:,.2f}"
    return format_plain(v, 4).replace(MINUS, _MINUS)


def format_delta(v: float | None, *, money: bool = False, scale: Scale | None = None) -> str:
    """As :func:`format_number`, with an explicit ``+`` on positive values."""
    s = format_number(v, money=money, scale=scale)
    return "+" + s if isinstance(v, (int, float)) and math.isfinite(v) and v > 0 and \
        s.strip("0.,") else s


def format_pct(v: float | None, *, signed: bool = False) -> str:
    """A percentage to 3 significant figures, one decimal from 10 % (a small change never
    rounds to 0 %)."""
    if v is None or not isinstance(v, (int, float)) or not math.isfinite(v):
        return "–"
    return _policy_pct(v, signed=signed).replace(MINUS, _MINUS)


_SI_PREFIXES = {3: "k", 6: "M", 9: "G", 12: "T"}


def format_eng(v: float | None, digits: int = 3, *, signed: bool = False,
               scale: Scale | None = None) -> str:
    """``v`` to ``digits`` significant digits, for columns of statistics that must stay narrow
    (the exact value goes in the tooltip). In ``scale`` (the row's unit, named beside it) when
    given; otherwise from 1,000 up with an SI prefix, as the charts' axes
    (:func:`_axis_formatter`): 3,786,776,889 reads ``3.79 G``; below 1,000 plain, with the
    decimals of ``digits`` significant figures (``0.0500``, ``0.0000123``: never E-notation).
    ``signed``: an explicit ``+`` on positive values (Δ). ``None`` and non-finite give ``–``."""
    if v is None or not isinstance(v, (int, float)) or not math.isfinite(v):
        return "–"
    if scale is not None:
        return format_delta(v, scale=scale) if signed else format_number(v, scale=scale)
    if v == 0:
        return "0"
    sign = _MINUS if v < 0 else ("+" if signed else "")
    a = abs(v)
    if a >= 1e15:
        return sign + format_plain(a, digits)
    e = 3 * math.floor(math.log10(a) / 3) if a >= 1000 else 0
    m = a / 10.0 ** e
    text = f"{m:.{max(0, digits - 1 - math.floor(math.log10(m)))}f}"
    if float(text) >= 1000 and e < 12:  # 999.7 k rounds to 1.00 M
        e += 3
        text = f"{a / 10.0 ** e:.{digits - 1}f}"
    return f"{sign}{text} {_SI_PREFIXES[e]}" if e else f"{sign}{text}"


def _pct_text(v: float) -> str:
    """A signed percentage that does not round a small change to 0 %."""
    return format_pct(v, signed=True)


def _short_method(m: Sequence[str], width: int = 30) -> str:
    """The first two levels of a method name, wrapped on at most two lines (chart labels)."""
    return _wrap2(": ".join(m[:2]) if len(m) >= 2 else method_label(tuple(m)), width)


def _wrap2(text: str, width: int) -> str:
    """``text`` on at most two lines of ``width`` characters, ``…`` where it is cut."""
    return "\n".join(textwrap.wrap(text, width, max_lines=2, placeholder=" …")) or text


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _chart_label(text: str, width: int = 32) -> str:
    """An exchange's "residue → receiving site" on two lines, each part shortened on its own:
    a long residue name never hides the receiving site that tells two exchanges apart."""
    residue, sep, receiver = text.partition(" → ")
    if not sep:
        return _wrap2(text, width)
    return f"{_shorten(residue, width)}\n→ {_shorten(receiver, width - 2)}"


def _axis_formatter():
    """Axis ticks with SI prefixes (k, M, G, m, µ): −100 M reads better than −1e+08."""
    from matplotlib.ticker import EngFormatter  # with the first chart: not at start-up

    return EngFormatter(sep=" ")


@functools.cache
def _eng_formatter():
    from matplotlib.ticker import EngFormatter  # with the first chart: not at start-up

    return EngFormatter(sep=" ", places=1)


def _eng(v: float) -> str:
    return _eng_formatter().format_eng(v) if v else "0"


def _note(text: str, style: str = "color: #555; font-style: italic;") -> QLabel:
    lab = QLabel(text)
    lab.setWordWrap(True)
    lab.setStyleSheet(style)
    lab.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return lab


# ---- a chart with its export action --------------------------------------------------------


def _finish_bar_chart(fig, ax, legend_columns: int, empty_text: str | None) -> None:
    """Legend below the plot, a light x grid, and a message when there is nothing to draw."""
    fig.legend(loc="outside lower center", ncol=legend_columns, fontsize=8, frameon=False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if empty_text:
        ax.text(0.5, 0.5, empty_text, transform=ax.transAxes, ha="center", va="center",
                color="#666666")


def _method_combo(tooltip: str) -> QComboBox:
    c = QComboBox()
    c.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    c.setMinimumContentsLength(24)
    c.setToolTip(tooltip)
    return c


# ---- the view -----------------------------------------------------------------------------


def _stat(d: dict[str, float], key: str) -> float | None:
    for k in (key, key.replace("p", "p_"), key.replace(".", "_")):
        if k in d:
            return d[k]
    return None


def _html(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
