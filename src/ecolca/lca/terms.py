"""The one formulation of a park: a table of terms (docs/engine.md).

A scenario compiles to a :class:`TermTable`. Each term is

    amount = const × p[i] × p[j] × p[k]     (in the unit of background node ``key``)

where ``p`` are the scenario's parameters (flow amounts, exchange amounts q, substitution ratios
r, transport distances, processing amounts; a missing factor is 1) and ``const`` holds the sign
and the unit conversions. The term's impact is its amount times the node's unit score per
method (a background activity) or its characterization factor (a direct emission).

Columns of the table: the node, the site or the exchange the term belongs to, and its *part*:

- ``site``: a site's stand-alone (linear) operation; in L and in S;
- ``avoided_fate``, ``avoided_supply``, ``transport``, ``processing``: what an exchange changes;
  in S only.

Deterministic results, per-exchange parts, per-site figures, Monte Carlo, sensitivity, live
updates in the app and the Brightway foreground database (the record Activity Browser opens) are
all read from this one table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ecolca.core import units
from ecolca.core.errors import Problem
from ecolca.core.model import Scenario, Uncertainty

PARTS = ("site", "avoided_fate", "avoided_supply", "transport", "processing")
EXCHANGE_PARTS = PARTS[1:]
SITE, AVOIDED_FATE, AVOIDED_SUPPLY, TRANSPORT, PROCESSING = range(5)


@dataclass
class Param:
    """One number of the scenario that the results depend on."""

    kind: str            # "amount" (a flow), "q", "r", "distance", "processing"
    value: float
    uncertainty: Uncertainty
    item: str            # e.g. "site 'Power plant', flow 'fly ash'", "exchange 'ash-to-cement'"
    field: str           # e.g. "amount", "substitution_ratio", "transport[1].distance_km"
    site: str = ""       # site id (flow amounts and flow legs)
    flow: str = ""       # flow id
    exchange: str = ""   # exchange id

    @property
    def label(self) -> str:
        return f"{self.item}: {self.field}"


@dataclass
class TermTable:
    """A scenario's terms as arrays (one row a term) and its parameters."""

    keys: list[tuple[str, str]]          # background activities first, then biosphere flows
    n_background: int
    params: list[Param]
    const: np.ndarray                    # (n,) float64
    p: np.ndarray                        # (n, 3) int: parameter indices, -1 for "none"
    key: np.ndarray                      # (n,) int: index into keys
    site: np.ndarray                     # (n,) int: index into site_ids, -1 for exchange terms
    exchange: np.ndarray                 # (n,) int: index into exchange_ids, -1 for site terms
    part: np.ndarray                     # (n,) int: index into PARTS
    where: list[tuple[str, str]]         # (item, field) each term's amount comes from
    site_ids: list[str]
    exchange_ids: list[str]
    structure: tuple = ()                # structure(scenario) the table was compiled from
    # per exchange: (index of the first transport leg's term, its distance parameter) or None
    first_leg: list[tuple[int, int] | None] = field(default_factory=list)
    ton_per_unit: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per exchange: t per
    # unit of residue when it has transport legs, else 0
    q_params: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # per exchange

    @property
    def tonnes(self) -> np.ndarray:
        """Tonnes moved per exchange (0 without transport)."""
        return self.ton_per_unit * self.values[self.q_params] if len(self.q_params) else np.zeros(0)

    # -- parameters ----------------------------------------------------------------------------
    @property
    def values(self) -> np.ndarray:
        v = self.__dict__.get("_values")
        if v is None:
            v = np.array([p.value for p in self.params], dtype=float)
            v.setflags(write=False)
            self.__dict__["_values"] = v
        return v

    def with_values(self, values: np.ndarray) -> "TermTable":
        """The same table with other parameter values (an edit of numbers only)."""
        import copy as _copy
        from dataclasses import replace

        t = _copy.copy(self)
        t.__dict__ = dict(self.__dict__)
        old = self.values
        params = list(self.params)
        for i in np.nonzero(old != values)[0].tolist():
            params[i] = replace(params[i], value=float(values[i]))
        t.params = params
        v = np.array(values, dtype=float)
        v.setflags(write=False)
        t.__dict__["_values"] = v
        return t

    def params_of(self, kind: str, item_id: str) -> list[int]:
        """Indices of the parameters of one site (``kind`` "site") or exchange ("exchange"), in
        the table's order: :func:`parameter_values` of that item alone gives their values. The
        map is made once per table and kept by :meth:`with_values` (same parameters, same
        order)."""
        where = self.__dict__.get("_item_params")
        if where is None:
            where = {}
            for k, p in enumerate(self.params):
                where.setdefault(("exchange", p.exchange) if p.exchange else ("site", p.site),
                                 []).append(k)
            self.__dict__["_item_params"] = where
        return where.get((kind, item_id), [])

    def used_params(self) -> np.ndarray:
        """Indices of the parameters that at least one term depends on."""
        used = np.unique(self.p[self.p >= 0])
        return used.astype(int)

    # -- amounts -------------------------------------------------------------------------------
    def amounts(self, values: np.ndarray | None = None) -> np.ndarray:
        """Each term's amount in its node's unit: (n,) for one parameter vector, (n, m) for a
        (n_params, m) matrix of parameter vectors (Monte Carlo draws, sensitivity cases)."""
        v = self.values if values is None else np.asarray(values, dtype=float)
        one = np.ones((1,) + v.shape[1:])
        P = np.concatenate([v, one], axis=0)  # index -1 reads the trailing 1
        c = self.const if v.ndim == 1 else self.const[:, None]
        return c * P[self.p[:, 0]] * P[self.p[:, 1]] * P[self.p[:, 2]]

    def problems(self, amounts: np.ndarray | None = None) -> list[Problem]:
        """Amounts Brightway cannot store once converted to the background node's unit (float32:
        beyond ±3.4e38 they become infinite, and every result with them)."""
        from ecolca.core.validation import FLOAT32_MAX

        a = self.amounts() if amounts is None else amounts
        bad = np.nonzero(~(np.isfinite(a) & (np.abs(a) <= FLOAT32_MAX)))[0]
        out = []
        for t in bad.tolist():
            k = self.keys[self.key[t]]
            item, fld = self.where[t] if t < len(self.where) else ("", "amount")
            out.append(Problem(item or "scenario", fld,
                               f"is {abs(a[t]):g} in the unit of background node {k[0]}:{k[1]} "
                               f"after conversion, beyond the largest amount Brightway stores "
                               f"({FLOAT32_MAX:.3g})"))
        return out

    # -- evaluation ----------------------------------------------------------------------------
    def _groupers(self):
        """Sparse (n_keys × n_terms) matrices that sum the site terms and the exchange terms per
        node (made once per table)."""
        g = self.__dict__.get("_g")
        if g is None:
            from scipy import sparse

            n, k = len(self.const), len(self.keys)
            is_site = (self.part == SITE).astype(float)
            rows, cols = self.key, np.arange(n)
            g = (sparse.csr_matrix((is_site, (rows, cols)), shape=(k, n)),
                 sparse.csr_matrix((1.0 - is_site, (rows, cols)), shape=(k, n)))
            self.__dict__["_g"] = g
        return g

    def key_weights(self, amounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(W_site, W_exchange): per node, the summed amounts of the site terms and of the
        exchange terms; shape (n_keys,) or (n_keys, m).

        One column (a deterministic run) is summed with ``np.bincount``, several (Monte Carlo
        draws) with sparse products: both add the same products (1·a or 0·a) per node in term
        order, so a draw without uncertainty reproduces the deterministic sums bit for bit
        (tests/test_engine.py), and a run that reuses its solve need not import scipy.sparse
        (0.26 s)."""
        if amounts.ndim == 2 and amounts.shape[1] == 1:
            ws, wx = self.key_weights(amounts[:, 0])
            return ws[:, None], wx[:, None]
        if amounts.ndim == 1:
            is_site = (self.part == SITE).astype(float)
            k = len(self.keys)
            return (np.bincount(self.key, weights=is_site * amounts, minlength=k),
                    np.bincount(self.key, weights=(1.0 - is_site) * amounts, minlength=k))
        gs, gx = self._groupers()
        return np.asarray(gs @ amounts), np.asarray(gx @ amounts)

    def totals(self, amounts: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """L and S per method: ``amounts`` (n,) or (n, m) and ``scores`` (n_keys, n_methods) or
        (n_keys, n_methods, m) give arrays (n_methods,) or (n_methods, m).

        The one function that sums a park: the deterministic run and every Monte Carlo iteration
        call it, so that a draw without uncertainty reproduces the deterministic result exactly."""
        a = amounts if amounts.ndim == 2 else amounts[:, None]
        u = scores if scores.ndim == 3 else scores[:, :, None]
        ws, wx = self.key_weights(a)
        lin = (ws[:, None, :] * u).sum(axis=0)
        sym = lin + (wx[:, None, :] * u).sum(axis=0)
        if amounts.ndim == 1 and scores.ndim == 2:
            return lin[:, 0], sym[:, 0]
        return lin, sym

    def contributions(self, amounts: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Each term's impact per method: (n_terms, n_methods)."""
        return amounts[:, None] * scores[self.key]

    def by_site(self, contrib: np.ndarray) -> np.ndarray:
        """Site terms summed per site: (n_sites, n_methods)."""
        m = self.part == SITE
        return sum_rows(self.site[m], contrib[m], len(self.site_ids))

    def by_exchange(self, contrib: np.ndarray) -> dict[str, np.ndarray]:
        """Exchange terms summed per exchange, one (n_exchanges, n_methods) array per part."""
        out = {}
        for j, name in enumerate(EXCHANGE_PARTS, start=1):
            m = self.part == j
            out[name] = sum_rows(self.exchange[m], contrib[m], len(self.exchange_ids))
        return out

    def without(self, t: int, param: int, values: np.ndarray | None = None) -> float:
        """Term ``t``'s amount per unit of parameter ``param`` (the other factors as given)."""
        return float(self.without_many(np.array([t]), np.array([param]), values)[0])

    def for_record(self) -> "TermTable":
        """This table as the prepared record of a CLI run keeps it (lca/prepared.py): without
        its ``structure``, which only the app's live edits compare (25 MiB of tuples for 3,000
        sites; an empty structure never equals a scenario's, so a live edit on such a table
        compiles the terms again), and without ``where``, the items named by the checks, which
        have run by then (7.5 MiB)."""
        import copy as _copy

        t = _copy.copy(self)
        t.__dict__ = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        t.structure = ()
        t.where = []
        return t

    def without_many(self, terms: np.ndarray, params: np.ndarray,
                     values: np.ndarray | None = None) -> np.ndarray:
        """:meth:`without` for many (term, parameter) pairs at once (the same products in the
        same order, so the same numbers)."""
        v = self.values if values is None else values
        P = np.append(v, 1.0)
        out = self.const[terms].astype(float, copy=True)
        for s in range(3):
            i = self.p[terms, s]
            m = i != params
            out[m] *= P[i[m]]
        return out

    # -- the foreground database ---------------------------------------------------------------
    def site_rows(self, amounts: np.ndarray | None = None) -> dict[str, list[tuple]]:
        """{site id: [(key, amount, is_biosphere), …]} of the site terms, in table order."""
        a = self.amounts() if amounts is None else amounts
        out: dict[str, list[tuple]] = {sid: [] for sid in self.site_ids}
        for t in np.nonzero(self.part == SITE)[0].tolist():
            k = int(self.key[t])
            out[self.site_ids[self.site[t]]].append((self.keys[k], float(a[t]), k >= self.n_background))
        return out

    def exchange_rows(self, amounts: np.ndarray | None = None) -> dict[str, list[tuple]]:
        """{exchange id: [(key, amount), …]} of the exchange terms, in table order."""
        a = self.amounts() if amounts is None else amounts
        out: dict[str, list[tuple]] = {eid: [] for eid in self.exchange_ids}
        for t in np.nonzero(self.part != SITE)[0].tolist():
            out[self.exchange_ids[self.exchange[t]]].append((self.keys[self.key[t]], float(a[t])))
        return out

    def as_records(self) -> list[dict]:
        """The table as rows (for inspection, the docs and the tests)."""
        a = self.amounts()
        rows = []
        for t in range(len(self.const)):
            rows.append({
                "configuration": "linear and symbiotic" if self.part[t] == SITE else "symbiotic",
                "site": self.site_ids[self.site[t]] if self.site[t] >= 0 else "",
                "exchange": self.exchange_ids[self.exchange[t]] if self.exchange[t] >= 0 else "",
                "part": PARTS[self.part[t]],
                "node": self.keys[self.key[t]],
                "const": float(self.const[t]),
                "parameters": [self.params[i].label for i in self.p[t] if i >= 0],
                "amount": float(a[t]),
            })
        return rows


def _u(u) -> tuple:
    return (u.type, u.gsd, u.minimum, u.maximum, u.sd) if u is not None else ()


def structure(sc: Scenario) -> tuple:
    """What a term table is made of besides the parameter values: ids, names, kinds, units,
    references, conversions, uncertainty, legs and which flows are 0. Two scenarios with equal
    structure share one table; only :func:`parameter_values` differ."""
    sites = tuple((s.id, s.name, tuple(
        (f.id, f.kind, f.name, f.unit, f.activity and f.activity.key, f.fate and f.fate.key,
         f.conversion_factor, f.amount == 0, _u(f.uncertainty),
         tuple((t.mode.key, _u(t.uncertainty)) for t in f.transport)) for f in s.flows))
        for s in sc.sites)
    exchanges = tuple((e.id, e.from_site, e.from_flow, e.to_site, e.to_flow,
                       _u(e.amount_uncertainty), _u(e.ratio_uncertainty),
                       tuple((t.mode.key, _u(t.uncertainty)) for t in e.transport),
                       tuple((p.activity.key, p.unit, p.conversion_factor, _u(p.uncertainty))
                             for p in e.processing)) for e in sc.exchanges)
    return (sites, exchanges)


def parameter_values(sc: Scenario) -> np.ndarray:
    """The scenario's parameter values in the order :func:`compile_terms` creates them."""
    out: list[float] = []
    for site in sc.sites:
        for f in site.flows:
            if f.kind == "product":
                continue
            out.append(f.amount)
            out.extend(t.distance_km for t in f.transport)
    for e in sc.exchanges:
        out.append(e.amount)
        out.append(e.substitution_ratio)
        out.extend(t.distance_km for t in e.transport)
        out.extend(p.amount_per_unit for p in e.processing)
    return np.array(out, dtype=float)


class _Builder:
    def __init__(self, unit_of):
        self.unit_of = unit_of  # key -> the node's unit
        self.params: list[Param] = []
        self.rows: list[tuple] = []  # (const, (p0, p1, p2), key, site, exchange, part, where)
        self.keys: dict[tuple[str, str], int] = {}
        self.bio: set[tuple[str, str]] = set()

    def param(self, kind, value, unc, item, fld, **kw) -> int:
        self.params.append(Param(kind, float(value), unc or Uncertainty(), item, fld, **kw))
        return len(self.params) - 1

    def term(self, const, ps, key, site=-1, exchange=-1, part=SITE, where=("", ""),
             biosphere=False) -> int:
        if biosphere:
            self.bio.add(key)
        ps = tuple(ps) + (-1,) * (3 - len(ps))
        self.rows.append((const, ps, key, site, exchange, part, where))
        return len(self.rows) - 1


def compile_terms(sc: Scenario, unit_of, factor) -> TermTable:
    """The scenario's term table.

    ``unit_of(key)`` gives a node's unit; ``factor(from_unit, node_unit, conversion)`` the
    multiplier from a foreground amount to it (raises UnitError when they do not convert)."""
    b = _Builder(unit_of)
    site_ids = [s.id for s in sc.sites]
    sidx = {sid: i for i, sid in enumerate(site_ids)}
    flow_param: dict[tuple[str, str], int] = {}
    leg_param: dict[tuple[str, str, int], int] = {}

    def tkm(key) -> float:
        return factor("ton kilometer", unit_of(key), None)

    for site in sc.sites:
        for f in site.flows:
            if f.kind == "product":
                continue
            item = f"site '{site.name}', flow '{f.name}'"
            pa = b.param("amount", f.amount, f.uncertainty, item, "amount", site=site.id, flow=f.id)
            flow_param[(site.id, f.id)] = pa
            for k, t in enumerate(f.transport):
                leg_param[(site.id, f.id, k)] = b.param(
                    "distance", t.distance_km, t.uncertainty, item, f"transport[{k + 1}].distance_km",
                    site=site.id, flow=f.id)
            ref = f.activity if f.kind in ("supply", "emission") else f.fate if f.kind == "residue" else None
            if ref is None or f.amount == 0:
                continue
            b.term(factor(f.unit, unit_of(ref.key), f.conversion_factor), (pa,), ref.key,
                   site=sidx[site.id], where=(item, "amount"), biosphere=f.kind == "emission")
            if f.transport:
                ton = units.convert(1.0, f.unit, "ton")
                for k, t in enumerate(f.transport):
                    b.term(ton * tkm(t.mode.key), (pa, leg_param[(site.id, f.id, k)]), t.mode.key,
                           site=sidx[site.id], where=(item, f"transport[{k + 1}].distance_km"))

    exchange_ids = [e.id for e in sc.exchanges]
    first_leg: list[tuple[int, int] | None] = []
    ton_per_unit = np.zeros(len(exchange_ids))
    q_params = np.zeros(len(exchange_ids), dtype=int)
    for ei, e in enumerate(sc.exchanges):
        residue = sc.site(e.from_site).flow(e.from_flow)
        supply = sc.site(e.to_site).flow(e.to_flow)
        item = f"exchange '{e.id}'"
        q = b.param("q", e.amount, e.amount_uncertainty, item, "amount", exchange=e.id)
        q_params[ei] = q
        r = b.param("r", e.substitution_ratio, e.ratio_uncertainty, item, "substitution_ratio",
                    exchange=e.id)
        if residue.fate is not None:
            b.term(-factor(residue.unit, unit_of(residue.fate.key), residue.conversion_factor), (q,),
                   residue.fate.key, exchange=ei, part=AVOIDED_FATE, where=(item, "amount"))
            if residue.transport:
                ton = units.convert(1.0, residue.unit, "ton")
                for k, t in enumerate(residue.transport):
                    b.term(-ton * tkm(t.mode.key), (q, leg_param[(e.from_site, e.from_flow, k)]),
                           t.mode.key, exchange=ei, part=AVOIDED_FATE, where=(item, "amount"))
        b.term(-factor(supply.unit, unit_of(supply.activity.key), supply.conversion_factor),
               (r, q), supply.activity.key, exchange=ei, part=AVOIDED_SUPPLY,
               where=(item, "substitution_ratio"))
        if supply.transport:
            ton = units.convert(1.0, supply.unit, "ton")
            for k, t in enumerate(supply.transport):
                b.term(-ton * tkm(t.mode.key), (r, q, leg_param[(e.to_site, e.to_flow, k)]),
                       t.mode.key, exchange=ei, part=AVOIDED_SUPPLY, where=(item, "substitution_ratio"))
        leg = None
        if e.transport:
            ton = units.convert(1.0, residue.unit, "ton")
            ton_per_unit[ei] = ton
            for k, t in enumerate(e.transport):
                d = b.param("distance", t.distance_km, t.uncertainty, item,
                            f"transport[{k + 1}].distance_km", exchange=e.id)
                ti = b.term(ton * tkm(t.mode.key), (q, d), t.mode.key, exchange=ei, part=TRANSPORT,
                            where=(item, f"transport[{k + 1}].distance_km"))
                if k == 0:
                    leg = (ti, d)
        first_leg.append(leg)
        for k, pr in enumerate(e.processing):
            a = b.param("processing", pr.amount_per_unit, pr.uncertainty, item,
                        f"processing[{k + 1}].amount_per_unit", exchange=e.id)
            b.term(factor(pr.unit, unit_of(pr.activity.key), pr.conversion_factor), (q, a),
                   pr.activity.key, exchange=ei, part=PROCESSING,
                   where=(item, f"processing[{k + 1}].amount_per_unit"))

    bg = sorted({row[2] for row in b.rows} - b.bio | set(sc.background_refs()))
    keys = bg + sorted(b.bio)
    kidx = {k: i for i, k in enumerate(keys)}
    n = len(b.rows)
    shape = structure(sc)
    return TermTable(
        structure=shape, keys=keys, n_background=len(bg), params=b.params,
        const=np.array([r[0] for r in b.rows], dtype=float).reshape(n),
        p=np.array([r[1] for r in b.rows], dtype=int).reshape(n, 3),
        key=np.array([kidx[r[2]] for r in b.rows], dtype=int).reshape(n),
        site=np.array([r[3] for r in b.rows], dtype=int).reshape(n),
        exchange=np.array([r[4] for r in b.rows], dtype=int).reshape(n),
        part=np.array([r[5] for r in b.rows], dtype=int).reshape(n),
        where=[r[6] for r in b.rows], site_ids=site_ids, exchange_ids=exchange_ids,
        first_leg=first_leg, ton_per_unit=ton_per_unit, q_params=q_params)


def sum_rows(index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """(n, m): the rows of ``values`` (k, m) summed by ``index`` (k,), in row order (as
    ``np.add.at`` does, at a fraction of its time: 0.36 s -> 0.02 s on 3,000 sites)."""
    out = np.empty((n, values.shape[1]))
    for j in range(values.shape[1]):
        out[:, j] = np.bincount(index, weights=values[:, j], minlength=n)
    return out
