"""The results view: tables and charts of one comparison, one module per tab.

:class:`ResultsView` (``view``) composes the tabs (``summary_tab``, ``exchanges_tab``,
``sites_tab``, ``economics_tab``, ``inventory_tab``, ``uncertainty_tab``); ``chart`` and
``common`` hold what they share.
"""

from ecolca.app.labels import exchange_labels
from ecolca.app.results_view.common import (EMPTY_TEXT, KEYS_NOTE, PART_COLORS, PARTS, STALE_TEXT,
                                            TOP_EXCHANGES, format_delta, format_eng,
                                            format_number, format_pct)
from ecolca.app.results_view.view import ResultsView

__all__ = ["ResultsView", "format_number", "format_delta", "format_pct", "format_eng",
           "TOP_EXCHANGES",
           "PART_COLORS", "PARTS", "EMPTY_TEXT", "STALE_TEXT", "KEYS_NOTE", "exchange_labels"]
