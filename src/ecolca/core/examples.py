"""Bundled example scenarios (``src/ecolca/examples/*.ecolca.json``)."""

from __future__ import annotations

from pathlib import Path

from ecolca.core import scenario_file
from ecolca.core.errors import EcolcaError
from ecolca.core.model import Scenario
from ecolca.core.resources import examples_dir


def available() -> dict[str, Path]:
    """Example name -> file, sorted by name."""
    return {p.name[: -len(scenario_file.SUFFIX)]: p
            for p in sorted(examples_dir().glob(f"*{scenario_file.SUFFIX}"))}


def path(name: str) -> Path:
    ex = available()
    if name not in ex:
        raise EcolcaError(f"no example named '{name}'; available: {', '.join(ex) or 'none'}")
    return ex[name]


def load(name: str) -> Scenario:
    return scenario_file.load(path(name))


def describe(name: str) -> tuple[str, str]:
    """(scenario name, first line of its description)."""
    sc = load(name)
    return sc.name, (sc.description.strip().splitlines() or [""])[0]
