"""``ecolca setup``: creates or updates the Brightway project ecolca calculates in.

Offline: biosphere3 and the LCIA methods come from bw2io's bundled data, the background from
``databases/``. Only the named project is touched. A second run with nothing to do reads a few
metadata values and returns.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Callable

from ecolca import bwcompat  # noqa: F401  (silences the pypardiso warning before bw2calc loads)
from ecolca.errors import SetupError

DEFAULT_PROJECT = "ecolca"
PROJECT_ENV = "ECOLCA_PROJECT"

Progress = Callable[[str, float], None]


def project_name(name: str | None = None) -> str:
    """The project to use: ``name``, else ``$ECOLCA_PROJECT``, else ``ecolca``."""
    return name or os.environ.get(PROJECT_ENV) or DEFAULT_PROJECT


def activate(name: str | None = None, create: bool = False) -> str:
    """Make ``name`` the current Brightway project; raise SetupError if it does not exist and
    ``create`` is False."""
    bwcompat.check_environment()
    import bw2data as bd

    name = project_name(name)
    if name not in bd.projects and not create:
        raise SetupError(f"Brightway project '{name}' does not exist; run `ecolca setup"
                         f"{'' if name == DEFAULT_PROJECT else ' --project ' + name}` first")
    if bd.projects.current != name:
        bd.projects.set_current(name)
        bwcompat.load_multifunctional_if_used()
    recover_interrupted_import(name)
    return name


def recover_interrupted_import(name: str) -> None:
    """Before anything reads the project: finish or undo an import that a killed process left
    half-swapped, and drop its temporary databases (:func:`ecolca.importers.swap.recover`; a
    quick check when there is nothing to do)."""
    from ecolca.importers import swap

    try:
        swap.recover()
    except Exception as exc:  # noqa: BLE001  (disk full, permissions: said, not a traceback)
        raise SetupError(f"project '{name}': an interrupted import could not be finished or "
                         f"undone ({type(exc).__name__}: {exc})") from exc


@dataclass
class SetupReport:
    project: str
    steps: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.steps)


def is_ready(name: str | None = None, all_methods: bool = False) -> bool:
    """True when the project exists with biosphere3, the methods and the current bundled
    background database (what ``setup`` would do is nothing)."""
    import bw2data as bd

    from ecolca import background

    name = project_name(name)
    if name not in bd.projects:
        return False
    activate(name)
    if "biosphere3" not in bd.databases:
        return False
    bundled = background.read()
    meta = bd.databases.get(bundled.name, {})
    if meta.get("ecolca_digest") != bundled.digest:
        return False
    marker = (bd.projects.dataset.data or {}).get("ecolca_methods")
    return marker == "all" or (marker == "default" and not all_methods)


def setup(name: str | None = None, all_methods: bool = False,
          progress: Progress | None = None, backgrounds: list[str] | tuple = ()) -> SetupReport:
    """Create or update project ``name``; idempotent. ``progress(message, fraction)`` is called
    as work advances (fraction in 0..1). ``backgrounds`` names shipped background databases to
    install as well (``"uslci"``, see :mod:`ecolca.shipped`)."""
    bwcompat.check_environment()
    import bw2data as bd

    from ecolca import background

    t0 = time.perf_counter()
    say = progress or (lambda msg, frac: None)
    name = project_name(name)
    report = SetupReport(project=name)
    say(f"Brightway project '{name}' in {bd.projects._base_data_dir}", 0.0)
    if name not in bd.projects:
        report.steps.append(f"created project '{name}'")
    bd.projects.set_current(name)
    recover_interrupted_import(name)

    if "biosphere3" not in bd.databases:
        say("Installing biosphere3 (elementary flows, from bw2io's bundled data)", 0.05)
        import bw2io

        bw2io.create_default_biosphere3()
        report.steps.append("installed biosphere3")

    pdata = dict(bd.projects.dataset.data or {})
    want = "all" if all_methods else "default"
    if pdata.get("ecolca_methods") not in (want, "all"):
        say(f"Installing LCIA methods ({'all' if all_methods else 'default set'})", 0.35)
        n = bwcompat.write_default_methods(
            None if all_methods else bwcompat.DEFAULT_METHOD_FAMILIES,
            progress=lambda i, total: (i % 25 == 0 or i == total) and say(
                f"LCIA methods {i}/{total}", 0.35 + 0.35 * i / max(total, 1)))
        pdata["ecolca_methods"] = want
        bd.projects.dataset.data = pdata
        bd.projects.dataset.save()
        report.steps.append(f"installed {n} LCIA methods")

    bundled = background.read()
    if bundled.problems:
        raise SetupError("the bundled database has problems:\n  " + "\n  ".join(bundled.problems))
    meta = bd.databases.get(bundled.name, {})
    if meta.get("ecolca_digest") != bundled.digest:
        old = meta.get("ecolca_version")
        say(f"Installing background database {bundled.name} {bundled.version}", 0.75)
        db = bd.Database(bundled.name)
        db.register(
            format="ecolca bundled CSV", ecolca_version=bundled.version,
            ecolca_digest=bundled.digest, description=bundled.meta.get("description", ""),
            license=bundled.meta.get("license", ""), version=bundled.version,
        )
        db.write(background.to_brightway(bundled))
        # register() before write() keeps our keys; write() sets processed/depends
        md = bd.databases[bundled.name]
        md.update(ecolca_version=bundled.version, ecolca_digest=bundled.digest,
                  version=bundled.version)
        bd.databases[bundled.name] = md
        bd.databases.flush()
        report.steps.append(f"{'replaced' if old else 'installed'} {bundled.name} "
                            f"{bundled.version}" + (f" (was {old})" if old else ""))
    for bg in backgrounds or ():
        from ecolca.importers import shipped

        step = shipped.install(bg, progress=lambda m, f: say(m, 0.8 + 0.2 * f))
        if step:
            report.steps.append(step)
    report.seconds = time.perf_counter() - t0
    say("Done" if report.changed else "Nothing to do: the project is up to date", 1.0)
    return report
