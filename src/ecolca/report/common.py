"""What several sheets say the same way: definitions, labels, costs, Monte Carlo settings, the
names of background activities and biosphere flows, and the context every sheet writer gets."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any

from ecolca.core.labels import delta_note, long_labels, parameter_name
from ecolca.core.model import Scenario, Uncertainty
from ecolca.core.numbers import format_plain
from ecolca.report.styles import finite
# KEY_LABELS and verdict live with the results: the app shares their wording without the report
from ecolca.lca.results import KEY_LABELS, Results, cost_totals, method_label, verdict  # noqa: F401

LINEAR_DEFINITION = (
    "Linear (L): every site buys all its supplies from the market and sends every residue to "
    "its linear fate."
)
SYMBIOTIC_DEFINITION = (
    "Symbiotic (S): as L, but residues replace supplies through the exchanges: the supplier's "
    "residue sent to its fate falls by q, the receiver's purchased supply falls by r·q, and "
    "transport and processing are added."
)

NOT_COMPUTED = "not computed"
NOT_IN_RUN = "not computed in this run"


@dataclass
class Context:
    """What a sheet writer reads: the results, the scenario, and shared look-ups."""

    results: Results
    scenario: Scenario
    _names: dict[tuple[str, str], str] | None = field(default=None, repr=False)
    _memo: "ResultsMemo | None" = field(default=None, repr=False)
    iterations_sheet: bool = False  # the raw Monte Carlo draws on a sheet of their own
    _labels: dict[str, str] | None = field(default=None, repr=False)

    @property
    def exchange_labels(self) -> dict[str, str]:
        """Exchange id → "site: residue → site: supply", what the sheets print for a reader (an
        id only in an "Exchange id" column)."""
        if self._labels is None:
            self._labels = long_labels(self.scenario)
        return self._labels

    def parameter_name(self, item: str, field_: str) -> str:
        """A sensitivity parameter as a person reads it: its exchange by label, its field in
        words ("exchange Asnæs: fly ash → Cement plant: clinker, substitution ratio")."""
        return parameter_name(item, field_, self.exchange_labels)

    def delta_note(self, impact) -> str | None:
        """``impact.delta_note`` with the exchanges it lists by label."""
        return delta_note(impact, self.exchange_labels)

    @property
    def currency(self) -> str:
        return self.results.currency

    def method_scale(self, method: tuple[str, ...]) -> float:
        """The magnitude of a method's results (max |L|, |S|): a value far below it is noise."""
        try:
            r = self.results.impact(method)
        except KeyError:
            return 0.0
        return max(abs(finite(r.linear) or 0.0), abs(finite(r.symbiotic) or 0.0))

    def covered(self, method: tuple[str, ...]) -> bool:
        try:
            return self.results.impact(method).covered
        except KeyError:
            return True

    @property
    def memo(self) -> "ResultsMemo":
        """The results with ``site_results`` and ``impact`` remembered per argument: for sheets
        that ask the same question many times (Disclosure asks for every method's site rows
        once per site)."""
        if self._memo is None or self._memo.results is not self.results:
            self._memo = ResultsMemo(self.results)
        return self._memo

    def name_of(self, database: str, code: str) -> str | None:
        """The name of a background activity or biosphere flow (with its compartment)."""
        if self._names is None:
            self._names = background_names(self.results, self.scenario)
        return self._names.get((database, code))


class ResultsMemo:
    """A read-only view of :class:`Results` that answers ``site_results(method, key)`` and
    ``impact(method)`` once per argument (each answer is a fresh list of new objects otherwise);
    everything else is the results' own attribute. Callers must not change what it returns."""

    def __init__(self, results: Results):
        self.results = results
        self._sites: dict[tuple, list] = {}
        self._impacts: dict[tuple, Any] = {}

    def site_results(self, method: tuple[str, ...], key: str | None = None) -> list:
        k = (tuple(method), key or self.results.attribution_key)
        hit = self._sites.get(k)
        if hit is None:
            hit = self._sites[k] = self.results.site_results(*k)
        return hit

    def impact(self, method: tuple[str, ...]):
        k = tuple(method)
        hit = self._impacts.get(k)
        if hit is None:
            hit = self._impacts[k] = self.results.impact(k)
        return hit

    def __getattr__(self, name: str) -> Any:
        return getattr(self.results, name)


# ---- monte carlo and settings ---------------------------------------------------------------
def monte_carlo_run(results: Results) -> tuple[int, int | None]:
    """(iterations, seed) of the Monte Carlo that was run: metadata first, else the
    uncertainty results; (0, None) when none was run."""
    mc = results.metadata.get("monte_carlo")
    if isinstance(mc, dict) and mc.get("iterations"):
        return int(mc["iterations"]), mc.get("seed")
    if results.uncertainty:
        u = results.uncertainty[0]
        return int(u.iterations), u.seed
    return 0, None


def monte_carlo_text(results: Results) -> str:
    n, seed = monte_carlo_run(results)
    if results.monte_carlo_note():  # asked for, nothing to sample (issue #20.1)
        return results.monte_carlo_note()
    if not n:
        return "not run"
    return f"{n:,} paired iterations, seed {seed}"


def brightway_folder_text(env: dict[str, str] | None = None) -> str:
    """Where the Brightway projects live, without a machine path: the environment variable
    that chose the folder, or Brightway's default."""
    env = os.environ if env is None else env
    for var in ("BRIGHTWAY_DIR", "BRIGHTWAY2_DIR"):
        if env.get(var):
            return f"set by the environment variable {var}"
    return "default (Brightway's own data folder)"


# ---- text ---------------------------------------------------------------------------------
def method_levels(results: Results) -> int:
    return max((len(m) for m in results.methods), default=1)


def level_headers(n: int) -> list[str]:
    names = ["Method", "Category", "Indicator"]
    return [names[i] if i < len(names) else f"Level {i + 1}" for i in range(n)]


def short_labels(methods: list[tuple[str, ...]]) -> list[str]:
    short = [": ".join(m[:2]) if len(m) >= 2 else method_label(m) for m in methods]
    if len(set(short)) != len(short):
        short = [method_label(m) for m in methods]
    return [s if len(s) <= 60 else s[:59] + "…" for s in short]


def coverage_short(r) -> str:
    """'covered', 'partial: 21 of 23 processes' or 'not covered by …' (full text on Impacts)."""
    cov = r.coverage
    if cov is None or cov.status == "covered":
        return "covered"
    if cov.status == "partial":
        return f"partial: {cov.covered} of {cov.processes} processes"
    return cov.label()


def uncertainty_text(u: Uncertainty | None) -> str:
    if u is None or u.type in ("", "none"):
        return ""
    parts = [u.type]
    for name, val in (("σg", u.gsd), ("min", u.minimum), ("max", u.maximum), ("sd", u.sd)):
        if val is not None:
            parts.append(f"{name}={format_plain(val)}")
    return ", ".join(parts)


def fmt_amount(x: float) -> str:
    f = finite(x)
    if f is None:
        return "?"
    if f.is_integer() and abs(f) < 1e15:
        return f"{int(f):,}"
    return format_plain(f)


PLACEHOLDER_UNITS = {"item", "items", "unit", "units", "p", "piece", "pieces"}


def product_amount(amount: float, unit: str) -> tuple[Any, str]:
    """A product's declared amount and unit for the functional unit; an amount of 1 item (the
    way a scenario says "the annual output, not quantified") is said in words."""
    if finite(amount) == 1 and (unit or "").strip().lower() in PLACEHOLDER_UNITS:
        return "not quantified (declared as 1 item)", ""
    return amount, unit


def flatten(key: str, value: Any) -> list[tuple[str, Any]]:
    """Metadata as readable (key, value) rows: dicts become ``parent › child``; lists one row
    per item (key on the first); tuples joined with ``|``; empty values leave no row."""
    if isinstance(value, dict):
        out: list[tuple[str, Any]] = []
        for k, v in value.items():
            out += flatten(f"{key} › {k}" if key else str(k), v)
        return out
    if isinstance(value, (list, set, frozenset)):
        out = []
        for i, v in enumerate(list(value)):
            if isinstance(v, (list, tuple)) and all(_is_scalar(x) for x in v):
                v = tuple(v)  # e.g. a method serialised as a JSON list: one readable line
            for k, vv in flatten(key if not out else "", v):
                out.append((k, vv))
        return out
    if isinstance(value, tuple):
        return [(key, " | ".join(str(v) for v in value))] if value else []
    if value is None or value == "":
        return []
    if isinstance(value, (int, float, str, bool)):
        return [(key, value)]
    return [(key, str(value))]


def _is_scalar(x: Any) -> bool:
    return x is None or isinstance(x, (str, int, float, bool))


def humanize(key: str) -> str:
    return key.replace("_", " ")


# ---- costs --------------------------------------------------------------------------------
def safe(fn):
    try:
        v = fn()
    except (TypeError, ValueError, ZeroDivisionError, KeyError, StopIteration):
        return None
    return finite(v)


def missing_prices(results: Results) -> int:
    return sum(len(e.missing_prices) for e in results.economics)


def cost_total(results: Results, which: str) -> float | None:
    """Total L, S or Δ cost over all sites; None when the scenario gives no prices or a site
    lacks one (a cost with a price counted as 0 is not a result)."""
    if not results.prices_given or missing_prices(results):
        return None
    return cost_total_of(results.economics, which)


def cost_total_of(economics, which: str) -> float | None:
    t = cost_totals(economics)
    return None if t is None else t[which]


def cost_reason(results: Results) -> str:
    """Why costs are not computed ('' when they are)."""
    if not results.prices_given:
        return "not computed: the scenario gives no prices"
    n = missing_prices(results)
    if n:
        return f"not computed: {n} price(s) missing (see Economics)"
    return ""


def cost_per_avoided(results: Results, method: tuple[str, ...]) -> float | str | None:
    """Δcost per unit of avoided impact, 'not computed' without complete prices, None when
    nothing is avoided."""
    if cost_reason(results):
        return NOT_COMPUTED
    return safe(lambda: results.cost_per_avoided(method))


# ---- names of background activities and biosphere flows ------------------------------------
def background_names(results: Results, scenario: Scenario) -> dict[tuple[str, str], str]:
    """(database, code) -> a readable name for every background reference of the scenario.

    From what the results carry (``results.background_names`` or metadata
    ``background_names``: {"database:code": name}), else from the Brightway project the
    results were computed in, when this process has it open (never opens or creates one)."""
    out: dict[tuple[str, str], str] = {}
    given = getattr(results, "background_names", None) or results.metadata.get(
        "background_names")
    if isinstance(given, dict):
        for k, v in given.items():
            if isinstance(k, str) and ":" in k and isinstance(v, str) and v:
                db, code = k.split(":", 1)
                out[(db, code)] = v
    refs = _refs(scenario) - set(out)
    if refs:
        out.update(_lookup_brightway(refs, results.metadata.get("brightway_project")))
    return out


def _refs(scenario: Scenario) -> set[tuple[str, str]]:
    refs = set()
    for _, f in scenario.iter_flows():
        for ref in (f.activity, f.fate):
            if ref is not None:
                refs.add((ref.database, ref.code))
        for t in f.transport:
            refs.add((t.mode.database, t.mode.code))
    for e in scenario.exchanges:
        for t in e.transport:
            refs.add((t.mode.database, t.mode.code))
        for p in e.processing:
            refs.add((p.activity.database, p.activity.code))
    return refs


def _lookup_brightway(refs: set[tuple[str, str]], project: str | None) -> dict:
    bd = sys.modules.get("bw2data")
    if bd is None:  # never import (and so configure) Brightway just to write a report
        return {}
    try:
        if project and bd.projects.current != project:
            return {}
        from bw2data.backends import ActivityDataset as AD

        out = {}
        dbs = sorted({db for db, _ in refs})
        codes = sorted({code for _, code in refs})
        q = AD.select(AD.database, AD.code, AD.name, AD.data).where(
            AD.database.in_(dbs) & AD.code.in_(codes))
        for row in q:
            if (row.database, row.code) not in refs or not row.name:
                continue
            cats = row.data.get("categories") if isinstance(row.data, dict) else None
            name = row.name
            if cats:
                name += f" ({', '.join(map(str, cats))})"
            out[(row.database, row.code)] = name
        return out
    except Exception:  # a report is never lost for want of a name
        return {}


# ---- confidential sites (ecolca.park.confidential) ----------------------------------------------
def is_suppressed(row) -> str:
    """Why a per-site row's figures must not be shown ('' when they may)."""
    return getattr(row, "suppressed", "") or ""


def suppressed_rows(results: Results, before: list, after: list, blanks: int,
                    which: str = "suppressed_sites") -> list[list]:
    """In a report for another audience: one row per per-site (``which``:
    "suppressed_exchanges", per-exchange) row whose figures are suppressed, saying why
    (``before`` cells, the id and name, ``after`` cells, then the reason and ``blanks - 1``
    empty cells); [] otherwise (:mod:`ecolca.park.confidential`)."""
    aud = results.metadata.get("audience")
    hidden = aud.get(which) if isinstance(aud, dict) else None
    return [[*before, h["id"], h["name"], *after, h["reason"]] + [None] * (blanks - 1)
            for h in hidden or []]


def suppressed_ids(results: Results, which: str = "suppressed_sites") -> dict[str, str]:
    """Id -> why, of the rows a report for another audience does not show."""
    aud = results.metadata.get("audience")
    return {h["id"]: h["reason"] for h in ((aud.get(which) or []) if isinstance(aud, dict)
                                           else [])}
