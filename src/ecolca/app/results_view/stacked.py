"""The Exchanges chart's stacked bars (one stack per exchange, one colour per part of Δ_e, and a
marker at the net Δ_e), drawn once and then moved in place when a live edit changes the numbers
but not which exchanges are shown (issue #23 target 2: at 1,000 sites every live edit with the
Exchanges tab on screen cleared the figure, made its artists again and drew it all, 0.5–1.6 s
of the GUI thread; moving the bars and blitting them over the figure drawn without them redraws
no text)."""

from __future__ import annotations


from ecolca.app.results_view.common import PART_COLORS, PARTS


def _stacks(rows) -> list[tuple[str, str, list[float], list[float]]]:
    """(field, label, widths, lefts) of each part: positive parts stack rightwards from 0,
    negative ones leftwards."""
    pos = [0.0] * len(rows)
    neg = [0.0] * len(rows)
    out = []
    for f, lab in PARTS:
        vals = [getattr(p, f) for p in rows]
        lefts = []
        for i, v in enumerate(vals):
            if v >= 0:
                lefts.append(pos[i])
                pos[i] += v
            else:
                lefts.append(neg[i])
                neg[i] += v
        out.append((f, lab, vals, lefts))
    return out


def _extent(stacks, totals) -> tuple[float, float]:
    xs = [0.0] + list(totals)
    for _f, _lab, vals, lefts in stacks:
        xs += lefts + [a + b for a, b in zip(lefts, vals)]
    return min(xs), max(xs)


def draw_stacks(chart, ax, rows, key) -> dict:
    """Draw the stacks of ``rows`` (ExchangeParts) on ``ax`` of ``chart`` (a ``_Chart``); the
    bars, the zero line and the markers are the chart's animated artists. Returns what
    :func:`restack` needs; ``key`` names what the artists depend on (the rows shown, in order,
    their labels, the method)."""
    y = list(range(len(rows)))
    stacks = _stacks(rows)
    containers = []
    for f, lab, vals, lefts in stacks:
        containers.append(ax.barh(y, vals, left=lefts, height=0.65, color=PART_COLORS[f],
                                  label=lab, edgecolor="white", linewidth=0.4))
    marks = ax.scatter([p.total for p in rows], y, marker="D", s=28, color="black", zorder=3,
                       label="Net Δ_e")
    zero = ax.axvline(0, color="#333333", linewidth=0.8)
    lo, hi = _extent(stacks, [p.total for p in rows])
    pad = (hi - lo) * 0.05 or 1.0
    ax.set_xlim(lo - pad, hi + pad)  # as autoscaling would, and kept while the bars fit
    moving = [r for c in containers for r in c] + [zero, marks]
    if rows:
        chart.set_animated(moving)
    return {"key": key, "ax": ax, "containers": containers, "marks": marks,
            "xlim": (lo - pad, hi + pad)}


def restack(chart, state: dict | None, rows, key) -> bool:
    """Move the artists of ``state`` (:func:`draw_stacks`) to the numbers of ``rows``, in place.
    False (nothing changed) when the rows shown are not the same, or the bars would leave the
    axis: then the chart is drawn anew."""
    if not state or state["key"] != key or not rows or chart._figure is None \
            or state["ax"] not in chart.figure.axes:  # the figure was cleared since
        return False
    stacks = _stacks(rows)
    totals = [p.total for p in rows]
    lo, hi = _extent(stacks, totals)
    x0, x1 = state["xlim"]
    if lo < x0 or hi > x1:
        return False
    for container, (_f, _lab, vals, lefts) in zip(state["containers"], stacks):
        for rect, v, left in zip(container, vals, lefts):
            rect.set_x(left)
            rect.set_width(v)
    import numpy as np  # (not at import: the window's start loads no numpy, tests/test_startup.py)

    state["marks"].set_offsets(np.column_stack([totals, range(len(rows))]))
    return True


# ---- the Sites chart: L and S side by side per site, Δ written after them ----------------
def _delta_text(s, right: float) -> tuple[float, str, str]:
    """Where (x), what and in which colour the Δ of site row ``s`` is written."""
    from ecolca.app.results_view.common import _eng, _pct_text

    pct = f" ({_pct_text(100 * s.delta / abs(s.linear))})" if s.linear else ""
    colour = "#1a7f37" if s.delta < 0 else "#b42318" if s.delta > 0 else "#333333"
    return (max(s.linear, s.symbiotic, 0.0) + right * 0.02,
            f"Δ {'+' if s.delta > 0 else ''}{_eng(s.delta)}{pct}", colour)


def draw_pairs(chart, ax, rows, key, colours: tuple[str, str]) -> dict:
    """The L and S bars of each site row of ``rows`` and its Δ after them, on ``ax`` of
    ``chart``; bars and Δ texts are the chart's animated artists (texts painted with Qt).
    Returns what :func:`repair` needs."""
    y = list(range(len(rows)))
    h = 0.38
    lin = ax.barh([v - h / 2 for v in y], [s.linear for s in rows], height=h,
                  color=colours[0], label="Linear (L)")
    sym = ax.barh([v + h / 2 for v in y], [s.symbiotic for s in rows], height=h,
                  color=colours[1], label="Symbiotic (S)")
    right = max([0.0] + [max(s.linear, s.symbiotic) for s in rows])
    texts = []
    for yi, s in zip(y, rows):  # Δ next to each pair: small changes stay visible
        x, text, colour = _delta_text(s, right)
        texts.append(ax.text(x, yi, text, va="center", ha="left", fontsize=8, color=colour))
    if right > 0:
        ax.set_xlim(right=right * 1.35)
    if rows:
        chart.set_animated(list(lin) + list(sym) + texts)
    return {"key": key, "ax": ax, "lin": lin, "sym": sym, "texts": texts, "right": right,
            "left": min([0.0] + [min(s.linear, s.symbiotic) for s in rows])}


def repair(chart, state: dict | None, rows, key) -> bool:
    """:func:`restack` for :func:`draw_pairs`: the bars and Δ texts moved to ``rows``' numbers
    in place; False when the rows shown differ or the axis would have to change."""
    if not state or state["key"] != key or not rows or chart._figure is None \
            or state["ax"] not in chart.figure.axes:
        return False
    right = max([0.0] + [max(s.linear, s.symbiotic) for s in rows])
    left = min([0.0] + [min(s.linear, s.symbiotic) for s in rows])
    # the same axis: the longest bar within 10 % of the one drawn (the Δ texts' room), no
    # bar further left than before
    if right > state["right"] * 1.1 or right < state["right"] * 0.9 or left < state["left"]:
        return False
    for s, a, b, t in zip(rows, state["lin"], state["sym"], state["texts"]):
        a.set_width(s.linear)
        b.set_width(s.symbiotic)
        x, text, colour = _delta_text(s, state["right"])
        t.set_x(x)
        t.set_text(text)
        t.set_color(colour)
    return True
