"""Background databases shipped in ``databases/`` as source files (not CSV like ecolca-open):
``uslci`` (US LCI FY17 Q4, openLCA JSON-LD). ``ecolca setup --background uslci`` installs one
offline with the JSON-LD importer; a second run with the same file does nothing.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ecolca.core.errors import SetupError
from ecolca.core.resources import databases_dir

SHIPPED = ("uslci",)


def folder(name: str) -> Path:
    return databases_dir() / name


def describe(name: str) -> dict:
    if name not in SHIPPED:
        raise SetupError(f"--background '{name}': not a shipped background (one of: "
                         f"{', '.join(SHIPPED)})")
    meta = json.loads((folder(name) / "database.json").read_text(encoding="utf-8"))
    meta["path"] = folder(name) / meta["file"]
    return meta


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def is_installed(name: str) -> bool:
    import bw2data as bd

    meta = describe(name)
    return bd.databases.get(meta["name"], {}).get("ecolca_digest") == meta["sha256"]


def install(name: str, progress=None) -> str | None:
    """Install shipped background ``name`` into the current project; returns the step done, or
    None when it is already installed from the same file."""
    import bw2data as bd

    from ecolca.importers import import_database

    say = progress or (lambda m, f: None)
    meta = describe(name)
    path = meta["path"]
    if not path.is_file():
        raise SetupError(f"shipped background '{name}': file '{path}' is missing; the "
                         "installation is incomplete")
    if is_installed(name):
        return None
    digest = file_digest(path)
    if digest != meta["sha256"]:
        raise SetupError(f"shipped background '{name}': '{path}' has SHA-256 {digest[:12]}…, "
                         f"not {meta['sha256'][:12]}… as database.json says; the file was "
                         "changed or damaged")
    old = bd.databases.get(meta["name"], {}).get("ecolca_version")
    say(f"Installing background database {meta['name']} ({meta['version']}); about 10 s", 0.0)
    summary = import_database(
        meta["format"], path, meta["name"], project=bd.projects.current, replace=True, progress=say,
        extra_meta={"ecolca_digest": meta["sha256"], "ecolca_version": meta["version"],
                    "version": meta["version"], "license": meta["license"],
                    "description": meta["description"]})
    return (f"{'replaced' if old else 'installed'} {meta['name']} ({summary.activities} "
            f"activities, {summary.biosphere:,} of {summary.biosphere_total:,} biosphere "
            "exchanges linked to biosphere3"
            + (f", {summary.kept:,} kept in '{summary.companion}'" if summary.kept else "") + ")")
