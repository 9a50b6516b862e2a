"""``ecolca setup``: creates or updates the Brightway project ecolca calculates in.

Offline: biosphere3 and the LCIA methods come from bw2io's bundled data, the background from
``databases/``. Only the named project is touched. A second run with nothing to do reads a few
metadata values and returns.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ecolca.brightway import bwcompat
from ecolca.brightway.project import Progress, project_name, recover_interrupted_import
from ecolca.core.errors import SetupError


@dataclass
class SetupReport:
    project: str
    steps: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.steps)


def setup(name: str | None = None, all_methods: bool = False,
          progress: Progress | None = None, backgrounds: list[str] | tuple = ()) -> SetupReport:
    """Create or update project ``name``; idempotent. ``progress(message, fraction)`` is called
    as work advances (fraction in 0..1). ``backgrounds`` names shipped background databases to
    install as well (``"uslci"``, see :mod:`ecolca.shipped`)."""
    bwcompat.check_environment()
    import bw2data as bd

    from ecolca.brightway import background

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
