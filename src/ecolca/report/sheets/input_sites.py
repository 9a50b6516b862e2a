"""Input sites: every site of the scenario."""

from __future__ import annotations

from ecolca.report import common as cm
from ecolca.report.layout import Sheet
from ecolca.report.tables import drop_empty

NAME = "Input sites"
ORDER = 84
MAX_TEXT = 40


def write(sh: Sheet, ctx: cm.Context) -> None:
    sc = ctx.scenario
    sh.title(f"Sites of the scenario ({len(sc.sites)})",
             "x, y: the position on the park map (any unit). Optional columns empty for every "
             "site are left out.")
    sh.table(*drop_empty(
        [("Site id", "text"), ("Name", "text"), ("Sector", "text"), ("Location", "text"),
         ("Confidential", "text"), ("x", "auto"), ("y", "auto"), ("Description", "wrap")],
        [[s.id, s.name, s.sector or None, s.location or None, s.confidential, *s.position,
          s.description or None] for s in sc.sites],
        optional={"Sector", "Location", "x", "y", "Description"}), caps={"Description": 70})
