"""Results of a comparison (methodology.md §3), as plain data the CLI, the report and the app
share. Every number carries its unit; impacts are per year for the whole park.

Sign convention: Δ = symbiotic − linear; negative means the symbiosis lowers the impact.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ecolca.core.model import ATTRIBUTION_KEYS


def significant(x: float, digits: int = 4) -> str:
    """``x`` to ``digits`` significant figures with grouped digits and a true minus sign,
    never E-notation: -287,300,000; 0.7081; 0."""
    if x is None or not math.isfinite(x):
        return "—"
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    dec = max(digits - 1 - mag, 0)
    text = f"{round(x, digits - 1 - mag):,.{dec}f}"
    return text.replace("-", "−")

if TYPE_CHECKING:  # NumPy is loaded where arrays are made (the desktop app starts without it)
    import numpy as np


# the attribution keys in words, as the app's key picker and the report's sheets say them
KEY_LABELS = {
    "physical": "physical (each site's own flows; transport/processing to the payer)",
    "50/50": "50/50 per exchange",
    "economic": "by each partner's economic gain (in proportion when both gain, all to the one "
                "that gains, else 50/50; a missing price counts as 0)",
    "receiver": "all to the receiver (cut-off: residue arrives burden-free)",
    "supplier": "all to the supplier (avoided-burden credit)",
}


def method_label(method: tuple[str, ...]) -> str:
    """A short readable label: ``IPCC 2021 | climate change | GWP100``."""
    return " | ".join(method)


# a unit score whose magnitude is at most this share of the sum of the absolute contributions it
# adds up (Σ_p |c_p·b_p|·|s_p| over the processes of its supply chain) is cancellation noise of
# the float64 solve and sums, and is 0 ("below numerical precision"). float64 sums carry a
# relative error of about n·1.1e-16 (n terms, 1e6 at most here: 1.1e-10); 1e-9 keeps a margin of
# 10 over that and stays 60 times below the precision of the float32 amounts Brightway stores
# (2^-24 ≈ 6e-8), so no figure the data can resolve is ever hidden.
PRECISION_RTOL = 1e-9

# one side of an exchange, or a site, with no data for a category (ecolca.lca.coverage)
SITE_NOT_COVERED = ("not covered: no process of this site's supply chains has a flow this "
                    "category characterises")
SIDE_MISSING = {
    "avoided": "the avoided side has no data for this category: its saving is not counted",
    "added": "the added side (transport, processing) has no data for this category: its burden "
             "is not counted",
}

# the one id that stands for the confidential partners of a site in a shared output
# (ecolca.park.confidential)
PARTNERS_ID = "confidential-partners"

@dataclass
class Coverage:
    """How far the background databases can see a category (definition in
    docs/methodology-notes.md, "Coverage"): of the ``processes`` in the scenario's supply chain
    that exchange any elementary flow, ``covered`` have at least one flow the method
    characterises. ``status`` is "covered" (all), "partial" or "not covered" (none, and no
    characterised direct emission at a site either): then L, S and Δ are not results but the
    absence of data, and are shown as "not covered by <databases>", never as 0."""

    status: str
    processes: int
    covered: int
    databases: list[str]
    missing: list[str] = field(default_factory=list)   # names, scenario's own activities first
    missing_more: int = 0                               # further uncovered processes not named
    direct_emissions: bool = False                     # a site's direct emission is characterised

    @property
    def share(self) -> float:
        return self.covered / self.processes if self.processes else (1.0 if self.direct_emissions else 0.0)

    def label(self) -> str:
        """'not covered by ecolca-open', or a short partial-coverage note, or ''."""
        dbs = ", ".join(self.databases) or "the background"
        if self.status == "not covered":
            return f"not covered by {dbs}"
        if self.status == "partial":
            names = "; ".join(self.missing) + (f"; and {self.missing_more} more"
                                               if self.missing_more else "")
            return (f"partial: {self.covered} of {self.processes} processes have a "
                    f"characterised flow; none in {names}")
        return ""

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "share": self.share, "processes": self.processes,
                "covered": self.covered, "databases": self.databases,
                "missing": self.missing, "missing_more": self.missing_more,
                "direct_emissions_characterised": self.direct_emissions}


@dataclass
class MethodResult:
    method: tuple[str, ...]
    unit: str
    linear: float
    symbiotic: float
    coverage: Coverage | None = None
    # why Δ % is not meaningful (e.g. sites that declare only the replaceable part of their
    # inventory); None when it is
    pct_note: str | None = None
    # S − L is at most PRECISION_RTOL of the sum of the absolute contributions (rounding noise):
    # Δ is 0, "below numerical precision", and there is no Δ % (ecolca.lca.coverage)
    below_precision: bool = False
    # (exchange label, side without data: "avoided" or "added") of the exchanges whose covered
    # side alone sets the sign of their Δ_e in this category (ecolca.lca.coverage)
    one_sided: list = field(default_factory=list)
    # the sum of the absolute contributions of the park's terms (the scale of its figures'
    # precision); 0 when not known
    scale: float = 0.0

    def noise(self, x: float) -> bool:
        """True when ``x``, a figure of this category, is below numerical precision: at most
        PRECISION_RTOL of the sum of the absolute contributions (ecolca.lca.solve)."""
        return x != 0 and abs(x) <= PRECISION_RTOL * self.scale

    @property
    def covered(self) -> bool:
        """False when no process of the supply chain has a flow this method characterises."""
        return self.coverage is None or self.coverage.status != "not covered"

    @property
    def delta(self) -> float:
        return 0.0 if self.below_precision else self.symbiotic - self.linear

    @property
    def delta_note(self) -> str | None:
        """In words, why Δ is not a plain result: below numerical precision, or one side of some
        exchanges has no data for this category; None otherwise."""
        if self.below_precision:
            return "below numerical precision"
        if not self.one_sided:
            return None

        by_side: dict[str, list[str]] = {}
        for label, side in self.one_sided:
            by_side.setdefault(side, []).append(label)

        def who(v: list[str]) -> str:
            # a park or public output names the row of exchanges with confidential partners,
            # never its members (ecolca.park.confidential)
            named = [x for x in v if x != PARTNERS_ID]
            group = (f"some of the exchanges with confidential partners ({PARTNERS_ID})"
                     if len(named) < len(v) else "")
            if not named:
                return group
            return (f"{len(named)} exchange{'s' if len(named) > 1 else ''} "
                    f"({', '.join(named[:3])}{', …' if len(named) > 3 else ''})"
                    + (f" and {group}" if group else ""))
        return "; ".join(f"{who(v)}: {SIDE_MISSING[k]}" for k, v in by_side.items())

    @property
    def delta_pct(self) -> float | None:
        """Δ/|L| in %; None when L is 0, the category is not covered, Δ is below numerical
        precision, or Δ % is not meaningful (``pct_note``)."""
        if self.linear == 0 or not self.covered or self.pct_note or self.below_precision:
            return None
        return 100.0 * self.delta / abs(self.linear)

    @property
    def relative(self) -> float | None:
        """S relative to L = 100 %; None where Δ % is None."""
        if self.linear == 0 or not self.covered or self.pct_note or self.below_precision:
            return None
        return 100.0 * self.symbiotic / self.linear


@dataclass
class ExchangeParts:
    """The four parts of one exchange's Δ_e for one method (methodology §3)."""

    exchange_id: str
    label: str
    method: tuple[str, ...]
    unit: str
    avoided_fate: float
    avoided_supply: float
    transport: float
    processing: float
    distance_km: float
    break_even_km: float | None  # None: see break_even_reason
    # why there is no break-even distance: "no transport", "nothing is moved", or "transport has
    # no impact in this method" (the exchange's Δ does not depend on the distance); None when
    # break_even_km is a number
    break_even_reason: str | None = None
    # in words, why Δ_e is not a plain result: not covered, one side without data, below
    # numerical precision (ecolca.lca.coverage); None when it is
    note: str | None = None
    below_precision: bool = False

    @property
    def total(self) -> float:
        if self.below_precision:
            return 0.0
        return self.avoided_fate + self.avoided_supply + self.transport + self.processing

    @property
    def pays_off(self) -> bool:
        return self.total < 0


def verdict(p: ExchangeParts) -> str:
    """Whether exchange ``p`` pays off, in the words of the app's Exchanges tab and the report."""
    if p.total < 0:
        v = "pays off"
    elif p.total == 0:
        v = "neutral"
    else:
        v = "does not pay off"
    try:
        be = None if isinstance(p.break_even_km, bool) else float(p.break_even_km)
    except (TypeError, ValueError):
        be = None
    if be is not None and math.isfinite(be) and be < 0:
        v += "; never at any distance"
    return v


@dataclass
class SiteResult:
    """One site's impact under L and S for one method, under an attribution key."""

    site_id: str
    site_name: str
    method: tuple[str, ...]
    unit: str
    key: str
    linear: float
    symbiotic: float

    @property
    def delta(self) -> float:
        return self.symbiotic - self.linear


@dataclass
class SiteEconomics:
    """Annual cost of a site (purchases + disposal fees − nothing for products), L and S.

    S adds exchange payments (receiver pays supplier) and the transport and processing costs of
    whoever pays them. A flow without a price counts as 0 and is listed in ``missing_prices``.
    """

    site_id: str
    site_name: str
    linear_cost: float
    symbiotic_cost: float
    missing_prices: list[str] = field(default_factory=list)

    @property
    def delta(self) -> float:
        return self.symbiotic_cost - self.linear_cost


@dataclass
class InventoryTotal:
    """A key elementary flow summed over the whole system (all compartments named)."""

    label: str
    unit: str
    linear: float
    symbiotic: float

    @property
    def delta(self) -> float:
        return self.symbiotic - self.linear


# a cost total below this share of the sum of the |costs| it adds is rounding noise: 0
COST_NOISE_RTOL = 1e-9


def cost_totals(economics: Sequence[SiteEconomics]) -> dict[str, float] | None:
    """Total linear, symbiotic and delta cost of ``economics``, or None when a site lacks a
    price or a cost is not a finite number (a cost with a price counted as 0 is not a result).
    A total below :data:`COST_NOISE_RTOL` of the costs it adds up is rounding noise and is 0."""
    if any(e.missing_prices for e in economics):
        return None
    lin = [float(e.linear_cost) for e in economics]
    sym = [float(e.symbiotic_cost) for e in economics]
    if not all(math.isfinite(x) for x in lin + sym):
        return None
    scale = sum(abs(x) for x in lin + sym)
    out = {"linear": math.fsum(lin), "symbiotic": math.fsum(sym)}
    out["delta"] = out["symbiotic"] - out["linear"]
    return {k: 0.0 if abs(v) < COST_NOISE_RTOL * scale else v for k, v in out.items()}


class _RowTable(Sequence):
    """A read-only sequence whose rows are made on demand by ``_at(index)``."""

    def _at(self, idx: int):
        raise NotImplementedError

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return [self._at(i) for i in range(*idx.indices(len(self)))]
        if idx < 0:
            idx += len(self)
        if not 0 <= idx < len(self):
            raise IndexError(idx)
        return self._at(idx)


class SiteTable(_RowTable):
    """Per-site results as arrays: a read-only sequence of :class:`SiteResult`, in the order
    method, key, site, made on demand. A park of 3,000 sites, 20 methods and 5 keys has 300,000
    rows; building them all as objects cost more than the calculation itself."""

    # (sites, methods) bool: a site's own terms have data for the method; None: not known
    covered: np.ndarray | None = None

    def __init__(self, site_ids: list[str], names: list[str], methods: list[tuple[str, ...]],
                 units: list[str], linear: np.ndarray, symbiotic: dict[str, np.ndarray]):
        self.site_ids, self.names, self.methods, self.units = site_ids, names, methods, units
        self.linear = linear            # (sites, methods)
        self.symbiotic = symbiotic      # key -> (sites, methods)
        self.keys = list(symbiotic)
        self._m = {m: j for j, m in enumerate(methods)}

    def __len__(self) -> int:
        return len(self.methods) * len(self.keys) * len(self.site_ids)

    def _row(self, j: int, key: str, i: int) -> SiteResult:
        return SiteResult(self.site_ids[i], self.names[i], self.methods[j], self.units[j], key,
                          float(self.linear[i, j]), float(self.symbiotic[key][i, j]))

    def _at(self, idx: int) -> SiteResult:
        n = len(self.site_ids)
        j, rest = divmod(idx, len(self.keys) * n)
        k, i = divmod(rest, n)
        return self._row(j, self.keys[k], i)

    def __iter__(self):
        for j in range(len(self.methods)):
            for key in self.keys:
                yield from self.rows(self.methods[j], key)

    def rows(self, method: tuple[str, ...], key: str) -> list[SiteResult]:
        j = self._m.get(tuple(method))
        if j is None or key not in self.symbiotic:
            return []
        lin, sym = self.linear[:, j].tolist(), self.symbiotic[key][:, j].tolist()
        m, u = self.methods[j], self.units[j]
        return [SiteResult(sid, name, m, u, key, a, b)
                for sid, name, a, b in zip(self.site_ids, self.names, lin, sym)]


class ExchangeTable(_RowTable):
    """Per-exchange parts as arrays: a read-only sequence of :class:`ExchangeParts`, in the
    order exchange, method, made on demand."""

    PARTS = ("avoided_fate", "avoided_supply", "transport", "processing")
    # ecolca.lca.coverage.ExchangeCoverage of these rows; None: not known (a masked table)
    coverage = None

    def __init__(self, ids: list[str], labels: list[str], methods: list[tuple[str, ...]],
                 units: list[str], parts: dict[str, np.ndarray], distance_km: list[float],
                 break_even_km: np.ndarray, break_even_reason: list[list[str | None]],
                 break_even_ratio: np.ndarray | None = None):
        import numpy as np

        self.ids, self.labels, self.methods, self.units = ids, labels, methods, units
        # r* at which the exchange's Δ_e is 0 (nan where the avoided supply has no impact)
        self.break_even_ratio = (np.full((len(ids), len(methods)), np.nan)
                                 if break_even_ratio is None else break_even_ratio)
        self.parts = parts                           # part -> (exchanges, methods)
        self.distance_km = distance_km
        self.break_even_km = break_even_km           # (exchanges, methods); nan where none
        self.break_even_reason = break_even_reason   # [exchange][method]
        self._m = {m: j for j, m in enumerate(methods)}

    def __len__(self) -> int:
        return len(self.ids) * len(self.methods)

    def totals(self) -> np.ndarray:
        """Δ_e per exchange and method (exchanges, methods). A report for another audience
        shows a group of exchanges by its Δ_e only: its parts are NaN and its Δ_e is kept in
        ``total_override`` (ecolca.park.confidential)."""
        import numpy as np

        tot = sum(self.parts[p] for p in self.PARTS) if len(self.ids) else \
            np.zeros((0, len(self.methods)))
        cov = self.coverage
        if cov is not None and len(self.ids) and cov.below_precision.shape == tot.shape:
            tot = np.where(cov.below_precision, 0.0, tot)  # rounding noise: 0
        for i, v in getattr(self, "total_override", {}).items():
            tot[i] = v
        return tot

    def note(self, i: int, j: int) -> str | None:
        """In words, why row ``i``'s Δ_e for method ``j`` is not a plain result (None: it is)."""
        cov = self.coverage
        return None if cov is None or i >= len(cov.scale) else cov.note(i, j)

    def _row(self, i: int, j: int) -> ExchangeParts:
        b = self.break_even_km[i, j]
        cov = self.coverage
        below = bool(cov is not None and i < len(cov.scale) and cov.below_precision[i, j])
        return ExchangeParts(self.ids[i], self.labels[i], self.methods[j], self.units[j],
                             *(float(self.parts[p][i, j]) for p in self.PARTS),
                             self.distance_km[i], None if b != b else float(b),
                             self.break_even_reason[i][j], self.note(i, j), below)

    def _at(self, idx: int) -> ExchangeParts:
        return self._row(*divmod(idx, len(self.methods)))

    def __iter__(self):
        for i in range(len(self.ids)):
            for j in range(len(self.methods)):
                yield self._row(i, j)

    def rows(self, method: tuple[str, ...]) -> list[ExchangeParts]:
        j = self._m.get(tuple(method))
        return [] if j is None else [self._row(i, j) for i in range(len(self.ids))]


STAT_KEYS = ("mean", "median", "p2.5", "p97.5")
# what --json gives of each parameter that puts the deterministic Δ outside the interval
CAUSE_KEYS = ("parameter", "item", "field", "value", "distribution", "minimum", "maximum", "end",
              "mean_of_draws", "delta_shift")


@dataclass
class UncertaintyResult:
    """Paired Monte Carlo statistics for one method."""

    method: tuple[str, ...]
    unit: str
    iterations: int
    seed: int
    linear: dict[str, float]  # keys: STAT_KEYS
    symbiotic: dict[str, float]
    delta: dict[str, float]
    probability_delta_negative: float
    # the draws themselves (not in --json; the report's and the app's histograms use them)
    linear_samples: np.ndarray | None = field(default=None, repr=False, compare=False)
    symbiotic_samples: np.ndarray | None = field(default=None, repr=False, compare=False)
    delta_samples: np.ndarray | None = field(default=None, repr=False, compare=False)
    standard_error: dict[str, float] = field(default_factory=dict)  # of the mean Δ and P(Δ<0)
    # the deterministic Δ beside the draws (issue #20.1): "below" or "above" when it lies
    # outside the 2.5–97.5 % interval of Δ, None inside; the parameters whose point value at an
    # end of their own range put it there (lca.uncertainty.causes_for), and the draws in which
    # an exchanged amount was cut to the drawn residue or supply
    deterministic: float | None = None
    outside: str | None = None
    causes: list[dict] = field(default_factory=list)
    clamped: int = 0

    def headline(self, fmt=None) -> str:
        """The deterministic Δ beside the Monte Carlo median and 95 % interval, in words; when it
        lies outside the interval, which parameters put it there. ``fmt`` formats a number
        (default: the number policy, :mod:`ecolca.core.numbers`: the four numbers in one scale,
        3 significant figures, with the scaled unit: −287 kt CO2-Eq)."""
        d = self.delta
        if fmt is None:
            from ecolca.core.numbers import scale_for

            sc = scale_for([self.deterministic, d.get("median"), d.get("p2.5"), d.get("p97.5")],
                           self.unit or "")
            fmt = lambda x: f"{sc.text(x)} {sc.unit}".rstrip()  # noqa: E731
        if self.deterministic is None:
            return (f"Monte Carlo median Δ {fmt(d['median'])}, 95 % interval {fmt(d['p2.5'])} … "
                    f"{fmt(d['p97.5'])}")
        where = (f"inside the Monte Carlo 95 % interval {fmt(d['p2.5'])} … {fmt(d['p97.5'])}"
                 if self.outside is None else
                 f"outside the Monte Carlo 95 % interval {fmt(d['p2.5'])} … {fmt(d['p97.5'])} "
                 f"({self.outside} it)")
        text = (f"Deterministic Δ {fmt(self.deterministic)} lies {where}; Monte Carlo median "
                f"{fmt(d['median'])} ({self.iterations:,} draws)")
        if self.outside is None:
            return text + "."
        why = [c["parameter"] for c in self.causes]
        if self.clamped:
            why.append(f"in {self.clamped:,} of {self.iterations:,} draws an exchanged amount "
                       "was cut to the drawn residue or supply (the deterministic result has "
                       "none cut)")
        if not why:
            return text + ": no parameter sits at an end of its range; the background's " \
                "distributions and the products of drawn numbers move the draws."
        return text + ", because " + "; ".join(why) + "."


# one-at-a-time rows per method in the JSON output unless asked otherwise (`--sensitivity`)
SENSITIVITY_ROWS = 50


@dataclass
class SensitivityRow:
    """One parameter moved across its range, the others at their values (one at a time)."""

    parameter: str       # "<item>: <field>"
    item: str
    field: str
    value: float
    low: float
    high: float
    basis: str           # e.g. "lognormal, 2.5–97.5 %" or "±10 % (no uncertainty given)"
    delta_low: float     # Δ with the parameter at ``low``
    delta_high: float    # Δ with the parameter at ``high``

    @property
    def swing(self) -> float:
        return abs(self.delta_high - self.delta_low)


@dataclass
class GlobalShare:
    """A parameter's first-order share of the variance of Δ (Sobol S1, estimated from the Monte
    Carlo draws with SALib's delta-moment method)."""

    parameter: str
    s1: float
    s1_conf: float


class Sensitivity:
    """Which inputs move Δ, for one method: one-at-a-time rows (largest swing first) and, after
    a Monte Carlo run, each uncertain parameter's share of the variance of Δ. The rows are made
    on first use (``make_rows``): a live update in the app need not build thousands of them."""

    def __init__(self, method: tuple[str, ...], unit: str, delta: float,
                 rows: list[SensitivityRow] | None = None,
                 global_shares: list[GlobalShare] | None = None, global_note: str = "",
                 make_rows=None, n_parameters: int | None = None):
        self.method, self.unit, self.delta = tuple(method), unit, delta
        self._rows = rows
        self._make = make_rows  # make_rows(limit) -> the ``limit`` largest swings (all: None)
        self.n_parameters = len(rows) if rows is not None else (n_parameters or 0)
        self.global_shares = global_shares or []
        self.global_note = global_note

    @property
    def rows(self) -> list[SensitivityRow]:
        """Every parameter a term depends on, largest swing first."""
        if self._rows is None:
            self._rows = self._make(None) if self._make else []
        return self._rows

    def top(self, n: int | None) -> list[SensitivityRow]:
        """The ``n`` rows of largest swing (all when ``n`` is None), without building the others
        (a 3,000-site park has tens of thousands of parameters)."""
        if n is None or self._rows is not None or self._make is None:
            return self.rows if n is None else self.rows[:n]
        return self._make(n)

    def _tolerance(self, largest: float) -> float:
        return 1e-9 * max(abs(self.delta), largest, 1e-300)

    def moving_rows(self, n: int | None = None) -> list[SensitivityRow]:
        """The rows whose parameter moves Δ (a site amount that no exchange touches counts in L
        and S alike and does not); at most ``n`` of them, largest swing first. Kept per ``n``:
        the report asks several times, and the rows never change."""
        cache = self.__dict__.setdefault("_moving", {})
        if n not in cache:
            rows = self.top(n)
            tol = self._tolerance(rows[0].swing if rows else 0.0)
            cache[n] = [r for r in rows if r.swing > tol]
        return list(cache[n])

    def n_moving(self) -> int:
        """How many rows :meth:`moving_rows` has in all; counted from the swings when they are
        at hand, without building a row (the report shows the largest few of thousands)."""
        swings = getattr(self._make, "swings", None) if self._rows is None else None
        if swings is None:
            return len(self.moving_rows())
        sw = swings()
        if not len(sw):
            return 0
        return int((sw > self._tolerance(float(sw.max()))).sum())

    def __repr__(self) -> str:
        return f"Sensitivity({self.method!r}, delta={self.delta!r})"


@dataclass
class ElementaryFlow:
    """One elementary flow of the park's whole inventory (foreground and background), per year,
    from Brightway's solve of the foreground database."""

    name: str
    categories: tuple[str, ...]
    unit: str
    cas: str
    database: str
    code: str
    linear: float
    symbiotic: float

    @property
    def delta(self) -> float:
        return self.symbiotic - self.linear


@dataclass
class ProcessContribution:
    """One process's own elementary flows, characterised, times its amount in L and in S (per
    year). ``site`` is the site id when the process is a site's own node (its direct
    emissions)."""

    name: str
    database: str
    location: str
    linear: float
    symbiotic: float
    site: str | None = None

    @property
    def delta(self) -> float:
        return self.symbiotic - self.linear


@dataclass
class MethodContributions:
    """Contributions to L and S by process for one method: the ``processes`` contributing most
    (largest of |L|, |S| first), the others summed in ``rest_*``; everything sums to
    ``linear`` and ``symbiotic``, the scores of Brightway's solve of the foreground database
    (equal to the Impacts' L and S within the run-time consistency check)."""

    method: tuple[str, ...]
    unit: str
    processes: list[ProcessContribution]
    rest_count: int
    rest_linear: float
    rest_symbiotic: float
    linear: float
    symbiotic: float


@dataclass
class ProductRow:
    site_name: str
    product: str
    amount: float
    unit: str


@dataclass
class Results:
    scenario_name: str
    reference_year: int
    currency: str
    attribution_key: str
    functional_unit: list[ProductRow]
    impacts: list[MethodResult]
    exchanges: Sequence[ExchangeParts]  # a list, or an ExchangeTable (arrays, rows on demand)
    sites: Sequence[SiteResult]  # every key, every method; a list, or a SiteTable
    economics: list[SiteEconomics]
    inventory: list[InventoryTotal]
    uncertainty: list[UncertaintyResult] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    prices_given: bool = True  # False: the scenario has no price at all, so no economics
    # computed from the amounts' bases (core.model.calibration_of): illustrative | partly
    # calibrated | calibrated; "" when not computed
    calibration: str = ""
    calibration_note: str = ""  # the level in words, with what it rests on
    assumed_exchanges: list[str] = field(default_factory=list)  # ids whose q is not sourced
    sensitivity: list[Sensitivity] = field(default_factory=list)
    # from a full run only (compare), not from a live re-evaluation: empty = not computed
    elementary_flows: list[ElementaryFlow] = field(default_factory=list)
    contributions: list[MethodContributions] = field(default_factory=list)
    # the scenario's validation warnings (ecolca.core.validation.warning_records): a full run only
    warnings: list[dict] = field(default_factory=list)

    # ---- look-ups -----------------------------------------------------------------------
    def impact(self, method: tuple[str, ...]) -> MethodResult:
        """The result of ``method``; KeyError naming it when these results have none."""
        key = tuple(method)
        for r in self.impacts:
            if r.method == key:
                return r
        raise KeyError(f"no result for method {method_label(key)!r} (these results have "
                       f"{len(self.impacts)} method(s))")

    def exchange_parts(self, method: tuple[str, ...]) -> list[ExchangeParts]:
        if isinstance(self.exchanges, ExchangeTable):
            return self.exchanges.rows(method)
        return [p for p in self.exchanges if p.method == tuple(method)]

    def site_results(self, method: tuple[str, ...], key: str | None = None) -> list[SiteResult]:
        key = key or self.attribution_key
        if isinstance(self.sites, SiteTable):
            return self.sites.rows(method, key)
        return [s for s in self.sites if s.method == tuple(method) and s.key == key]

    @property
    def methods(self) -> list[tuple[str, ...]]:
        return [r.method for r in self.impacts]

    @property
    def total_cost_linear(self) -> float:
        return sum(e.linear_cost for e in self.economics)

    @property
    def total_cost_symbiotic(self) -> float:
        return sum(e.symbiotic_cost for e in self.economics)

    @property
    def total_cost_delta(self) -> float:
        return self.total_cost_symbiotic - self.total_cost_linear

    def assumed_share(self, method: tuple[str, ...]) -> float | None:
        """Share of the exchanges' contributions that rests on assumed amounts q:
        Σ|Δ_e| over exchanges with an assumed q / Σ|Δ_e| over all exchanges (None without
        exchanges or contributions)."""
        t = self.exchanges
        if isinstance(t, ExchangeTable):  # arrays: no row objects (a large park has thousands)
            import numpy as np

            j = t._m.get(tuple(method))
            if j is None or not len(t.ids):
                return None
            tot = np.abs(t.totals()[:, j])
            # exchanges a shared report does not show (ecolca.park.confidential): one group
            hidden = getattr(t, "hidden", None)
            h = abs(float(sum(hidden[p][j] for p in t.PARTS))) if hidden else 0.0
            s = float(tot.sum()) + h
            if s == 0:
                return None
            assumed = frozenset(self.assumed_exchanges)
            kept = t.__dict__.get("_assumed_mask")  # once per table, not once per method
            if kept is None or kept[0] != assumed:
                kept = t.__dict__["_assumed_mask"] = (
                    assumed, np.array([i in assumed for i in t.ids], dtype=bool))
            mask = kept[1]
            return (float(tot[mask].sum()) + (h if getattr(t, "hidden_assumed", False) else 0.0)
                    ) / s
        parts = self.exchange_parts(method)
        total = sum(abs(p.total) for p in parts)
        if not parts or total == 0:
            return None
        assumed = set(self.assumed_exchanges)
        return sum(abs(p.total) for p in parts if p.exchange_id in assumed) / total

    def cost_reason(self) -> str:
        """Why the costs are not computed ('' when they are): no price at all, or a price
        missing (a missing price would count as 0)."""
        if not self.prices_given:
            return "the scenario gives no prices"
        n = sum(len(e.missing_prices) for e in self.economics)
        return f"{n} price(s) missing" if n else ""

    def total_cost(self, which: str) -> float | None:
        """Total "linear", "symbiotic" or "delta" cost of the park per year, rounding noise as
        0; None (not computed) without complete prices (:meth:`cost_reason`)."""
        if not self.prices_given:
            return None
        t = cost_totals(self.economics)
        return None if t is None else t[which]

    def cost_per_avoided(self, method: tuple[str, ...], _cost: Any = ...) -> float | None:
        """Δcost per unit of avoided impact (currency per impact unit); negative = win-win.
        None when the symbiosis avoids nothing in this category, or the costs are not computed
        (:meth:`cost_reason`)."""
        imp = self.impact(method)
        d = imp.delta
        cost = self.total_cost("delta") if _cost is ... else _cost  # _cost: summed once by a caller
        return None if d >= 0 or cost is None or not imp.covered else cost / (-d)

    # ---- JSON ---------------------------------------------------------------------------
    def _cost_note(self, r: MethodResult, cost_delta: float | None) -> str:
        """Why a category's cost per avoided unit is null."""
        if not r.covered:
            return "not covered"
        if r.below_precision:
            return "Δ is below numerical precision"
        if cost_delta is None:
            return f"costs not computed: {self.cost_reason() or 'a cost is not a number'}"
        return "the symbiosis avoids nothing in this category"

    def monte_carlo_note(self) -> str | None:
        """Why there is no Monte Carlo interval although Monte Carlo was asked for (nothing
        was sampled), else None."""
        mc = self.metadata.get("monte_carlo")
        if isinstance(mc, dict) and mc.get("sampled") is False:
            return mc.get("note") or "nothing was sampled"
        return None

    def uncertainty_of(self, method) -> UncertaintyResult | None:
        return next((u for u in self.uncertainty if u.method == tuple(method)), None)

    def _monte_carlo_json(self, r: MethodResult) -> dict[str, Any]:
        """Beside an impact's deterministic Δ: the Monte Carlo median and 95 % interval of Δ and
        whether Δ lies outside it (null, with the reason, when there are none)."""
        u = self.uncertainty_of(r.method)
        if u is None or not r.covered:
            why = ("not covered" if not r.covered else self.monte_carlo_note()
                   or "Monte Carlo not run")
            return {"delta_monte_carlo": None, "delta_monte_carlo_note": why}
        return {"delta_monte_carlo": {"median": u.delta["median"], "p2.5": u.delta["p2.5"],
                                      "p97.5": u.delta["p97.5"],
                                      "deterministic_outside_interval": u.outside},
                "delta_monte_carlo_note": u.headline()}

    def _covered(self, method) -> bool:
        r = next((r for r in self.impacts if r.method == tuple(method)), None)
        return r is None or r.covered

    def _exchanges_json(self, num) -> list[dict[str, Any]]:
        """One object per exchange; each part is a list with one value per method."""
        t = self.exchanges
        if isinstance(t, ExchangeTable) and t.methods == self.methods:
            from ecolca.core.jsontext import strict_json  # the rows' arrays as lists, NaN None

            return [strict_json(r) for r in self._exchange_rows()]
        order = {m: j for j, m in enumerate(self.methods)}
        rows: dict[str, dict[str, Any]] = {}
        n = len(order)
        for p in self.exchanges:
            row = rows.get(p.exchange_id)
            if row is None:
                row = rows[p.exchange_id] = {
                    "exchange": p.exchange_id, "label": p.label, "distance_km": p.distance_km,
                    **{k: [None] * n for k in ("avoided_fate", "avoided_supply", "transport",
                                               "processing", "total", "break_even_km",
                                               "break_even_reason")}}
            j = order[p.method]
            row["avoided_fate"][j] = p.avoided_fate
            row["avoided_supply"][j] = p.avoided_supply
            row["transport"][j] = p.transport
            row["processing"][j] = p.processing
            row["total"][j] = p.total
            row["break_even_km"][j] = num(p.break_even_km)
            row["break_even_reason"][j] = p.break_even_reason
        return list(rows.values()) + list(self._suppressed("suppressed_exchanges"))

    def _exchange_rows(self):
        """One JSON-ready object per exchange. Figures are rows of float arrays, NaN where the
        output has null (no data: docs/json-output.md; ``json_text`` writes NaN and ±inf as
        null), so the masks are applied to whole arrays once, not per number."""
        t = self.exchanges
        if not (isinstance(t, ExchangeTable) and t.methods == self.methods):
            yield from self._exchanges_json(lambda x: None if x is None or (
                isinstance(x, float) and not math.isfinite(x)) else x)
            return
        import numpy as np

        n_e, n = len(t.ids), len(t.methods)
        if not n_e:
            yield from self._suppressed("suppressed_exchanges")
            return
        c = np.ascontiguousarray  # rows of C-ordered arrays: encoded as arrays by orjson
        total = c(t.totals(), dtype=float)
        cov = t.coverage if t.coverage is not None and len(t.coverage.scale) == n_e else None
        parts = {p: c(t.parts[p], dtype=float) for p in t.PARTS}
        notes = sides = None
        if cov is not None:  # no data is null, never 0.0 (docs/json-output.md)
            nc = cov.not_covered
            for p in t.PARTS:  # a part without data, or any part of an exchange without data
                parts[p] = np.where(cov.part_missing(p) | nc, np.nan, parts[p])
            total = np.where(nc, np.nan, total)
            notes, sides = _exchange_notes(cov)
        be = c(t.break_even_km, dtype=float)
        ber = c(t.break_even_ratio, dtype=float)
        none = [None] * n
        for i in range(n_e):
            yield {"exchange": t.ids[i], "label": t.labels[i], "distance_km": t.distance_km[i],
                   **{p: parts[p][i] for p in t.PARTS}, "total": total[i],
                   "note": none if notes is None else notes.get(i, none),
                   "side_without_data": None if sides is None else sides.get(i, none),
                   "break_even_km": be[i],
                   "break_even_reason": t.break_even_reason[i],
                   "break_even_ratio": ber[i]}
        yield from self._suppressed("suppressed_exchanges")

    def _site_rows(self):
        t = self.sites
        if not (isinstance(t, SiteTable) and t.methods == self.methods):
            yield from self._sites_json()
            return
        import numpy as np

        cov = t.covered if t.covered is not None and len(t.covered) == len(t.site_ids) else None
        lin = np.ascontiguousarray(t.linear, dtype=float)
        sym = {k: np.ascontiguousarray(t.symbiotic[k], dtype=float) for k in t.keys}
        partial = None
        if cov is not None and len(t.site_ids):
            # a site whose own flows have no data: null, never 0.0 (its symbiotic figure stays
            # a number where an exchange's share moves one to it)
            cov = np.asarray(cov, dtype=bool)
            partial = ~cov.all(axis=1)
            lin = np.where(cov, lin, np.nan)
            sym = {k: np.where(cov | (v != 0), v, np.nan) for k, v in sym.items()}
            note_of = np.where(cov, None, SITE_NOT_COVERED).tolist()
        for i, sid in enumerate(t.site_ids):
            yield {"site": sid, "name": t.names[i], "linear": lin[i],
                   "symbiotic": {k: v[i] for k, v in sym.items()},
                   "note": note_of[i] if partial is not None and partial[i] else None}
        yield from self._suppressed("suppressed_sites")

    def _suppressed(self, which: str):
        """Rows a report for another audience does not show (:mod:`ecolca.park.confidential`): id,
        name and why, with null figures."""
        aud = self.metadata.get("audience")
        for h in (aud.get(which) or []) if isinstance(aud, dict) else []:
            if which == "suppressed_sites":
                yield {"site": h["id"], "name": h["name"], "linear": None, "symbiotic": None,
                       "suppressed": h["reason"]}
            else:
                yield {"exchange": h["id"], "label": h["name"],
                       **{k: None for k in ("distance_km", "avoided_fate", "avoided_supply",
                                            "transport", "processing", "total",
                                            "break_even_km", "break_even_reason")},
                       "suppressed": h["reason"]}

    def json_chunks(self, dumps, sensitivity_rows: int | None = SENSITIVITY_ROWS):
        """The JSON document of :meth:`to_json_dict` as text chunks, ``dumps`` encoding each
        value: the per-exchange and per-site rows are encoded one at a time from the result
        arrays, so a large park never holds the whole document in memory."""
        doc = self.to_json_dict(rows=False, sensitivity_rows=sensitivity_rows)
        yield "{"
        for n, (k, v) in enumerate(doc.items()):
            yield ("," if n else "") + dumps(k) + ":"
            if k in ("exchanges", "sites"):
                rows = self._exchange_rows() if k == "exchanges" else self._site_rows()
                yield "["
                for j, row in enumerate(rows):
                    yield ("," if j else "") + dumps(row)
                yield "]"
            else:
                yield dumps(v)
        yield "}"

    def _sites_json(self) -> list[dict[str, Any]]:
        """One object per site: ``linear`` per method, ``symbiotic`` per key and method."""
        t = self.sites
        if isinstance(t, SiteTable) and t.methods == self.methods:
            from ecolca.core.jsontext import strict_json  # the rows' arrays as lists, NaN None

            return [strict_json(r) for r in self._site_rows()]
        order = {m: j for j, m in enumerate(self.methods)}
        n = len(order)
        rows: dict[str, dict[str, Any]] = {}
        for r in self.sites:
            row = rows.get(r.site_id)
            if row is None:
                row = rows[r.site_id] = {"site": r.site_id, "name": r.site_name,
                                         "linear": [None] * n,
                                         "symbiotic": {k: [None] * n for k in ATTRIBUTION_KEYS}}
            j = order[r.method]
            row["linear"][j] = r.linear
            row["symbiotic"][r.key][j] = r.symbiotic
        return list(rows.values()) + list(self._suppressed("suppressed_sites"))

    def _warnings_json(self) -> list[dict[str, Any]]:
        """The validation warnings as this output's audience may see them (masked results carry
        ``metadata["audience"]``: a warning about a confidential site keeps only its field)."""
        from ecolca.core.validation import disclosed_warnings

        audience = (self.metadata.get("audience") or {}).get("audience", "internal")
        return [{k: w[k] for k in ("item", "field", "message", "path")}
                for w in disclosed_warnings(self.warnings, audience)]

    def to_json_dict(self, rows: bool = True, sensitivity_rows: int | None = SENSITIVITY_ROWS
                     ) -> dict[str, Any]:
        """All results as JSON-ready data; layout documented in docs/json-output.md. With
        ``rows=False`` the "exchanges" and "sites" lists are left empty (see
        :meth:`json_chunks`). ``sensitivity_rows``: the parameters listed per method under
        "one_at_a_time" (largest swing first; None: every parameter that moves Δ)."""
        def num(x: float | None) -> float | None:
            return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else x

        cost_delta = self.total_cost("delta")  # once, not once per method

        return {
            "format": "ecolca-results",
            "format_version": 2,
            "scenario": self.scenario_name,
            "reference_year": self.reference_year,
            "currency": self.currency,
            "attribution_key": self.attribution_key,
            "calibration": self.calibration,
            "calibration_note": self.calibration_note,
            "assumed_exchanges": list(self.assumed_exchanges),
            "functional_unit": [{"site_name": p.site_name, "product": p.product,
                                 "amount": p.amount, "unit": p.unit}
                                for p in self.functional_unit],
            "metadata": self.metadata,
            "warnings": self._warnings_json(),
            # per-method arrays in "exchanges" and "sites" follow this order
            "methods": [{"method": list(r.method), "unit": r.unit} for r in self.impacts],
            "attribution_keys": list(ATTRIBUTION_KEYS),
            "impacts": [
                {"method": list(r.method), "unit": r.unit,
                 # not covered: no number at all, never a 0 that reads as "no impact"
                 "linear": r.linear if r.covered else None,
                 "symbiotic": r.symbiotic if r.covered else None,
                 "delta": r.delta if r.covered else None,
                 "delta_note": r.delta_note,
                 "below_precision": r.below_precision,
                 "one_sided": [{"exchange": lab, "side_without_data": side}
                               for lab, side in r.one_sided],
                 "coverage": r.coverage.to_json() if r.coverage else None,
                 "delta_pct": num(r.delta_pct),
                 "delta_pct_note": r.pct_note,
                 "assumed_share": num(self.assumed_share(r.method)),
                 "cost_per_avoided_unit": num(self.cost_per_avoided(r.method, cost_delta)),
                 "cost_per_avoided_unit_note": None if num(self.cost_per_avoided(
                     r.method, cost_delta)) is not None else self._cost_note(r, cost_delta),
                 "cost_per_avoided_unit_unit": f"{self.currency}/{r.unit}",
                 **self._monte_carlo_json(r)}
                for r in self.impacts
            ],
            "exchanges": self._exchanges_json(num) if rows else [],
            "sites": self._sites_json() if rows else [],
            "economics": {
                "currency": self.currency,
                "unit": f"{self.currency}/year",
                "prices_given": self.prices_given,
                # a site lacking a price, and then the total: null (not computed), never a
                # cost with the price counted as 0
                "sites": [
                    {"site": e.site_id, "name": e.site_name,
                     "linear_cost": None if e.missing_prices else e.linear_cost,
                     "symbiotic_cost": None if e.missing_prices else e.symbiotic_cost,
                     "delta": None if e.missing_prices else e.delta,
                     "missing_prices": e.missing_prices}
                    if not getattr(e, "suppressed", "") else
                    # counted in the total, never shown (ecolca.park.confidential)
                    {"site": e.site_id, "name": e.site_name, "linear_cost": None,
                     "symbiotic_cost": None, "delta": None,
                     "missing_prices": e.missing_prices, "suppressed": e.suppressed}
                    for e in self.economics
                ],
                "total": {"linear_cost": num(self.total_cost("linear")),
                          "symbiotic_cost": num(self.total_cost("symbiotic")),
                          "delta": num(self.total_cost("delta"))},
                "not_computed": self.cost_reason() or None,
            },
            "inventory": [
                {"flow": i.label, "unit": i.unit, "linear": i.linear, "symbiotic": i.symbiotic,
                 "delta": i.delta}
                for i in self.inventory
            ],
            "uncertainty": [
                {"method": list(u.method), "unit": u.unit, "iterations": u.iterations,
                 "seed": u.seed, "linear": u.linear, "symbiotic": u.symbiotic, "delta": u.delta,
                 "probability_delta_negative": u.probability_delta_negative,
                 "deterministic_delta": u.deterministic,
                 "deterministic_outside_interval": u.outside,
                 "outside_because": [{k: c[k] for k in CAUSE_KEYS} for c in u.causes],
                 "headline": u.headline()}
                if self._covered(u.method) else
                # a category the background cannot see: no statistics, never draws of 0.0
                {"method": list(u.method), "unit": u.unit, "iterations": u.iterations,
                 "seed": u.seed, "linear": None, "symbiotic": None, "delta": None,
                 "probability_delta_negative": None, "not_computed": "not covered"}
                for u in self.uncertainty
            ],
            "sensitivity": [
                # a category the background cannot see: null, never a Δ of 0.0
                {"method": list(x.method), "unit": x.unit,
                 "delta": x.delta if self._covered(x.method) else None,
                 "not_computed": None if self._covered(x.method) else "not covered",
                 "parameters": x.n_parameters,
                 "one_at_a_time": [
                     {"parameter": r.parameter, "item": r.item, "field": r.field,
                      "value": r.value, "low": r.low, "high": r.high, "basis": r.basis,
                      "delta_low": r.delta_low, "delta_high": r.delta_high}
                     for r in x.moving_rows(sensitivity_rows)],
                 "variance_shares": [{"parameter": g.parameter, "s1": num(g.s1),
                                      "s1_conf": num(g.s1_conf)} for g in x.global_shares],
                 "variance_shares_note": x.global_note}
                for x in self.sensitivity
            ],
        }


def _exchange_notes(cov) -> tuple[dict, dict]:
    """``ExchangeCoverage.note`` and ``one_sided`` of the exchanges that have one for some
    method: {exchange index: one value per method}. Others have None for every method."""
    import numpy as np

    sided = cov.one_sided != None  # noqa: E711 (elementwise)
    bad = np.asarray(cov.not_covered, dtype=bool) | sided | \
        np.asarray(cov.below_precision, dtype=bool)
    # ExchangeCoverage.note says something only where one of those flags is set; a subclass
    # (a masked coverage, ecolca.park.confidential) has notes of its own: every row is asked
    if type(cov).note.__qualname__ != "ExchangeCoverage.note":
        bad[:] = True
    n = bad.shape[1]
    notes = {i: [cov.note(i, j) for j in range(n)]
             for i in np.nonzero(bad.any(axis=1))[0].tolist()}
    sides = {i: cov.one_sided[i].tolist() for i in np.nonzero(sided.any(axis=1))[0].tolist()}
    return notes, sides
