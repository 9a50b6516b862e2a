"""The results charts' layout: fixed margins measured from the text around the axes, instead of
matplotlib's constrained layout (issue #23 target 2).

Constrained layout measured every artist's tight bounding box, twice, at every draw: 0.68 s of
the Exchanges chart's 1.57 s draw on a 1,000-site park (docs/performance.md). A results chart is
one axes with, around it, its tick labels, an axis label, a title and a figure legend on one
side; :class:`MarginsEngine` measures those texts with the renderer's font metrics (matplotlib
keeps each text's layout, so the draw that follows does not measure them again) and sets the
margins with ``subplots_adjust``; a value written after its bar widens the right margin until it
fits. The title is kept over the axes, moved sideways when centred
over them it would cross the figure's edge (long tick labels on the left push the axes right)."""

from __future__ import annotations

from matplotlib.layout_engine import LayoutEngine

PAD_PT = 4.0  # around the figure's edge and between the blocks of text, in points


def _height(texts, renderer) -> float:
    return max((t.get_window_extent(renderer).height for t in texts
                if t.get_visible() and t.get_text()), default=0.0)


def _width(texts, renderer) -> float:
    return max((t.get_window_extent(renderer).width for t in texts
                if t.get_visible() and t.get_text()), default=0.0)


class MarginsEngine(LayoutEngine):
    """Margins of the figure's axes from the widths and heights of their texts (see the module)."""

    _adjust_compatible = True
    _colorbar_gridspec = True

    def execute(self, fig) -> None:
        if not fig.axes:
            return
        width, height = fig.bbox.width, fig.bbox.height
        if width <= 2 or height <= 2:
            return
        renderer = fig._get_renderer()
        pad = PAD_PT * fig.dpi / 72
        left = right = top = bottom = pad
        for leg in fig.legends:  # "outside lower center", "outside right upper", …
            if not leg.get_visible():
                continue
            box = leg.get_window_extent(renderer)
            side = getattr(leg, "_outside_loc", None)
            if side == "lower":
                bottom += box.height
            elif side == "upper":
                top += box.height
            elif side == "right":
                right += box.width
            elif side == "left":
                left += box.width
        ax = fig.axes[0]
        if ax.axison:
            ticks = ax.yaxis.get_major_ticks()
            tick = pad + (ticks[0].get_tick_padding() * fig.dpi / 72 if ticks else 0.0)
            left += _width(ax.yaxis.get_ticklabels(), renderer) + tick
            if ax.yaxis.label.get_text():
                left += ax.yaxis.label.get_window_extent(renderer).width + pad
            xticks = ax.xaxis.get_ticklabels()
            bottom += _height(xticks, renderer) + tick
            if ax.xaxis.label.get_text():
                bottom += ax.xaxis.label.get_window_extent(renderer).height + pad
            right += _width(xticks, renderer) / 2  # the last x tick label is centred on the edge
        title = ax.title
        if title.get_text():
            top += title.get_window_extent(renderer).height + ax.titleOffsetTrans.get_matrix()[1, 2]
        # never less than a third of the figure for the plot itself
        if left + right > width * 2 / 3:
            k = width * 2 / 3 / (left + right)
            left, right = left * k, right * k
        # values written after their bars: as much room as they need, within that third
        right = max(right, min(self._text_room(ax, renderer, width, left, pad),
                               width * 2 / 3 - left))
        if top + bottom > height * 2 / 3:
            k = height * 2 / 3 / (top + bottom)
            top, bottom = top * k, bottom * k
        fig.subplots_adjust(left=left / width, right=1 - right / width,
                            bottom=bottom / height, top=1 - top / height)
        if title.get_text():  # centred over the axes, but inside the figure
            tw = title.get_window_extent(renderer).width
            x0, x1 = left, width - right
            centre = min(max((x0 + x1) / 2, tw / 2 + pad), width - tw / 2 - pad)
            title.set_x((centre - x0) / (x1 - x0))

    @staticmethod
    def _text_room(ax, renderer, width: float, left: float, pad: float) -> float:
        """The right margin that keeps the axes' left-aligned texts (a value written after its
        bar) inside the figure: such a text starts at a fixed fraction of the axes' width."""
        need = 0.0
        for t in ax.texts:
            if not (t.get_visible() and t.get_in_layout() and t.get_text()) \
                    or t.get_horizontalalignment() != "left" \
                    or t.get_transform() is not ax.transData:
                continue
            frac = ax.transAxes.inverted().transform(ax.transData.transform(t.get_position()))[0]
            if not 0.0 < frac < 1.0:
                continue
            tw = t.get_window_extent(renderer).width
            need = max(need, width - left - (width - pad - left - tw) / frac)
        return need
