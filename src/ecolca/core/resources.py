"""Finds the resource folders kept outside ``src/`` (``databases/``, ``ui/``, ``docs/``).

In an installed wheel they are packaged as ``ecolca/_resources/<name>``; in a checkout (editable
install or ``PYTHONPATH=src``) they are the top-level folders of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent.parent  # src/ecolca (this file is in core/)


def resource_dir(name: str) -> Path:
    """The folder ``name`` (``"databases"``, ``"ui"`` or ``"docs"``); raises FileNotFoundError if absent."""
    for candidate in (_PKG / "_resources" / name, _PKG.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"ecolca resource folder '{name}' not found (looked in {_PKG / '_resources'} and the "
        "repository root); the installation is incomplete"
    )


def databases_dir() -> Path:
    return resource_dir("databases")


def ui_dir() -> Path:
    return resource_dir("ui")


def examples_dir() -> Path:
    return _PKG / "examples"


def docs_dir() -> Path:
    """The user documentation (``docs/*.md``), shipped in the wheel: ``ecolca docs`` lists it."""
    return resource_dir("docs")
