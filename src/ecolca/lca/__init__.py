"""The comparison engine (no Qt). One formulation: a scenario compiles to a table of terms
(:mod:`ecolca.lca.terms`); every figure is evaluated on it.

Modules: ``terms`` (the table), ``project_check`` (the scenario against the project),
``foreground`` (the Brightway record of a scenario), ``solve`` (unit scores, coverage),
``run`` (the comparison and :func:`evaluate`), ``live`` (the app's live results after an
edit), ``attribution`` (per-site keys), ``economics``,
``uncertainty`` (Monte Carlo in chunks, local pool or Dask) and ``sensitivity``.

The names below are loaded on first use (PEP 562 ``__getattr__``), so importing a light module of
the engine (``ecolca.lca.results``, the results as plain data the app shows) does not load NumPy,
SciPy or Brightway with the whole engine (issue #23: the app's cold start).
"""

TYPE_CHECKING = False

# name -> module of the engine it comes from
_NAMES = {
    "CONSISTENCY_TOLERANCE": "run", "Evaluation": "run", "compare": "run", "evaluate": "run",
    "_economic_weight": "economics", "_economics": "economics",
    "FOREGROUND_FORMAT": "foreground", "Foreground": "foreground",
    "build_foreground": "foreground", "foreground_lock": "foreground",
    "FOREGROUND_PREFIX": "project_check", "_Lookup": "project_check",
    "_to_unit_factor": "project_check", "check": "project_check",
    "check_against_project": "project_check", "foreground_name": "project_check",
    "is_foreground": "project_check", "terms_of": "project_check",
    "KEY_FLOWS": "solve", "WATER_WITHDRAWAL_LABEL": "solve",
    "TermTable": "terms", "compile_terms": "terms",
    "Cancelled": "uncertainty",
}

__all__ = sorted(_NAMES)

if TYPE_CHECKING:  # for type checkers and IDEs; at run time __getattr__ loads them
    from ecolca.lca.economics import _economic_weight, _economics  # noqa: F401
    from ecolca.lca.foreground import (FOREGROUND_FORMAT, Foreground,  # noqa: F401
                                       build_foreground, foreground_lock)
    from ecolca.lca.project_check import (FOREGROUND_PREFIX, _Lookup,  # noqa: F401
                                          _to_unit_factor, check, check_against_project,
                                          foreground_name, is_foreground, terms_of)
    from ecolca.lca.run import CONSISTENCY_TOLERANCE, Evaluation, compare, evaluate  # noqa: F401
    from ecolca.lca.solve import KEY_FLOWS, WATER_WITHDRAWAL_LABEL  # noqa: F401
    from ecolca.lca.terms import TermTable, compile_terms  # noqa: F401
    from ecolca.lca.uncertainty import Cancelled  # noqa: F401


def __getattr__(name: str):
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'ecolca.lca' has no attribute '{name}'")
    import importlib

    value = getattr(importlib.import_module(f"ecolca.lca.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_NAMES))
