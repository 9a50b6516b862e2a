"""What a run keeps for the app's live results: the nodes, unit scores and key-flow
inventories of a solve, and how to add the scores of new background nodes without a full run
(docs/engine.md, "Live results in the app")."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ecolca.lca.project_check import _Lookup
from ecolca.lca.solve import Solved
from ecolca.lca.terms import TermTable
from ecolca.core.model import Scenario


@dataclass
class Evaluation:
    """What a run keeps so that a scenario whose numbers change can be evaluated again without a
    solve: the project's nodes it uses, the unit scores and the key-flow inventories."""

    lookup: _Lookup
    methods: list[tuple[str, ...]]
    units: list[str]
    solved: Solved
    table: TermTable
    keys: list[tuple[str, str]] = field(default_factory=list)
    # the background's matrices and factorisation for more nodes (solve.KeptSolver); see extend
    solver: object = None

    def missing(self, table: TermTable) -> list[tuple[str, str]]:
        """The nodes of ``table`` this evaluation has no unit scores for."""
        known = set(self.keys)
        return [k for k in table.keys if k not in known]

    def extend(self, table: TermTable, lookup: _Lookup,
               say: Callable[[str, float], None] | None = None) -> "Evaluation":
        """This evaluation with the unit scores of the nodes of ``table`` it lacks (a supply or
        a fate pointed at another background activity, a new direct emission), and nothing else
        solved: the scores come from the unit-score cache (lca/cache.py) where it has them, and
        from :func:`ecolca.lca.solve.solve_more` otherwise, which also gives the key-flow
        inventories. The background's factorisation is kept in the returned evaluation's
        ``solver`` and reused while its databases are unchanged; when none is kept (or the
        background changed), the matrices are read and factorised once. The methods, the
        coverage and the foreground figures stay those of the run (docs/engine.md), except that
        a category the run did not cover and a new node scores in is no longer "not covered"."""
        import dataclasses

        from ecolca.lca import cache
        from ecolca.lca.solve import keep_solver, kept_reach, reach_of, solve_more

        say = say or (lambda m, f: None)
        new = self.missing(table)
        bg = [k for k in new if k in set(table.keys[:table.n_background])]
        bio = [k for k in new if k not in set(bg)]
        keys = bg + bio
        merged = _Lookup(dict(self.lookup.nodes), dict(self.lookup.ids))
        merged.nodes.update({k: lookup.nodes[k] for k in keys})
        merged.ids.update({k: lookup.ids[k] for k in keys})
        kept = self.solver
        if kept is None or not kept.current() or not kept.has(keys, merged, len(bg)):
            say("Reading the background's matrices (one factorisation)", 0.2)
            base = [k for k in self.keys[:self.table.n_background]]
            kept = keep_solver(bg + [k for k in base if k not in set(bg)] or base, merged,
                               self.methods)
        say(f"Solving {len(bg)} new background demand(s)", 0.5)
        U, inv = solve_more(kept, keys, len(bg), merged, self.methods)
        try:  # the cache's scores are those a full run stored; newly solved ones are kept
            cached, found = cache.lookup(bg, self.methods)
            U[:len(bg)] = np.where(found, cached, U[:len(bg)])
            if bg and not found.all():
                cache.store(bg, self.methods, U[:len(bg)])
        except (OSError, sqlite3.Error):
            pass
        # a category the run's chain did not cover and a new node scores in: its figures are
        # results again, never "not covered" over a number (the counts are those of the run)
        coverage = dict(self.solved.coverage)
        for j, m in enumerate(self.methods):
            c = coverage.get(m)
            if c is not None and c.status == "not covered" and len(U) and np.any(U[:, j] != 0):
                coverage[m] = None
        solved = dataclasses.replace(self.solved, scores=np.vstack([self.solved.scores, U]),
                                     inventory=np.vstack([self.solved.inventory, inv]),
                                     coverage=coverage, reach=np.vstack([
                                         reach_of(self.solved),
                                         kept_reach(kept, keys, len(bg), merged, self.methods, U)]))
        return Evaluation(merged, self.methods, self.units, solved, self.table,
                          list(self.keys) + keys, kept)

    def can_evaluate(self, sc: Scenario) -> bool:
        """True when ``sc`` uses only nodes and methods this evaluation has scores for."""
        if [tuple(m) for m in sc.methods] != self.methods:
            return False
        known = set(self.keys)
        refs = set(sc.background_refs())
        refs.update(f.activity.key for _, f in sc.iter_flows() if f.kind == "emission" and f.activity)
        return refs <= known
