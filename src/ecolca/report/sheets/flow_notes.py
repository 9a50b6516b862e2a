"""Flow notes: the comment and source of every flow that has one."""

from __future__ import annotations

from ecolca.report import common as cm
from ecolca.report.layout import Sheet

NAME = "Flow notes"
ORDER = 86
MAX_TEXT = 80


def applies(ctx: cm.Context) -> bool:
    return any(f.comment or f.source for _, f in ctx.scenario.iter_flows())


def write(sh: Sheet, ctx: cm.Context) -> None:
    sh.title("Comments and sources of the flows",
             "The flows themselves are on Input flows (same site and flow ids).")
    sh.table([("Site id", "text"), ("Flow id", "text"), ("Flow", "wrap"), ("Comment", "wrap"),
              ("Source", "wrap")],
             [[s.id, f.id, f.name, f.comment or None, f.source or None]
              for s, f in ctx.scenario.iter_flows() if f.comment or f.source],
             caps={"Site id": 14, "Flow id": 14, "Flow": 24, "Comment": 70, "Source": 70})
