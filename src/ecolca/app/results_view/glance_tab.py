"""The "At a glance" tab: the report's first page on screen (issue #20.2).

Per impact category the result in one sentence, the uncertainty in words (the parameters named where
the deterministic Δ lies outside the Monte Carlo interval), the data gaps that can flip the
sign, the calibration level, the park-wide gaps and how to read it: the words of
:mod:`ecolca.report.onepage`, which the report's "At a glance" sheet and ``ecolca run`` print
too. Read-only rich text; it follows the results and the live edits like the Summary.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from ecolca.app.results_view.common import _html

GAP_COLOR = "#9C0006"
LABEL_COLOR = "#2F5D50"


def glance_html(page) -> str:
    """The page (an :class:`ecolca.report.onepage.Glance`) as the rich text the tab shows."""
    parts = [f"<h3 style='color:{LABEL_COLOR}; margin-bottom:2px'>{_html(page.title)}</h3>",
             f"<p style='color:#555'><i>{_html(page.date)} · every figure per year for the "
             "whole park</i></p>",
             f"<p>{_html(page.compared)}<br>{_html(page.calibration)}</p>"]
    for m in page.methods:
        body = f"<b>{_html(m.sentence)}</b>"
        if m.uncertainty:
            body += f"<br>Uncertainty: {_html(m.uncertainty)}"
        if m.gaps:
            body += f"<br><span style='color:{GAP_COLOR}'>{_html(m.gaps_text)}</span>"
        parts.append(f"<p><b style='color:{LABEL_COLOR}'>{_html(m.label)}</b><br>{body}</p>")
    if page.gaps:
        parts.append(f"<p><b style='color:{LABEL_COLOR}'>Across the park</b><br>"
                     + "<br>".join(f"<span style='color:{GAP_COLOR}'>{_html(g)}</span>"
                                   for g in page.gaps) + "</p>")
    parts.append(f"<p style='color:#555'><i>{_html(page.how_to_read)}</i></p>")
    return "".join(parts)


class GlanceTab:
    """The "At a glance" tab of :class:`~ecolca.app.results_view.ResultsView` (a mixin of the
    view: it builds the tab's widget on the view and renders the view's results into it)."""

    def _build_glance(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(4, 4, 4, 4)
        self.glance_browser = QTextBrowser()
        self.glance_browser.setObjectName("glanceBrowser")
        self.glance_browser.setOpenLinks(False)
        self.glance_browser.setReadOnly(True)
        lay.addWidget(self.glance_browser)
        self.tabs.addTab(page, "At a glance")

    def glance_text(self) -> str:
        """The tab's text as plain text (for tests and copying)."""
        self._ensure("At a glance")
        return self.glance_browser.toPlainText()

    def _render_glance(self) -> None:
        # the report package (and openpyxl with it) loads when the tab is first shown, not
        # when the app starts (tests/test_startup.py)
        from ecolca.report import onepage

        scroll = self.glance_browser.verticalScrollBar().value()
        self.glance_browser.setHtml(glance_html(onepage.build(self._results, where="app")))
        self.glance_browser.verticalScrollBar().setValue(scroll)  # a live edit keeps the place
