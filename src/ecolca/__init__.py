"""ecolca: comparative life-cycle assessment of industrial symbiosis.

The public API, for notebooks and scripts (docs/api.md)::

    import ecolca

    sc = ecolca.load("gypsum-ash")            # a file, or a bundled example
    c = ecolca.compare(sc)                    # never leaves your Brightway project switched
    c.impacts                                 # pandas DataFrame: method, unit, linear, symbiotic, delta …
    c.with_exchange("gypsum", amount=30000)   # a what-if on the same solve

The names below are loaded on first use (``ecolca.api``), so ``import ecolca`` is cheap and changes
nothing in the process: no import hook, no warnings filter, no environment variable. The model
(:mod:`ecolca.core.model`, :mod:`ecolca.core.scenario_file`, :mod:`ecolca.core.validation`) and the LCA code
(:mod:`ecolca.lca`, :mod:`ecolca.park`, :mod:`ecolca.importers`) import no Qt; the desktop app is a view over them.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (type checkers know it)

__version__ = "0.1.0"

# name -> module it comes from (loaded by __getattr__ on first use)
_PUBLIC = {
    "load": "ecolca.api",
    "save": "ecolca.api",
    "compare": "ecolca.api",
    "import_database": "ecolca.api",
    "using_project": "ecolca.api",
    "Comparison": "ecolca.api",
    "Scenario": "ecolca.core.model",
    "EcolcaError": "ecolca.core.errors",
    "ScenarioError": "ecolca.core.errors",
    "SetupError": "ecolca.core.errors",
    "ReportError": "ecolca.core.errors",
    "UnitError": "ecolca.core.errors",
    "Problem": "ecolca.core.errors",
    "suggest": "ecolca.api",
    "rebase": "ecolca.api",
    "MappingError": "ecolca.park.rebase",
    "ImportFailed": "ecolca.importers.common",
    "UnlinkedError": "ecolca.importers.common",
}

# submodules reachable as attributes without an import of their own
_SUBMODULES = {"examples": "ecolca.core.examples"}

__all__ = ["__version__", *_PUBLIC]

if TYPE_CHECKING:  # for type checkers and IDEs; at run time __getattr__ loads them
    from ecolca.core import examples
    from ecolca.api import (Comparison, compare, import_database, load, rebase, save, suggest,
                            using_project)
    from ecolca.core.errors import (EcolcaError, Problem, ReportError, ScenarioError, SetupError,
                               UnitError)
    from ecolca.importers.common import ImportFailed, UnlinkedError
    from ecolca.core.model import Scenario
    from ecolca.park.rebase import MappingError


def __getattr__(name: str):
    import importlib

    if name in _SUBMODULES:
        return importlib.import_module(_SUBMODULES[name])
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'ecolca' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({"__version__", *_PUBLIC, *_SUBMODULES})
