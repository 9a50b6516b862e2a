"""Time and peak memory of importing the shipped US LCI (openLCA JSON-LD) into a fresh
temporary Brightway folder; target ≤ 15 s for the import itself (issue #10).

    PYTHONPATH=src .venv/bin/python benchmarks/import_uslci.py
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
folder = tempfile.mkdtemp(prefix="ecolca-bench-import-")
os.environ["BRIGHTWAY_DIR"] = folder
os.environ["BRIGHTWAY2_DIR"] = folder

from ecolca.brightway import bwcompat  # noqa: E402
bwcompat.configure()  # before bw2data
from ecolca.importers import import_database  # noqa: E402
from ecolca.importers.setup import setup  # noqa: E402

try:
    setup("bench")
    from ecolca.importers.common import ensure_migrations

    t = time.perf_counter()
    ensure_migrations(["biosphere-2-3-categories", "biosphere-2-3-names"], lambda m, f: None)
    mig = time.perf_counter() - t
    t = time.perf_counter()
    s = import_database("olca-jsonld", ROOT / "databases" / "uslci" / "uslci-fy17-olca1.5-jsonld.zip",
                        "uslci", project="bench")  # no flag: the shipped zip passes the rules
    dt = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bw2io migrations (once per project): {mig:.1f} s", file=sys.stderr)
    print("\n".join(s.lines()), file=sys.stderr)
    print(f"US LCI import: {dt:.1f} s (target 15 s), peak RSS of the process {peak:.0f} MB")
finally:
    shutil.rmtree(folder, ignore_errors=True)
