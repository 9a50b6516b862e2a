"""Confidentiality: in a report for the park or the public, who is masked, what is aggregated or
suppressed and why, and which free text was changed (:mod:`ecolca.park.confidential`)."""

from __future__ import annotations

from ecolca.report import common as cm
from ecolca.report.layout import Sheet

NAME = "Confidentiality"
ORDER = 11


def _audience(ctx: cm.Context) -> dict | None:
    aud = ctx.results.metadata.get("audience")
    return aud if isinstance(aud, dict) else None


def applies(ctx: cm.Context) -> bool:
    return _audience(ctx) is not None


def write(sh: Sheet, ctx: cm.Context) -> None:
    from ecolca.park.confidential import AUDIENCE_LABELS

    aud = _audience(ctx)
    sh.title(f"Audience: {AUDIENCE_LABELS.get(aud.get('audience'), aud.get('audience'))}",
             "What this report leaves out or combines, so that the confidential sites of the "
             "park are not identified (docs/confidentiality.md).")
    sh.table([("No.", "auto"), ("What this report does", "wrap")],
             [[i + 1, n] for i, n in enumerate(aud.get("notes") or [])], caps={"What this report does": 100})
