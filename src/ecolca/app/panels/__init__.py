"""Properties of the selected site or exchange, and the dialog that creates an exchange: one
module per panel or dialog.

Every change is committed through ``Document.edit`` (one undo step, named after the field), so
the panels hold no state of their own: ``refresh`` redraws them from the scenario.
"""

from ecolca.app.panels.common import (Catalog, describe_uncertainty, fmt_number, number_problem,
                                      parse_number, pick_activity, show_start)
from ecolca.app.panels.dialogs import TransportDialog, UncertaintyDialog
from ecolca.app.panels.exchange_dialog import ExchangeDialog, residue_left, supply_need
from ecolca.app.panels.exchange_form import ExchangeForm, apply_exchange
from ecolca.app.panels.exchange_panel import ExchangePanel
from ecolca.app.panels.properties_panel import PropertiesPanel
from ecolca.app.panels.scenario_panel import ScenarioPanel
from ecolca.app.panels.site_panel import SitePanel

__all__ = ["Catalog", "describe_uncertainty", "fmt_number", "number_problem", "parse_number",
           "pick_activity", "show_start", "TransportDialog", "UncertaintyDialog",
           "ExchangeDialog", "residue_left", "supply_need", "ExchangeForm", "apply_exchange",
           "ExchangePanel", "PropertiesPanel", "ScenarioPanel", "SitePanel"]
