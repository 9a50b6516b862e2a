"""The comparison engine (no Qt). One formulation: a scenario compiles to a table of terms
(:mod:`ecolca.lca.terms`); every figure is evaluated on it.

Modules: ``terms`` (the table), ``project_check`` (the scenario against the project),
``foreground`` (the Brightway record of a scenario), ``solve`` (unit scores, coverage),
``run`` (the comparison and :func:`evaluate`), ``live`` (the app's live results after an
edit), ``attribution`` (per-site keys), ``economics``,
``uncertainty`` (Monte Carlo in chunks, local pool or Dask) and ``sensitivity``.
"""

from ecolca.lca.run import (
    CONSISTENCY_TOLERANCE,
    Evaluation,
    compare,
    evaluate,
)
from ecolca.lca.economics import _economic_weight, _economics
from ecolca.lca.foreground import (
    FOREGROUND_FORMAT,
    Foreground,
    build_foreground,
    foreground_lock,
)
from ecolca.lca.project_check import (
    FOREGROUND_PREFIX,
    _Lookup,
    _to_unit_factor,
    check,
    check_against_project,
    foreground_name,
    is_foreground,
    terms_of,
)
from ecolca.lca.solve import KEY_FLOWS, WATER_WITHDRAWAL_LABEL
from ecolca.lca.terms import TermTable, compile_terms
from ecolca.lca.uncertainty import Cancelled

__all__ = [
    "CONSISTENCY_TOLERANCE", "Cancelled", "Evaluation", "FOREGROUND_FORMAT", "FOREGROUND_PREFIX",
    "Foreground", "KEY_FLOWS", "TermTable", "WATER_WITHDRAWAL_LABEL", "build_foreground",
    "check", "check_against_project", "compare", "compile_terms", "evaluate", "foreground_lock",
    "foreground_name", "is_foreground", "terms_of", "_Lookup", "_economic_weight", "_economics",
    "_to_unit_factor",
]
