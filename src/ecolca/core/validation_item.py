"""The checks of :func:`ecolca.core.validation.validate` that one site or one exchange takes part in.

When a scenario was valid and an edit changed one item only (the app knows which: a field of the
exchange panel, a cell of a site's flows), only the checks that read that item can fail: its own
fields, the exchanges that start or end at it, and the balances (Σq ≤ residue, Σr·q ≤ supply) of
the flows it touches. :func:`validate_item` runs :func:`validate` on a scenario made of just
those sites and exchanges (the same objects, not copies), so the rules are the ones of
``validation.py``, never a second copy of them, and an edit of one number in a 100-site park
costs one site's checks, not the park's.

Its problems' ``path`` indices are those of the small scenario, not of the park: use them to
decide (e.g. whether live results can be shown), and show the whole scenario's
:func:`validate` to the user.
"""

from __future__ import annotations

from ecolca.core.errors import Problem
from ecolca.core.model import Scenario
from ecolca.core.validation import validate


def neighbourhood(sc: Scenario, kind: str, item_id: str) -> Scenario | None:
    """The part of ``sc`` whose checks read site or exchange ``item_id``; None when there is no
    such item."""
    if kind == "exchange":
        e = sc.exchange(item_id)
        if e is None:
            return None
        ends = {(e.from_site, e.from_flow), (e.to_site, e.to_flow)}
        exchanges = [x for x in sc.exchanges if x is e or (x.from_site, x.from_flow) in ends
                     or (x.to_site, x.to_flow) in ends]
    elif kind == "site":
        s = sc.site(item_id)
        if s is None:
            return None
        exchanges = [x for x in sc.exchanges if item_id in (x.from_site, x.to_site)]
    else:
        raise ValueError(f"kind must be 'site' or 'exchange', not {kind!r}")
    wanted = {item_id} if kind == "site" else set()
    for x in exchanges:
        wanted.update((x.from_site, x.to_site))
    # the first site of each id, as Scenario.site finds it (a repeated id is the file's problem)
    sites, seen = [], set()
    for s in sc.sites:
        if s.id in wanted and s.id not in seen:
            seen.add(s.id)
            sites.append(s)
    return Scenario(name=sc.name, id=sc.id, methods=sc.methods, sites=sites, exchanges=exchanges,
                    reference_year=sc.reference_year, currency=sc.currency,
                    background_database=sc.background_database,
                    attribution_key=sc.attribution_key, calibration=sc.calibration)


def validate_item(sc: Scenario, kind: str, item_id: str) -> list[Problem]:
    """The problems of the checks that read site or exchange ``item_id`` of ``sc`` (see the
    module's docstring), plus the scenario-wide ones (name, methods). An unknown item gives
    one error."""
    part = neighbourhood(sc, kind, item_id)
    if part is None:
        return [Problem(item=f"{kind} '{item_id}'", field="id", message="no such item")]
    return validate(part)
