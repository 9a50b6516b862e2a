"""ecolca's public API for notebooks and scripts (docs/api.md); re-exported by ``ecolca``.

Every function that touches Brightway runs inside :func:`using_project`: the project it needs is
made current for the call and the caller's current project is restored afterwards, also when
the call raises. Results come back as :class:`Comparison`, whose tables are pandas DataFrames
in tidy form (one row per method × item, with its unit). A figure that is not computed (a
category the supply chain does not cover, a cost without a price) is NaN with a note, never 0.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from ecolca.core.errors import ScenarioError
from ecolca.core.model import Scenario

if TYPE_CHECKING:  # pandas and the engine load on first use, not at `import ecolca`
    import pandas as pd

    from ecolca.importers.common import ImportSummary
    from ecolca.lca.evaluation import Evaluation
    from ecolca.park.rebase import Mapping, RebaseResult
    from ecolca.lca.results import Results
    from ecolca.park.suggest import Suggestions

__all__ = ["Comparison", "compare", "import_database", "load", "rebase", "save", "suggest",
           "using_project"]

Method = Sequence[str]
PathLike = str | os.PathLike


# ---- the Brightway project ---------------------------------------------------------------
@contextlib.contextmanager
def using_project(project: str | None = None) -> Iterator[str]:
    """Run the block with ``project`` (default: ``$ECOLCA_PROJECT``, else ``ecolca``) as the
    current Brightway project, then make the caller's current project current again, whether
    the block ends or raises. Applies ecolca's Brightway set-up first
    (:func:`ecolca.brightway.bwcompat.configure`). Raises :class:`ecolca.SetupError` when the project does
    not exist (run ``ecolca setup``)."""
    from ecolca.brightway import bwcompat

    bwcompat.configure()
    bwcompat.check_environment()
    import bw2data as bd

    from ecolca.core.errors import SetupError
    from ecolca.brightway.project import activate

    wanted = os.environ.get("BRIGHTWAY_DIR")
    used = Path(bd.projects._base_data_dir)
    if wanted and used.resolve() != Path(wanted).expanduser().resolve():
        # bw2data was imported before ecolca could pass BRIGHTWAY_DIR on: never the wrong folder
        raise SetupError(f"BRIGHTWAY_DIR is '{wanted}' but bw2data, imported before ecolca set "
                         f"it up, uses '{used}': set BRIGHTWAY2_DIR to the same folder, or call "
                         "ecolca before importing bw2data")

    before = bd.projects.current
    try:
        yield activate(project)
    finally:
        if bd.projects.current != before:
            bd.projects.set_current(before)


# ---- scenario files ----------------------------------------------------------------------
def load(path_or_example: PathLike | Scenario) -> Scenario:
    """A scenario from a ``.ecolca.json`` file, or the bundled example of that name
    (``ecolca.core.examples.available()`` lists them). A :class:`Scenario` is returned as it is.
    Raises :class:`ecolca.ScenarioError` listing every problem of an invalid file, or naming
    the path when it is neither a file nor an example."""
    if isinstance(path_or_example, Scenario):
        return path_or_example
    from ecolca.core import examples, scenario_file

    text = os.fspath(path_or_example)
    p = Path(text).expanduser()
    if not p.exists() and text in examples.available():
        return examples.load(text)
    if not p.exists():
        raise ScenarioError(f"no such file, and no bundled example of that name (examples: "
                            f"{', '.join(examples.available())})", source=text)
    sc = scenario_file.load(p)
    for note in sc.file_notes:  # an old key read under its new name (docs/file-format.md)
        warnings.warn(f"{p}: {note}", UserWarning, stacklevel=2)
    return sc


def save(scenario: Scenario, path: PathLike) -> Path:
    """Write ``scenario`` to ``path`` (a ``.ecolca.json`` file), atomically: a failed save leaves
    no partial file and an existing file intact. Returns the path."""
    from ecolca.core import scenario_file

    scenario_file.save(scenario, path)
    return Path(path)


def _methods(methods: Sequence[Method] | Method | None) -> list[tuple[str, ...]] | None:
    """Methods as tuples: a list of tuples, one tuple, or labels ``"A | B | C"``."""
    if methods is None:
        return None
    if isinstance(methods, str) or (isinstance(methods, tuple) and methods
                                    and all(isinstance(x, str) for x in methods)
                                    and " | " not in methods[0]):
        methods = [methods]
    out = []
    for m in methods:
        out.append(tuple(x.strip() for x in m.split(" | ")) if isinstance(m, str) else tuple(m))
    return out


# ---- the comparison ----------------------------------------------------------------------
def compare(scenario: Scenario | PathLike, methods: Sequence[Method] | Method | None = None, *,
            project: str | None = None, iterations: int = 0,
            seed: int | None = None) -> "Comparison":
    """L (linear) and S (symbiotic) of ``scenario`` for each method (default: the scenario's),
    per exchange, per site, with economics, inventory totals and contributions; with
    ``iterations`` > 0, paired Monte Carlo statistics too (``seed`` makes them repeatable).

    ``scenario`` may be a :class:`Scenario`, a file or an example name (:func:`load`). Runs in
    ``project`` (default ``$ECOLCA_PROJECT``, else ``ecolca``) and leaves the caller's current
    Brightway project current. Raises :class:`ecolca.ScenarioError` with every problem when the
    scenario is not valid for the project; nothing is computed then."""
    from ecolca.lca.run import compare as _compare

    sc = load(scenario)
    if not isinstance(iterations, int) or isinstance(iterations, bool) or iterations < 0:
        raise ValueError(f"iterations must be a whole number ≥ 0, got {iterations!r}")
    keep: list = []
    with using_project(project) as name:
        res = _compare(sc, project=name, methods=_methods(methods), iterations=iterations,
                       seed=seed, keep=keep)
    if methods is not None:
        sc = copy.deepcopy(sc)
        sc.methods = list(res.methods)
    return Comparison(res, sc, name, keep[0] if keep else None)


class Comparison:
    """The results of :func:`compare` (or of a what-if on them).

    The tables are pandas DataFrames built on each access from :attr:`results` (the engine's
    :class:`ecolca.lca.results.Results`, also used by the CLI, the app and the report)."""

    def __init__(self, results: "Results", scenario: Scenario, project: str,
                 evaluation: "Evaluation | None" = None, what_if: bool = False):
        self.results = results
        self.scenario = scenario
        self.project = project
        self._evaluation = evaluation
        self.what_if = what_if  # True: evaluated on a run's unit scores (no Brightway solve)

    def __repr__(self) -> str:
        kind = "what-if on the run's unit scores" if self.what_if else "run"
        return (f"<Comparison of {self.scenario.name!r}: {len(self.results.impacts)} method(s), "
                f"{len(self.scenario.exchanges)} exchange(s), project {self.project!r}, {kind}>")

    @property
    def methods(self) -> list[tuple[str, ...]]:
        return list(self.results.methods)

    # ---- tables --------------------------------------------------------------------------
    @property
    def impacts(self) -> "pd.DataFrame":
        """One row per method: ``method`` (label ``A | B | C``), ``method_key`` (the tuple),
        ``unit``, ``linear``, ``symbiotic``, ``delta`` (S − L), ``delta_pct``, ``coverage`` and
        ``note``. A category the supply chain does not cover has NaN figures and
        coverage "not covered"."""
        import pandas as pd

        from ecolca.lca.results import method_label

        nan = float("nan")
        rows = []
        for r in self.results.impacts:
            ok = r.covered
            rows.append({
                "method": method_label(r.method), "method_key": r.method, "unit": r.unit,
                "linear": r.linear if ok else nan, "symbiotic": r.symbiotic if ok else nan,
                "delta": r.delta if ok else nan,
                "delta_pct": nan if r.delta_pct is None or not ok else r.delta_pct,
                "coverage": r.coverage.label() if r.coverage else "complete",
                "note": r.delta_note or r.pct_note or ""})
        return pd.DataFrame(rows, columns=["method", "method_key", "unit", "linear", "symbiotic",
                                           "delta", "delta_pct", "coverage", "note"])

    def impact(self, method: Method) -> dict[str, Any]:
        """The row of :attr:`impacts` for ``method`` (a tuple or its label) as a dict; KeyError
        naming it when there is none."""
        key = _methods([method] if isinstance(method, tuple) else method)[0]
        self.results.impact(key)  # KeyError naming the method
        df = self.impacts
        return df[df["method_key"] == key].iloc[0].to_dict()

    @property
    def exchanges(self) -> "pd.DataFrame":
        """One row per method × exchange: the four parts of Δ_e (``avoided_fate``,
        ``avoided_supply``, ``transport``, ``processing``), their ``total``, ``distance_km``,
        ``break_even_km`` (NaN with ``break_even_reason`` when there is none) and ``note``."""
        import pandas as pd

        from ecolca.lca.results import method_label

        nan = float("nan")
        rows = []
        for m in self.results.methods:
            for p in self.results.exchange_parts(m):
                rows.append({
                    "method": method_label(m), "unit": p.unit, "exchange": p.exchange_id,
                    "label": p.label, "avoided_fate": p.avoided_fate,
                    "avoided_supply": p.avoided_supply, "transport": p.transport,
                    "processing": p.processing, "total": p.total, "distance_km": p.distance_km,
                    "break_even_km": nan if p.break_even_km is None else p.break_even_km,
                    "break_even_reason": p.break_even_reason or "", "note": p.note or ""})
        return pd.DataFrame(rows, columns=[
            "method", "unit", "exchange", "label", "avoided_fate", "avoided_supply", "transport",
            "processing", "total", "distance_km", "break_even_km", "break_even_reason", "note"])

    def sites(self, key: str | None = None) -> "pd.DataFrame":
        """One row per method × site under attribution ``key`` (default: the scenario's;
        ``ecolca.lca.results.ATTRIBUTION_KEYS`` lists them): ``linear``, ``symbiotic``,
        ``delta``. ValueError naming the key when it is not one of them."""
        import pandas as pd

        from ecolca.lca.results import ATTRIBUTION_KEYS, method_label

        key = key or self.results.attribution_key
        if key not in ATTRIBUTION_KEYS:
            raise ValueError(f"attribution key {key!r} is not one of {', '.join(ATTRIBUTION_KEYS)}")
        rows = [{"method": method_label(m), "unit": s.unit, "key": key, "site": s.site_id,
                 "site_name": s.site_name, "linear": s.linear, "symbiotic": s.symbiotic,
                 "delta": s.delta}
                for m in self.results.methods for s in self.results.site_results(m, key)]
        return pd.DataFrame(rows, columns=["method", "unit", "key", "site", "site_name", "linear",
                                           "symbiotic", "delta"])

    @property
    def economics(self) -> "pd.DataFrame":
        """One row per site: annual ``linear_cost``, ``symbiotic_cost`` and ``delta`` in
        ``unit`` (currency/year); NaN with ``missing_prices`` when a price is missing (a cost
        with a price counted as 0 is not a result)."""
        import pandas as pd

        nan = float("nan")
        unit = f"{self.results.currency}/year"
        rows = [{"site": e.site_id, "site_name": e.site_name, "unit": unit,
                 "linear_cost": nan if e.missing_prices else e.linear_cost,
                 "symbiotic_cost": nan if e.missing_prices else e.symbiotic_cost,
                 "delta": nan if e.missing_prices else e.delta,
                 "missing_prices": ", ".join(e.missing_prices)}
                for e in self.results.economics]
        return pd.DataFrame(rows, columns=["site", "site_name", "unit", "linear_cost",
                                           "symbiotic_cost", "delta", "missing_prices"])

    @property
    def inventory(self) -> "pd.DataFrame":
        """One row per key elementary flow summed over the park: ``flow``, ``unit``,
        ``linear``, ``symbiotic``, ``delta`` (per year)."""
        import pandas as pd

        rows = [{"flow": i.label, "unit": i.unit, "linear": i.linear, "symbiotic": i.symbiotic,
                 "delta": i.delta} for i in self.results.inventory]
        return pd.DataFrame(rows, columns=["flow", "unit", "linear", "symbiotic", "delta"])

    @property
    def contributions(self) -> "pd.DataFrame":
        """One row per method × process contributing most to L or S (``site`` set for a
        site's own direct emissions), then one row ``process == "(rest)"`` summing the others;
        per method the rows add up to L and S. Empty after a what-if (:meth:`evaluate`): they
        come from a full run's Brightway solve only."""
        import pandas as pd

        from ecolca.lca.results import method_label

        cols = ["method", "unit", "process", "database", "location", "site", "linear",
                "symbiotic", "delta"]
        rows = []
        for mc in self.results.contributions:
            label = method_label(mc.method)
            for p in mc.processes:
                rows.append({"method": label, "unit": mc.unit, "process": p.name,
                             "database": p.database, "location": p.location,
                             "site": p.site or "", "linear": p.linear, "symbiotic": p.symbiotic,
                             "delta": p.delta})
            if mc.rest_count:
                rows.append({"method": label, "unit": mc.unit,
                             "process": f"(rest: {mc.rest_count} processes)", "database": "",
                             "location": "", "site": "", "linear": mc.rest_linear,
                             "symbiotic": mc.rest_symbiotic,
                             "delta": mc.rest_symbiotic - mc.rest_linear})
        return pd.DataFrame(rows, columns=cols)

    @property
    def uncertainty(self) -> "pd.DataFrame":
        """One row per method × quantity (``linear``, ``symbiotic``, ``delta``) of the paired
        Monte Carlo run: ``mean``, ``median``, ``p2.5``, ``p97.5``, ``iterations``, ``seed`` and
        ``probability_delta_negative``, ``deterministic`` (the run's Δ) and ``outside_interval``
        ("below" | "above" | None: the deterministic Δ against the 2.5–97.5 % interval) on the
        ``delta`` rows. Empty when ``iterations`` was 0 or nothing was sampled
        (``results.metadata["monte_carlo"]["note"]`` says so); NaN for a category the
        background does not cover."""
        import pandas as pd

        from ecolca.lca.results import STAT_KEYS, method_label

        nan = float("nan")
        rows = []
        for u in self.results.uncertainty:
            ok = self.results.impact(u.method).covered
            for which in ("linear", "symbiotic", "delta"):
                stats = getattr(u, which)
                row = {"method": method_label(u.method), "unit": u.unit, "quantity": which}
                row.update({k: (stats.get(k, nan) if ok else nan) for k in STAT_KEYS})
                row.update(iterations=u.iterations, seed=u.seed,
                           probability_delta_negative=(u.probability_delta_negative
                                                       if ok and which == "delta" else nan),
                           # the run's own Δ beside the draws (issue #20.1)
                           deterministic=(u.deterministic if ok and which == "delta"
                                          and u.deterministic is not None else nan),
                           outside_interval=(u.outside if ok and which == "delta" else None))
                rows.append(row)
        return pd.DataFrame(rows, columns=["method", "unit", "quantity", *STAT_KEYS,
                                           "iterations", "seed", "probability_delta_negative",
                                           "deterministic", "outside_interval"])

    # ---- output --------------------------------------------------------------------------
    def _for(self, audience: str) -> "Results":
        if audience == "internal":
            return self.results
        from ecolca.park import confidential

        return confidential.mask(self.results, self.scenario, audience).results

    def to_json(self, audience: str = "internal", indent: int | None = None) -> str:
        """The results as the JSON text of ``ecolca run --json`` (docs/json-output.md), shown
        as a report for ``audience`` may show them (docs/confidentiality.md)."""
        import json

        from ecolca.core.jsontext import json_text

        text = json_text(self._for(audience).to_json_dict())
        return text if indent is None else json.dumps(json.loads(text), indent=indent,
                                                      ensure_ascii=False)

    def to_excel(self, path: PathLike, audience: str = "internal") -> Path:
        """Write the Excel report (docs/report.md) for ``audience`` to ``path``, atomically;
        returns the path written. Raises :class:`ecolca.ReportError` naming the path."""
        from ecolca.report import write_report

        return write_report(self.results, self.scenario, path, audience=audience)

    # ---- what-ifs ------------------------------------------------------------------------
    def evaluate(self, scenario: Scenario | None = None, **changes: Any) -> "Comparison":
        """The comparison of ``scenario`` (default: this one's), with its top-level fields
        replaced by ``changes`` (e.g. ``attribution_key="mass"``), evaluated on this run's unit
        scores as the app's live results are: no Brightway solve, only the unit scores of
        background activities the run did not use (the kept factorisation). The methods must
        be the run's (ValueError otherwise: call :func:`compare`). Raises
        :class:`ecolca.ScenarioError` listing the problems of an invalid scenario; TypeError
        naming an unknown field."""
        from ecolca.lca.run import evaluate as _evaluate
        from ecolca.core.validation import errors, validate

        if self._evaluation is None:
            raise ValueError("this comparison keeps no unit scores to evaluate on; call "
                             "ecolca.compare")
        sc = copy.deepcopy(scenario if scenario is not None else self.scenario)
        names = {f.name for f in dataclasses.fields(Scenario)}
        for k, v in changes.items():
            if k not in names:
                raise TypeError(f"Scenario has no field {k!r} (fields: {', '.join(sorted(names))})")
            setattr(sc, k, v)
        ev = self._evaluation
        if [tuple(m) for m in sc.methods] != list(ev.methods):
            raise ValueError("the scenario's methods differ from the run's: a what-if reuses "
                             "the run's unit scores; call ecolca.compare for other methods")
        problems = errors(validate(sc))
        if problems:
            raise ScenarioError(problems, sc.name)
        with using_project(self.project):
            table = None
            if not ev.can_evaluate(sc):  # new background nodes: their unit scores, not a run
                from ecolca.lca.project_check import _Lookup, check_against_project

                lookup = _Lookup.for_scenario(sc)
                tables: list = []
                problems = errors(check_against_project(sc, lookup, tables, validated=True))
                if problems:
                    raise ScenarioError(problems, sc.name)
                ev = ev.extend(tables[0], lookup)
                table = tables[0]
            res = _evaluate(sc, ev, table)
        # as the app's live results: the run's metadata, saying these figures are not its own
        base = self.results.metadata
        res.metadata = dict(base)
        res.metadata["live"] = (
            "a what-if evaluated from Python on the unit scores of the run of "
            f"{base.get('calculated', '?')} (no new Brightway calculation; docs/engine.md, "
            "'Live results in the app')")
        res.metadata["monte_carlo"] = "not run"
        return Comparison(res, sc, self.project, ev, what_if=True)

    def with_exchange(self, exchange: str, **fields: Any) -> "Comparison":
        """A what-if with fields of exchange ``exchange`` (its id) changed, e.g.
        ``c.with_exchange("gypsum", amount=30000, substitution_ratio=0.9)``; see
        :meth:`evaluate`. KeyError naming the exchange, TypeError naming an unknown field."""
        from ecolca.core.model import Exchange

        sc = copy.deepcopy(self.scenario)
        ex = next((e for e in sc.exchanges if e.id == exchange), None)
        if ex is None:
            raise KeyError(f"no exchange {exchange!r} in scenario {sc.name!r} (exchanges: "
                           f"{', '.join(e.id for e in sc.exchanges) or 'none'})")
        names = {f.name for f in dataclasses.fields(Exchange)}
        for k, v in fields.items():
            if k not in names or k == "id":
                raise TypeError(f"exchange {exchange!r}: no field {k!r} to change (fields: "
                                f"{', '.join(sorted(names - {'id'}))})")
            setattr(ex, k, v)
        return self.evaluate(sc)


# ---- the other tools ---------------------------------------------------------------------
def suggest(scenario: Scenario | PathLike, top: int | None = 10, method: Method | None = None,
            distance_km: float | None = None, *, project: str | None = None) -> "Suggestions":
    """Candidate exchanges for ``scenario`` ranked by Δ_e of ``method`` (default: the
    scenario's first), at most ``top`` (None: all); docs/suggest.md. Runs in ``project`` and
    leaves the caller's current project current. ``ecolca.park.suggest.to_json`` (the module) gives
    its JSON form."""
    from ecolca.park import suggest as _suggest_module

    sc = load(scenario)
    m = _methods(method)[0] if method is not None else None
    with using_project(project) as name:
        return _suggest_module.suggest(sc, top=top, method=m, distance_km=distance_km,
                                       project=name)


def rebase(scenario: Scenario | PathLike, mapping: "Mapping | PathLike", *,
           project: str | None = None) -> "RebaseResult":
    """A copy of ``scenario`` moved onto another background database by ``mapping`` (a
    :class:`ecolca.park.rebase.Mapping` or a mapping CSV file); docs/rebase.md. The result's
    ``scenario`` is the rebased scenario, ``lines()`` says what moved. Raises
    :class:`ecolca.MappingError` or :class:`ecolca.ScenarioError` naming rows, items and
    fields; ``scenario`` is never changed."""
    from ecolca.park import rebase as _rebase

    sc = load(scenario)
    name = None
    if not isinstance(mapping, _rebase.Mapping):
        name = Path(mapping).name
        mapping = _rebase.read_mapping(mapping)
    with using_project(project):
        return _rebase.rebase(sc, mapping, mapping_name=name)


def import_database(path: PathLike, fmt: str, name: str | None = None, *,
                    project: str | None = None, replace: bool = False,
                    allow_unlinked: bool = False) -> "ImportSummary":
    """Import ``path`` (format ``fmt``: ``ecolca.importers.FORMATS``) as database ``name`` of
    ``project``; returns the summary; docs/backgrounds.md. Raises :class:`ecolca.ImportFailed`
    (the project is unchanged) or :class:`ecolca.UnlinkedError` (refused; its ``summary``
    lists the unlinked exchanges). Leaves the caller's current project current."""
    from ecolca import importers

    with using_project(project) as proj:
        return importers.import_database(fmt, path, name=name, project=proj, replace=replace,
                                         allow_unlinked=allow_unlinked)

