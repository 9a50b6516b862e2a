"""The scenario model: a park of sites, their flows, and the exchanges between them.

Plain dataclasses, no Qt and no Brightway, so that the CLI, the app and tests share them. The
vocabulary is methodology.md §1: a *site* declares *flows* (product, supply, residue, emission) as
it would operate on its own (the *linear* configuration); an *exchange* sends part of one site's
residue to another site's supply (the *symbiotic* configuration) with a *substitution ratio*.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterator, Literal, get_args

from ecolca.core import units

# The fixed choices of the model (docs/glossary.md). Each field that takes one of them is checked
# by :func:`choice_message`, which both the file reader (ecolca.core.scenario_file) and
# :func:`ecolca.core.validation.validate` (what the app and Python callers run) call: one list, one
# message, whichever way a scenario was made.
# The Literal types annotate the fields (for type checkers and readers); the tuples are the same
# lists at run time, in the order the app shows them.
FlowKind = Literal["product", "supply", "residue", "emission"]
# what a flow or an exchange carries: the ``category`` of both
Category = Literal["material", "energy", "water", "by-product"]
UncertaintyType = Literal["none", "lognormal", "triangular", "uniform", "normal"]
# who pays an exchange's transport or processing: its receiver or its supplier (giving site)
Payer = Literal["receiver", "supplier"]
AttributionKey = Literal["physical", "50/50", "economic", "receiver", "supplier"]
InventoryScope = Literal["complete", "partial"]
CalibrationLevel = Literal["illustrative", "partly calibrated", "calibrated"]
# where an amount comes from: "sourced" (a publication, a measurement: its source in the item's
# ``source``), "estimated" (the modeller's estimate from related data), "assumed" (a placeholder),
# "unspecified" (a file written before amount bases; never chosen)
AmountBasis = Literal["sourced", "estimated", "assumed", "unspecified"]

FLOW_KINDS: tuple[str, ...] = get_args(FlowKind)
CATEGORIES: tuple[str, ...] = get_args(Category)
UNCERTAINTY_TYPES: tuple[str, ...] = get_args(UncertaintyType)
PAYERS: tuple[str, ...] = get_args(Payer)
ATTRIBUTION_KEYS: tuple[str, ...] = get_args(AttributionKey)
INVENTORY_SCOPES: tuple[str, ...] = get_args(InventoryScope)
CALIBRATION_LEVELS: tuple[str, ...] = get_args(CalibrationLevel)
AMOUNT_BASES: tuple[str, ...] = get_args(AmountBasis)

# field (as problems name it) -> its choices
CHOICES: dict[str, tuple[str, ...]] = {
    "attribution_key": ATTRIBUTION_KEYS,
    "calibration": CALIBRATION_LEVELS,
    "inventory": INVENTORY_SCOPES,
    "kind": FLOW_KINDS,  # of a flow
    "category": CATEGORIES,  # of a flow
    "exchange.category": CATEGORIES,
    "amount_basis": AMOUNT_BASES,
    "economics.transport_paid_by": PAYERS,
    "economics.processing_paid_by": PAYERS,
    "uncertainty.type": UNCERTAINTY_TYPES,
}


def choice_message(field: str, value: Any) -> str | None:
    """Why ``value`` is refused for ``field`` (a key of :data:`CHOICES`), or None when it is one
    of the field's choices. Case and spacing count: "Physical" is refused, never read as
    "physical", so that every part of ecolca reads a value the same way."""
    choices = CHOICES[field]
    if isinstance(value, str) and value in choices:
        return None
    shown = repr(value) if not isinstance(value, str) else f"'{value[:40]}'"
    hint = ""
    if isinstance(value, str):
        near = [c for c in choices if c.casefold() == value.strip().casefold()]
        if near:
            hint = f" (did you mean '{near[0]}'?)"
    return f"must be one of {', '.join(repr(c) for c in choices)}, got {shown}{hint}"


def supplier_pays(paid_by: str) -> bool:
    """True when ``paid_by`` (an exchange's ``transport_paid_by`` or ``processing_paid_by``)
    names the supplier, False for the receiver. The economics, the physical attribution key and
    the disclosure all ask this one function, so that they cannot book a cost to different
    partners; any other value raises ValueError (validate() refuses it before a run)."""
    if paid_by == "supplier":
        return True
    if paid_by == "receiver":
        return False
    raise ValueError(f"paid_by {choice_message('economics.transport_paid_by', paid_by)}")


# what a flow's or its background activity's name says it carries ("heat-treated" is not heat)
_ENERGY_WORDS = re.compile(r"\b(steam|heat(?!-)|heating|hot water|electricity|electric power)\b",
                           re.I)
_WATER_WORDS = re.compile(r"\b(water|wastewater|effluent)\b", re.I)


def default_category(kind: str, unit: str, name: str = "", activity=None) -> str:
    """The category a flow starts with, and keeps until its author chooses one, from what is known
    of it (issue #20: surplus steam in t was filed as material):

    - "energy" for a flow in an energy unit (MJ, kWh, GJ); for a supply, residue or product whose
      name, or whose background activity's name or unit (``activity``: anything with ``name``,
      ``unit`` and ``product``, e.g. a catalog row), says steam, heat or electricity;
    - "water" where the name or the activity says water, wastewater or effluent (never from the
      unit alone: m3 is also gas; "hot water" is heat, so energy);
    - else "material" (the file format's default)."""
    def energy_unit(u) -> bool:
        return isinstance(u, str) and units.is_known(u) and units.dimension(u) == "energy"

    if energy_unit(unit):
        return "energy"
    if kind == "emission":
        return "material"
    texts = [name or ""]
    if activity is not None:
        if energy_unit(getattr(activity, "unit", None)):
            return "energy"
        texts += [getattr(activity, "name", "") or "", getattr(activity, "product", "") or ""]
    for words, category in ((_ENERGY_WORDS, "energy"), (_WATER_WORDS, "water")):
        if any(words.search(t) for t in texts):
            return category
    return "material"

DEFAULT_METHODS: list[tuple[str, ...]] = [
    ("IPCC 2021", "climate change", "global warming potential (GWP100)"),
    ("EF v3.1", "climate change", "global warming potential (GWP100)"),
    ("EF v3.1", "acidification", "accumulated exceedance (AE)"),
    ("EF v3.1", "eutrophication: freshwater", "fraction of nutrients reaching freshwater end compartment (P)"),
    ("EF v3.1", "particulate matter formation", "impact on human health"),
    ("EF v3.1", "energy resources: non-renewable", "abiotic depletion potential (ADP): fossil fuels"),
    ("EF v3.1", "water use", "user deprivation potential (deprivation-weighted water consumption)"),
    ("ReCiPe 2016 v1.03, midpoint (H)", "climate change", "global warming potential (GWP1000)"),
    ("Cumulative Energy Demand (CED)", "energy resources: non-renewable", "energy content (HHV)"),
]


def _find(items: list, index: dict, key: str):
    """The first item of ``items`` whose ``id`` is ``key``, through ``index`` (id -> (position,
    item)). A hit is checked (the item is still at that position with that id), and the index is
    rebuilt when stale, so callers may edit ``items`` freely; a linear search per call made large
    parks quadratic."""
    hit = index.get(key)
    if hit is not None and hit[0] < len(items) and items[hit[0]] is hit[1] and hit[1].id == key:
        return hit[1]
    index.clear()
    for i, x in enumerate(items):
        index.setdefault(x.id, (i, x))
    hit = index.get(key)
    return hit[1] if hit is not None else None


def _renamed(old: str, new: str) -> property:
    """What a field renamed in December 2026 (docs/glossary.md) leaves behind: reading or setting
    ``old`` raises AttributeError naming ``new``, so that code written for the old name fails
    loudly instead of setting an attribute that nothing reads."""
    def refuse(self, *_value):
        raise AttributeError(f"{type(self).__name__}.{old} was renamed {new} (docs/glossary.md)")
    return property(refuse, refuse)


def new_id(prefix: str = "") -> str:
    """A short random id, stable once written to a file."""
    return f"{prefix}{uuid.uuid4().hex[:8]}"


SLUG_WORDS = 4  # words kept of each name in a readable id


def slug(text: str, words: int = SLUG_WORDS) -> str:
    """``text`` as a short piece of an id: lower case, its first ``words`` words of letters and
    digits (accents dropped) joined by "-" ("Surplus steam (10 bar)" → "surplus-steam-10-bar");
    "" when nothing is left."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    parts = re.findall(r"[a-z0-9]+", plain.lower())
    return "-".join(parts[:words])


def exchange_id_for(residue: str, receiver: str, taken) -> str:
    """A readable id for a new exchange, from the names a person knows it by: "the residue to the
    receiving site" ("surplus steam" → "Valley dairy": "surplus-steam-to-valley-dairy"), with
    -2, -3 … when ``taken`` (ids in use) has it already. Never a random id a reader cannot place
    (issue #20.6)."""
    base = "-to-".join(p for p in (slug(residue), slug(receiver)) if p) or "exchange"
    cid, n = base, 2
    while cid in taken:
        cid, n = f"{base}-{n}", n + 1
    return cid


# the free text an author can clear for an audience (Scenario.cleared_text); cleared text is
# still searched (ecolca.park.confidential) for a confidential name or amount
CLEARABLE = {
    "name": "the scenario's name",
    "description": "the scenario's description",
    "sources": "the scenario's sources",
    "assumptions": "the scenario's assumptions",
    "site descriptions": "the named sites' descriptions",
    "flow names": "the named sites' flow names",
    "flow notes": "the named sites' flow comments, sources and transport labels",
    "exchange text": "descriptions, sources, transport labels and processing names of the "
                     "exchanges between named sites",
    "run notes": "the notes of the run (they quote site and flow names)",
}

# a point value within this share of its distribution's range from one end "sits at that end":
# outside the central 95 % of a uniform range, where a Monte Carlo run samples it 1 time in 40
END_SHARE = 0.025


def range_end(value: float, u) -> tuple[str, float, float] | None:
    """Where ``value`` sits in its own bounded distribution ``u`` (uniform or triangular):
    ("top" | "bottom", minimum, maximum) when it is within :data:`END_SHARE` of the range's width
    from an end (or beyond it), else None. A lognormal or normal distribution is centred on its
    value (the median or the mean), so its value never sits at an end."""
    if getattr(u, "type", "none") not in ("uniform", "triangular"):
        return None
    lo, hi = u.minimum, u.maximum
    if lo is None or hi is None or not (isinstance(value, (int, float)) and math.isfinite(value)) \
            or not (math.isfinite(lo) and math.isfinite(hi)) or not hi > lo:
        return None
    margin = END_SHARE * (hi - lo)
    if value >= hi - margin:
        return "top", float(lo), float(hi)
    if value <= lo + margin:
        return "bottom", float(lo), float(hi)
    return None


def distribution_mean(value: float, u) -> float:
    """The mean of the distribution a Monte Carlo run draws ``value`` from (``value`` itself
    for a distribution centred on it): uniform (a+b)/2, triangular (a+c+b)/3 with the mode c
    the value kept in its range (as :func:`ecolca.lca.uncertainty._sample` draws it)."""
    t = getattr(u, "type", "none")
    if t == "uniform" and u.minimum is not None and u.maximum is not None:
        return (u.minimum + u.maximum) / 2
    if t == "triangular" and u.minimum is not None and u.maximum is not None \
            and u.maximum > u.minimum:
        return (u.minimum + min(max(value, u.minimum), u.maximum) + u.maximum) / 3
    return value


@dataclass
class Uncertainty:
    """A distribution around an amount; ``gsd`` is the geometric standard deviation (σg)."""

    type: UncertaintyType = "none"
    gsd: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    sd: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class ActivityRef:
    """A background activity (or biosphere flow) by Brightway database and code."""

    database: str
    code: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.database, self.code)

    def to_dict(self) -> dict[str, Any]:
        return {"database": self.database, "code": self.code}

    def __str__(self) -> str:
        return f"{self.database}:{self.code}"


@dataclass
class Transport:
    """Transport of an exchanged residue: ``distance_km`` km by ``mode`` (a background t·km
    activity)."""

    mode: ActivityRef
    distance_km: float
    uncertainty: Uncertainty = field(default_factory=Uncertainty)
    label: str = ""

    distance = _renamed("distance", "distance_km")


@dataclass
class Flow:
    """One annual flow of a site, in the stand-alone (linear) case.

    * ``product``: what the site sells; defines the functional unit; ``price`` is its sales value.
    * ``supply``: bought from the market; ``activity`` is the background producer; ``price`` is the
      purchase price per unit.
    * ``residue``: leaves the site unsold; ``fate`` is its linear treatment or disposal activity
      (``None``: released untreated, no burden); ``price`` is the disposal fee per unit.
    * ``emission``: a direct elementary flow; ``activity`` is the biosphere3 flow.

    ``conversion_factor``: units of the background activity's unit per unit of this flow, needed
    only when the two units lie in different dimensions (t of steam -> MJ); never guessed.

    ``transport``: delivery of a supply to the site, or haul of a residue to its fate (mass flows
    only). It scales with the amount, so an exchange that replaces part of a supply also avoids
    that part's delivery, and one that diverts a residue avoids its haul to the fate.
    """

    id: str
    kind: FlowKind
    name: str
    amount: float
    unit: str
    activity: ActivityRef | None = None
    fate: ActivityRef | None = None
    conversion_factor: float | None = None
    price: float | None = None
    uncertainty: Uncertainty = field(default_factory=Uncertainty)
    transport: list[Transport] = field(default_factory=list)
    category: Category = "material"
    comment: str = ""
    source: str = ""
    # where ``amount`` comes from (AmountBasis; its source is ``source``): a new flow is assumed
    amount_basis: AmountBasis = "assumed"


@dataclass
class Site:
    id: str
    name: str
    sector: str = ""
    location: str = ""
    confidential: bool = False
    description: str = ""
    # "complete": the site's flows are its whole operation; "partial": only the part that the
    # exchanges touch (then Δ % of the park is not meaningful, and reads "n/m")
    inventory: InventoryScope = "complete"
    # where the site is drawn on the app's canvas: (x, y), the file's "position": {"x", "y"}
    position: tuple[float, float] = (0.0, 0.0)
    # geographic position in decimal degrees (WGS 84), optional: the synergy finder's distances
    latitude: float | None = None
    longitude: float | None = None
    flows: list[Flow] = field(default_factory=list)
    _flow_index: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    x = _renamed("x", "position: (x, y)")
    y = _renamed("y", "position: (x, y)")

    def flow(self, flow_id: str) -> Flow | None:
        return _find(self.flows, self._flow_index, flow_id)

    def flows_of(self, kind: str) -> list[Flow]:
        return [f for f in self.flows if f.kind == kind]


@dataclass
class Processing:
    """An extra input per unit of exchanged residue (drying heat, grinding power, chemicals)."""

    activity: ActivityRef
    amount_per_unit: float
    unit: str
    name: str = ""
    conversion_factor: float | None = None
    uncertainty: Uncertainty = field(default_factory=Uncertainty)


@dataclass
class ExchangeEconomics:
    """Money per unit of exchanged residue, in the scenario currency.

    ``price``: paid by the receiver to the supplier (negative: the supplier pays a gate fee).
    """

    price: float = 0.0
    transport_cost: float = 0.0
    processing_cost: float = 0.0
    transport_paid_by: Payer = "receiver"
    processing_paid_by: Payer = "receiver"


@dataclass
class Exchange:
    """A symbiotic link: ``amount`` of ``from_site``'s residue ``from_flow`` replaces
    ``substitution_ratio`` × amount of ``to_site``'s supply ``to_flow``.

    ``amount`` is in the residue's unit; ``substitution_ratio`` in supply units per residue unit.
    """

    id: str
    from_site: str
    from_flow: str
    to_site: str
    to_flow: str
    amount: float
    substitution_ratio: float = 1.0
    category: Category = "by-product"
    transport: list[Transport] = field(default_factory=list)
    processing: list[Processing] = field(default_factory=list)
    economics: ExchangeEconomics = field(default_factory=ExchangeEconomics)
    amount_uncertainty: Uncertainty = field(default_factory=Uncertainty)
    ratio_uncertainty: Uncertainty = field(default_factory=Uncertainty)
    description: str = ""
    source: str = ""
    # where the exchanged amount q comes from (AmountBasis; its source is ``source``): a new
    # exchange is assumed; the report states the share of Δ that rests on amounts not sourced
    amount_basis: AmountBasis = "assumed"

    kind = _renamed("kind", "category")


@dataclass
class Scenario:
    """A park over one reference year, with everything needed to compute and report it."""

    name: str
    id: str = field(default_factory=lambda: new_id("scn-"))
    description: str = ""
    reference_year: int = 2024
    currency: str = "EUR"
    background_database: str = "ecolca-open"
    methods: list[tuple[str, ...]] = field(default_factory=lambda: list(DEFAULT_METHODS))
    attribution_key: AttributionKey = "physical"
    monte_carlo_iterations: int = 0
    monte_carlo_seed: int = 42
    sites: list[Site] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    # the level the author claims ("illustrative": an example, not a basis for decisions; "partly
    # calibrated"; "calibrated"), or "" (no claim). What is reported is computed from the amounts'
    # bases (calibration_of below): this claim can only lower it
    calibration: CalibrationLevel | Literal[""] = ""
    # free text the author has read and cleared for a park or public output, by audience:
    # {"park": ["name", "flow names"], …} (CLEARABLE above; docs/file-format.md)
    cleared_text: dict[str, list[str]] = field(default_factory=dict)

    @property
    def illustrative(self) -> bool:
        """True when the computed calibration level (:func:`calibration_of`) is illustrative."""
        return calibration_of(self).level == "illustrative"

    # id -> (position, object) indexes for site() and exchange(): see _find
    _site_index: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _exchange_index: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    # what reading the scenario's file noted without refusing it, e.g. an old key read under its
    # new name (ecolca.core.scenario_file); shown by `ecolca validate`, `ecolca run` and the app,
    # never saved
    file_notes: list[str] = field(default_factory=list, init=False, repr=False, compare=False)

    def site(self, site_id: str) -> Site | None:
        return _find(self.sites, self._site_index, site_id)

    def exchange(self, exchange_id: str) -> Exchange | None:
        return _find(self.exchanges, self._exchange_index, exchange_id)

    def iter_flows(self) -> Iterator[tuple[Site, Flow]]:
        for s in self.sites:
            for f in s.flows:
                yield s, f

    def background_refs(self) -> set[tuple[str, str]]:
        """Every (database, code) a calculation needs from the technosphere."""
        refs: set[tuple[str, str]] = set()
        for _, f in self.iter_flows():
            if f.kind == "supply" and f.activity:
                refs.add(f.activity.key)
            if f.kind == "residue" and f.fate:
                refs.add(f.fate.key)
            if f.kind in ("supply", "residue"):
                refs.update(t.mode.key for t in f.transport)
        for e in self.exchanges:
            refs.update(t.mode.key for t in e.transport)
            refs.update(p.activity.key for p in e.processing)
        return refs

    def exchange_label(self, e: Exchange) -> str:
        a, b = self.site(e.from_site), self.site(e.to_site)
        fa = a.flow(e.from_flow) if a else None
        fb = b.flow(e.to_flow) if b else None
        left = f"{a.name if a else e.from_site}: {fa.name if fa else e.from_flow}"
        right = f"{b.name if b else e.to_site}: {fb.name if fb else e.to_flow}"
        return f"{left} → {right}"

    def exchange_item(self, e: Exchange) -> str:
        """How messages name an exchange (validation, the project checks, rebase): its id, which
        the file and the app's problems find it by, then its label, which a person reads:
        "exchange 'ash-to-cement' (Power plant: fly ash → Cement plant: clinker)". The app shows
        the label alone (:func:`ecolca.core.labels.item_name`)."""
        return f"exchange '{e.id}' ({self.exchange_label(e)})"

    def new_exchange_id(self, residue: str, receiver: str, also=()) -> str:
        """:func:`exchange_id_for` among this scenario's exchange ids (and ``also``)."""
        return exchange_id_for(residue, receiver, {x.id for x in self.exchanges} | set(also))


# ---------------------------------------------------------------------------------------------
# calibration: computed from the amounts' bases, never a stored default (issue #20.4)
# ---------------------------------------------------------------------------------------------

def is_sourced(basis: str, source: str) -> bool:
    """An amount counts as sourced when its basis says so *and* it names its source."""
    return basis == "sourced" and bool(source.strip())


@dataclass
class Calibration:
    """How far a scenario's amounts rest on sources (:func:`calibration_of`)."""

    level: str                 # what is reported: the lower of the claim and the bases' level
    claimed: str               # the scenario's own claim, "" for none
    from_bases: str            # the level the amounts' bases support
    sourced: int               # amounts sourced (basis sourced and a source named)
    total: int                 # amounts counted: every flow amount > 0 and every exchange q
    counts: dict[str, int]     # amounts by basis ("sourced" only when a source is named)
    note: str                  # the level in words, with what it rests on


def calibration_of(sc: Scenario) -> Calibration:
    """The calibration level of ``sc``, computed: "calibrated" when every exchanged quantity q
    and every flow amount (> 0) is sourced, "partly calibrated" when some are, "illustrative" when
    none is (or nothing is counted) or the scenario says it is an example. A claimed level
    (``sc.calibration``) can only lower it, and the note says so."""
    counts: dict[str, int] = {}
    items = [(f.amount_basis, f.source) for _, f in sc.iter_flows()
             if isinstance(f.amount, (int, float)) and f.amount > 0]
    items += [(e.amount_basis, e.source) for e in sc.exchanges]
    for basis, source in items:
        key = basis if basis != "sourced" or is_sourced(basis, source) else "sourced, no source"
        counts[key] = counts.get(key, 0) + 1
    n, k = len(items), counts.get("sourced", 0)
    from_bases = ("calibrated" if n and k == n else "partly calibrated" if k else "illustrative")
    claimed = sc.calibration if sc.calibration in CALIBRATION_LEVELS else ""
    rank = CALIBRATION_LEVELS.index
    level = claimed if claimed and rank(claimed) < rank(from_bases) else from_bases
    rest = [f"{counts[b]} {b}" for b in ("estimated", "assumed", "sourced, no source",
                                         "unspecified") if counts.get(b)]
    why = f"{k} of {n} amounts sourced" + (f" ({', '.join(rest)})" if rest else "")
    if counts.get("unspecified"):
        why += "; unspecified: the file predates amount bases"
    if not n:
        why = "no amount to source yet"
    if level == "calibrated":
        note = f"calibrated: every exchanged quantity and flow amount is sourced ({why})"
    elif claimed == "illustrative":
        note = f"illustrative: the scenario says it is an example, not a basis for decisions ({why})"
    elif level == "illustrative":
        note = f"illustrative: no amount is sourced ({why})"
    else:
        note = f"partly calibrated: {why}"
    if claimed and rank(claimed) > rank(from_bases):
        note += f"; the scenario claims '{claimed}', more than its amounts' bases support"
    elif claimed and claimed != "illustrative" and rank(claimed) < rank(from_bases):
        note += f"; the scenario claims only '{claimed}'"
    return Calibration(level, claimed, from_bases, k, n, counts, note)

