"""Checks a scenario against methodology.md §2 before any calculation.

:func:`validate` needs no Brightway: links, balances (Σq ≤ residue, Σr·q ≤ supply), units. The
checks against a Brightway project (activities, methods, unit compatibility with the background)
are :func:`ecolca.lca.check_against_project`. Each problem names the site, flow or exchange and
the field, and carries a ``path`` the app uses to select it.
"""

from __future__ import annotations

import math

from ecolca.core import compatibility, units
from ecolca.core.errors import EcolcaError, Problem
from ecolca.core.model import (  # noqa: F401  (END_SHARE, range_end: their home is the model)
    END_SHARE, Scenario, Uncertainty, choice_message, distribution_mean, range_end,
)

# relative tolerance for balance checks: amounts typed from publications are rounded
_TOL = 1e-9

# Brightway stores matrix amounts as float32: a larger magnitude becomes infinity there
FLOAT32_MAX = 3.4028234663852886e38

# base unit of each dimension, for the magnitude check without a project
_BASE = {"mass": "kilogram", "energy": "megajoule", "volume": "cubic meter",
         "transport": "ton kilometer", "items": "item", "area": "square meter",
         "distance": "kilometer"}

# substitution ratios above these bounds (supply units per residue unit, by the pair of
# dimensions) are physically implausible and get a warning: a tonne of a residue replaces at most
# about a tonne of material (mass per mass, e.g. 1 t fly ash → ≤ 1 t clinker), and a megajoule of
# heat at most about a megajoule of useful heat (energy per energy; 1/η against a fuel, η ≥ 0.5).
# Across dimensions no bound is set: the ratio carries the conversion (t steam → MJ).
RATIO_WARN = {("mass", "mass"): 1.5, ("energy", "energy"): 2.0, ("volume", "volume"): 1.5,
              ("items", "items"): 1.5}


SOURCED_WITHOUT_SOURCE = ("the amount's basis is 'sourced' but no source is named: it counts as "
                          "not sourced in the calibration level; name the source")


def _finite_product(*xs: float) -> bool:
    """True when the product of ``xs`` is a finite float (sums of a few such stay finite)."""
    p = 1.0
    for x in xs:
        p *= x
    return math.isfinite(p) and abs(p) < 1e300


def unit_message(unit: str) -> str | None:
    """Why ``unit`` is refused (unknown or ambiguous), or None when it is known."""
    try:
        units.canonical(unit)
    except units.UnitError as exc:
        return str(exc)
    return None


def magnitude_message(amount: float, unit: str) -> str | None:
    """A message when ``amount`` in ``unit`` is beyond what Brightway can store (float32),
    measured in the dimension's base unit; None when it fits or the unit is unknown."""
    if not units.is_known(unit):
        return None
    try:
        base = amount * units.factor(unit, _BASE[units.dimension(unit)])
    except OverflowError:
        base = math.inf
    if math.isfinite(base) and abs(base) <= FLOAT32_MAX:
        return None
    return (f"{amount:g} {unit} is {abs(base):g} {_BASE[units.dimension(unit)]}, beyond the "
            f"largest amount Brightway stores ({FLOAT32_MAX:.3g}); check the amount and its unit")


# END_SHARE, range_end and distribution_mean live in the model (core/compatibility uses them too)
def end_words(name: str, value: float, end: tuple[str, float, float]) -> str:
    """'substitution ratio r = 1 is the top of its range 0.7–1'."""
    where, lo, hi = end
    if value > hi or value < lo:
        pos = f"outside its range {lo:,.6g}–{hi:,.6g} ({'above' if value > hi else 'below'})"
    else:
        pos = f"the {where} of its range {lo:,.6g}–{hi:,.6g}"
    return f"{name} = {value:,.6g} is {pos}"


def _end_message(name: str, value: float, u, end) -> str:
    mean = distribution_mean(value, u)
    return (f"{end_words(name, value, end)} ({u.type}; its Monte Carlo draws average "
            f"{mean:,.4g}): the deterministic result uses {value:,.6g}, so it can fall outside "
            "the Monte Carlo interval; if this is not the most likely value, give the most "
            "likely one (or a range around it)")

def _site_index(sc: Scenario) -> dict:
    return {s.id: (i, s) for i, s in enumerate(sc.sites)}


def validate(sc: Scenario) -> list[Problem]:
    """Every problem of ``sc`` that does not need a Brightway project; empty when valid."""
    out: list[Problem] = []
    sites = _site_index(sc)

    def add(item, fld: str, msg: str, path: tuple, severity: str = "error") -> None:
        # ``item`` may be a function: an exchange's label is only made when it has a problem
        out.append(Problem(item=item() if callable(item) else item, field=fld, message=msg,
                           path=path, severity=severity))

    def choice(item, fld: str, value, path: tuple, key: str | None = None) -> None:
        # a fixed-choice field (model.CHOICES): the same list and message as the file reader
        msg = choice_message(key or fld, value)
        if msg:
            add(item, fld, msg, path)

    def uncertainty(item, fld: str, u, path: tuple) -> None:
        if isinstance(u, Uncertainty):
            choice(item, f"{fld}.type", u.type, path + (fld, "type"), "uncertainty.type")

    def at_end(item, fld: str, name: str, value, u, path: tuple) -> None:
        # a point value at an end of its own distribution (range_end): a warning in words
        end = range_end(value, u) if isinstance(u, Uncertainty) else None
        if end is not None:
            add(item, fld, _end_message(name, value, u, end), path, "warning")

    if not sc.name.strip():
        add("scenario", "name", "is empty", ("name",))
    choice("scenario", "attribution_key", sc.attribution_key, ("attribution_key",))
    if sc.calibration != "":  # "": no claim, the level is computed from the amounts' bases
        choice("scenario", "calibration", sc.calibration, ("calibration",))
    if not sc.sites:
        add("scenario", "sites", "the scenario has no sites", ("sites",))
    if not sc.methods:
        add("scenario", "methods", "choose at least one LCIA method", ("methods",))
    seen_methods: dict[tuple, int] = {}
    for i, m in enumerate(sc.methods):
        if tuple(m) in seen_methods:
            add("scenario", f"methods[{i + 1}]", f"{' | '.join(m)} is listed twice (also "
                f"methods[{seen_methods[tuple(m)] + 1}]): its rows would be reported twice; "
                "keep one", ("methods", i))
        seen_methods.setdefault(tuple(m), i)
    if sc.sites and not any(f.kind == "emission" for _, f in sc.iter_flows()) \
            and not sc.background_refs():
        add("scenario", "sites", "nothing in this park reaches an elementary flow: no site has "
            "a supply, a residue with a fate, an emission or transport, and no exchange has "
            "transport or processing, so L and S have nothing to count; give the sites' "
            "supplies (with their background activities), the fates of their residues and their "
            "emissions", ("sites",))
    if not any(f.kind == "product" for _, f in sc.iter_flows()) and sc.sites:
        add("scenario", "sites", "no site declares a product, so the functional unit is empty",
            ("sites",), "warning")

    for si, site in enumerate(sc.sites):
        item = f"site '{site.name}'"
        spath = ("sites", si)
        choice(item, "inventory", site.inventory, spath + ("inventory",))
        pos = site.position
        if not (isinstance(pos, (tuple, list)) and len(pos) == 2 and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                for v in pos)):
            add(item, "position", f"must be (x, y), two finite numbers, got {pos!r:.60}",
                spath + ("position",))
        if not site.flows:
            add(item, "flows", "the site has no flows, so it changes neither L nor S: give it "
                "its products, supplies, residues and emissions", spath + ("flows",), "warning")
        for fi, f in enumerate(site.flows):
            fitem = f"{item}, flow '{f.name}'"
            fpath = spath + ("flows", fi)
            choice(fitem, "kind", f.kind, fpath + ("kind",))
            choice(fitem, "category", f.category, fpath + ("category",))
            choice(fitem, "amount_basis", f.amount_basis, fpath + ("amount_basis",))
            if f.amount_basis == "sourced" and not f.source.strip():
                add(fitem, "source", SOURCED_WITHOUT_SOURCE, fpath + ("source",), "warning")
            uncertainty(fitem, "uncertainty", f.uncertainty, fpath)
            at_end(fitem, "amount", "the amount", f.amount, f.uncertainty,
                   fpath + ("uncertainty",))
            for k, t in enumerate(f.transport):
                at_end(fitem, f"transport[{k + 1}].distance_km",
                       f"the distance of transport leg {k + 1}", t.distance_km,
                       t.uncertainty, fpath + ("transport", k, "uncertainty"))
            if not (isinstance(f.amount, (int, float)) and math.isfinite(f.amount)) or f.amount < 0:
                add(fitem, "amount", f"must be a finite number ≥ 0, got {f.amount!r}",
                    fpath + ("amount",))
            elif f.kind == "product" and f.amount == 0:
                add(fitem, "amount", "a product of amount 0 adds nothing to the functional unit: "
                    "give the site's yearly output", fpath + ("amount",), "warning")
            umsg = unit_message(f.unit)
            if umsg:
                add(fitem, "unit", umsg, fpath + ("unit",))
            elif isinstance(f.amount, (int, float)) and (big := magnitude_message(f.amount, f.unit)):
                add(fitem, "amount", big, fpath + ("amount",))
            if f.kind == "supply" and f.activity is None:
                add(fitem, "activity", "a supply needs the background activity that produces it",
                    fpath + ("activity",))
            if f.kind == "emission" and f.activity is None:
                add(fitem, "activity", "an emission needs its biosphere3 flow", fpath + ("activity",))
            if f.kind == "residue" and f.fate is None and f.amount > 0:
                add(fitem, "fate", "no fate: the residue is treated as released untreated, with no "
                    "burden in the linear configuration", fpath + ("fate",), "warning")
            if f.transport and f.kind not in ("supply", "residue"):
                add(fitem, "transport", "only a supply (delivery) or a residue (haul to its fate) "
                    "has transport", fpath + ("transport",))
            for k, t in enumerate(f.transport):
                if units.is_known(f.unit) and units.dimension(f.unit) != "mass":
                    add(fitem, f"transport[{k + 1}]", f"transport in t·km needs a flow measured by "
                        f"mass, but it is in {f.unit}", fpath + ("transport", k))
                if not math.isfinite(t.distance_km) or t.distance_km < 0:
                    add(fitem, f"transport[{k + 1}].distance_km", "must be a finite number ≥ 0",
                        fpath + ("transport", k, "distance_km"))
            if f.conversion_factor is not None and not f.conversion_factor > 0:
                add(fitem, "conversion_factor", "must be a number > 0", fpath + ("conversion_factor",))
            if f.price is not None and not math.isfinite(f.price):
                add(fitem, "price", "must be finite", fpath + ("price",))
            elif f.price is not None and isinstance(f.amount, (int, float)) and \
                    not _finite_product(f.amount, f.price):
                add(fitem, "price", f"{f.price:g} × {f.amount:g} {f.unit} is too large to count "
                    "(the annual cost would be infinite); check the price and its unit",
                    fpath + ("price",))
            if site.confidential is not True and site.confidential is not False:
                add(item, "confidential", "must be true or false", spath + ("confidential",))

    leaving: dict[tuple[str, str], float] = {}
    arriving: dict[tuple[str, str], float] = {}
    for ei, e in enumerate(sc.exchanges):
        item = lambda e=e: sc.exchange_item(e)  # noqa: E731
        epath = ("exchanges", ei)
        choice(item, "category", e.category, epath + ("category",), "exchange.category")
        choice(item, "amount_basis", e.amount_basis, epath + ("amount_basis",))
        if e.amount_basis == "sourced" and not e.source.strip():
            add(item, "source", SOURCED_WITHOUT_SOURCE, epath + ("source",), "warning")
        for fld in ("transport_paid_by", "processing_paid_by"):
            choice(item, f"economics.{fld}", getattr(e.economics, fld),
                   epath + ("economics", fld))
        for fld in ("amount_uncertainty", "ratio_uncertainty"):
            uncertainty(item, fld, getattr(e, fld), epath)
        at_end(item, "amount", "the exchanged amount q", e.amount, e.amount_uncertainty,
               epath + ("amount_uncertainty",))
        at_end(item, "substitution_ratio", "the substitution ratio r", e.substitution_ratio,
               e.ratio_uncertainty, epath + ("ratio_uncertainty",))
        for k, t in enumerate(e.transport):
            at_end(item, f"transport[{k + 1}].distance_km",
                   f"the distance of transport leg {k + 1}", t.distance_km, t.uncertainty,
                   epath + ("transport", k, "uncertainty"))
        for k, pr in enumerate(e.processing):
            at_end(item, f"processing[{k + 1}].amount_per_unit",
                   f"the amount per unit of processing input '{pr.name or k + 1}'",
                   pr.amount_per_unit, pr.uncertainty, epath + ("processing", k, "uncertainty"))
        a = sites.get(e.from_site)
        b = sites.get(e.to_site)
        if a is None:
            add(item, "from.site", f"no site with id '{e.from_site}'", epath + ("from", "site"))
        if b is None:
            add(item, "to.site", f"no site with id '{e.to_site}'", epath + ("to", "site"))
        if a and b and e.from_site == e.to_site:
            add(item, "to.site", "an exchange links two different sites", epath + ("to", "site"))
        residue = a[1].flow(e.from_flow) if a else None
        supply = b[1].flow(e.to_flow) if b else None
        if a and residue is None:
            add(item, "from.flow", f"site '{a[1].name}' has no flow '{e.from_flow}'",
                epath + ("from", "flow"))
        elif residue is not None and residue.kind != "residue":
            add(item, "from.flow", f"'{residue.name}' is a {residue.kind}; an exchange starts "
                "from a residue", epath + ("from", "flow"))
        if b and supply is None:
            add(item, "to.flow", f"site '{b[1].name}' has no flow '{e.to_flow}'",
                epath + ("to", "flow"))
        elif supply is not None and supply.kind != "supply":
            add(item, "to.flow", f"'{supply.name}' is a {supply.kind}; an exchange replaces a "
                "supply", epath + ("to", "flow"))
        for fld, v in (("amount", e.amount), ("substitution_ratio", e.substitution_ratio)):
            if not (isinstance(v, (int, float)) and math.isfinite(v)) or v < 0:
                add(item, fld, f"must be a finite number ≥ 0, got {v!r}", epath + (fld,))
        if residue is not None and supply is not None and residue.kind == "residue" \
                and supply.kind == "supply" and units.is_known(residue.unit) \
                and units.is_known(supply.unit) and math.isfinite(e.substitution_ratio):
            dims = (units.dimension(residue.unit), units.dimension(supply.unit))
            bound = RATIO_WARN.get(dims)
            if bound is not None:
                # the ratio in base units: supply base units per residue base unit
                r_base = e.substitution_ratio * units.factor(supply.unit, _BASE[dims[1]]) \
                    / units.factor(residue.unit, _BASE[dims[0]])
                if r_base > bound:
                    add(item, "substitution_ratio",
                        f"{e.substitution_ratio:g} {supply.unit} of '{supply.name}' per "
                        f"{residue.unit} of '{residue.name}' is {r_base:.3g} {_BASE[dims[1]]} per "
                        f"{_BASE[dims[0]]}, above the plausible {bound:g} for {dims[0]} replacing "
                        f"{dims[1]}; check the ratio and the two units",
                        epath + ("substitution_ratio",), "warning")
            if isinstance(e.amount, (int, float)) and math.isfinite(e.amount):
                for fld, amt, unit in (("amount", e.amount, residue.unit),
                                       ("substitution_ratio", e.amount * e.substitution_ratio,
                                        supply.unit)):
                    big = magnitude_message(amt, unit)
                    if big:
                        add(item, fld, big, epath + (fld,))
        for fld in ("price", "transport_cost", "processing_cost"):
            v = getattr(e.economics, fld)
            if isinstance(e.amount, (int, float)) and not _finite_product(e.amount, v, 10.0):
                add(item, f"economics.{fld}", f"{v:g} per unit × {e.amount:g} is too large to "
                    "count (the annual cost would be infinite)", epath + ("economics", fld))
        for k, t in enumerate(e.transport):
            if not math.isfinite(t.distance_km) or t.distance_km < 0:
                add(item, f"transport[{k + 1}].distance_km", "must be a finite number ≥ 0",
                    epath + ("transport", k, "distance_km"))
            elif residue is not None and units.is_known(residue.unit) and \
                    units.dimension(residue.unit) == "mass" and math.isfinite(e.amount) and (
                    big := magnitude_message(units.convert(e.amount, residue.unit, "ton")
                                             * t.distance_km, "ton kilometer")):
                add(item, f"transport[{k + 1}].distance_km", big,
                    epath + ("transport", k, "distance_km"))
            if residue is not None and units.is_known(residue.unit) \
                    and units.dimension(residue.unit) != "mass":
                add(item, f"transport[{k + 1}]", f"transport in t·km needs a residue measured by "
                    f"mass, but '{residue.name}' is in {residue.unit}; model pipes and cables as "
                    "processing inputs instead", epath + ("transport", k))
        for k, p in enumerate(e.processing):
            if not math.isfinite(p.amount_per_unit) or p.amount_per_unit < 0:
                add(item, f"processing[{k + 1}].amount_per_unit", "must be a finite number ≥ 0",
                    epath + ("processing", k, "amount_per_unit"))
            umsg = unit_message(p.unit)
            if umsg:
                add(item, f"processing[{k + 1}].unit", umsg, epath + ("processing", k, "unit"))
            elif residue is not None and units.is_known(residue.unit) and (
                    big := magnitude_message(p.amount_per_unit * e.amount, p.unit)):
                add(item, f"processing[{k + 1}].amount_per_unit", big,
                    epath + ("processing", k, "amount_per_unit"))
            if p.conversion_factor is not None and not p.conversion_factor > 0:
                add(item, f"processing[{k + 1}].conversion_factor", "must be a number > 0",
                    epath + ("processing", k, "conversion_factor"))
        if residue is not None and supply is not None and residue.kind == "residue" \
                and supply.kind == "supply" and (msg := compatibility_message(e, residue, supply)):
            add(item, "to.flow", msg, epath + ("to", "flow"), "warning")
        if residue is not None and residue.kind == "residue":
            key = (e.from_site, e.from_flow)
            leaving[key] = leaving.get(key, 0.0) + e.amount
        if supply is not None and supply.kind == "supply":
            key = (e.to_site, e.to_flow)
            arriving[key] = arriving.get(key, 0.0) + e.substitution_ratio * e.amount

    balances = (
        (leaving, "residue", "exchanges take {total} {unit} but the site declares only {amount} {unit}"),
        (arriving, "supply", "exchanges replace {total} {unit} (Σ substitution ratio × amount) but "
                             "the site buys only {amount} {unit}"),
    )
    for totals, kind, template in balances:
        for (sid, fid), total in totals.items():
            i, site = sites[sid]
            f = site.flow(fid)
            if total > f.amount * (1 + _TOL) + 1e-12:
                add(f"site '{site.name}', {kind} '{f.name}'", "amount",
                    template.format(total=f"{total:,.6g}", amount=f"{f.amount:,.6g}", unit=f.unit),
                    ("sites", i, "flows", site.flows.index(f), "amount"))
    return out


def _short(source: str, n: int = 70) -> str:
    """A source cut at a word before ``n`` characters (the publication comes first; the whole
    source is in databases/compatibility.csv)."""
    text = " ".join(source.split())
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def compatibility_message(e, residue, supply) -> str | None:
    """A warning when the compatibility table (:mod:`ecolca.core.compatibility`) knows the
    residue's kind but has no row for this residue → supply pair: it names the rows of that kind
    and their sources, and the exchange's own source when it has one (the warning stays: a
    source the table does not carry is the user's claim, for a reader to check). None when a row
    matches, or when no row knows the residue (the table says nothing about it)."""
    try:
        rows = compatibility.load_table()
    except (EcolcaError, OSError):
        return None  # the finder reports an unreadable table; validation does not guess
    matched, same = compatibility.pair_rows(rows, residue, supply)
    if matched or not same:
        return None
    kinds: dict[str, list[str]] = {}
    for r in same:
        kinds.setdefault(r.residue_kind, []).append(
            f"{r.supply_kind} (row '{r.id}': {_short(r.source)})")
    known = "; ".join(f"{k} is matched only to {', '.join(v)}" for k, v in kinds.items())
    text = (f"'{residue.name}' → '{supply.name}': no compatibility row "
            f"(databases/compatibility.csv) for this pair; {known}")
    if e.source.strip():
        return text + f"; your source: {e.source.strip()}"
    return text + ("; check the substitution, or give the exchange's source for a reader to "
                   "check")


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


CONFIDENTIAL_WARNING = ("a warning about a confidential site; an internal report shows it "
                        "(docs/confidentiality.md)")


def warning_records(sc: Scenario, problems: list[Problem]) -> list[dict]:
    """The warnings among ``problems`` as JSON-ready records (``item``, ``field``, ``message``,
    ``path``), each marked ``confidential`` when it concerns a confidential site (its path is in
    one, or in an exchange to or from one): what ``ecolca run`` prints, ``--json`` lists and the
    report's Summary shows."""
    return flag_confidential([{"item": p.item, "field": p.field, "message": p.message,
                               "path": list(p.path)} for p in problems
                              if p.severity == "warning"], sc)


TEXT_WITHHELD = ("a validation warning; its text is withheld in a park or public output (it "
                 "quotes names and amounts) unless the scenario clears 'run notes'")


def flag_confidential(records: list[dict], sc: Scenario, also: set[str] = frozenset()
                      ) -> list[dict]:
    """``records`` (:func:`warning_records`) with ``confidential`` set from the sites of ``sc``
    as they are now (a site may be marked confidential after the run): True for a warning whose
    path is in a confidential site (or a site of ``also``: those pooled with it) or in an
    exchange to or from one."""
    conf = {i for i, s in enumerate(sc.sites) if s.confidential is True or s.id in also}
    conf_ids = {sc.sites[i].id for i in conf}
    out = []
    for r in records:
        path = r.get("path") or []
        secret = bool(r.get("confidential")) and not path  # already masked: stays so
        if len(path) >= 2 and path[0] == "sites" and isinstance(path[1], int):
            secret = path[1] in conf
        elif len(path) >= 2 and path[0] == "exchanges" and isinstance(path[1], int) \
                and path[1] < len(sc.exchanges):
            e = sc.exchanges[path[1]]
            secret = e.from_site in conf_ids or e.to_site in conf_ids
        out.append(dict(r, confidential=secret))
    return out


def disclosed_warnings(records: list[dict], audience: str = "internal",
                       text_cleared: bool = False) -> list[dict]:
    """``records`` (:func:`warning_records`) as an output for ``audience`` may show them: all of
    them in an internal one; in a park or public one, a warning about a confidential site keeps
    only its field (its item and message may name the site or its amounts), and so does every
    other warning unless its text was cleared for the audience (``text_cleared``: item and
    message quote flow names, which such an output withholds)."""
    if audience == "internal":
        return list(records)
    return [(r if text_cleared else
             {"item": "a named site or exchange", "field": r["field"], "message": TEXT_WITHHELD,
              "path": [], "confidential": False}) if not r.get("confidential") else
            {"item": "a confidential site", "field": r["field"], "message": CONFIDENTIAL_WARNING,
             "path": [], "confidential": True} for r in records]
