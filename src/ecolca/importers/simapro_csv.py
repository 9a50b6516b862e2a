"""SimaPro CSV export, through bw2io's ``SimaProBlockCSVImporter`` (bw_simapro_csv).

Offline: the importer's last strategy asks a server on the internet for unit conversions; it is
dropped, and ``separate_products=False`` makes one activity per process. bw_simapro_csv writes
its logs to the user's state folder; :func:`ecolca.brightway.bwcompat.simapro_logs_in` sends them into the
Brightway folder (``<BRIGHTWAY_DIR>/logs/simapro-csv``). Elementary flows are linked to
biosphere3 by :mod:`ecolca.importers.simapro_flows` (randonneur_data's SimaPro mappings).
"""

from __future__ import annotations

import io
import time
from contextlib import redirect_stdout
from pathlib import Path

from ecolca.importers.common import (
    CancelCheck, ImportError_, ImportSummary, Progress, check_path,
)

FORMAT = "simapro-csv"
ONLINE_STRATEGIES = ("match_internal_simapro_simapro_with_unit_conversion",)


def _check_text(p: Path) -> None:
    head = p.read_bytes()[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        raise ImportError_(f"'{p}': not a text file in a single-byte or UTF-8 encoding (UTF-16 "
                           "or binary); export the SimaPro CSV again as ANSI or UTF-8")
    if not head.lstrip(b"\xef\xbb\xbf").startswith(b"{"):
        raise ImportError_(f"'{p}': does not start with a SimaPro header line ('{{SimaPro …}}')")


def read(path: str | Path, name: str, progress: Progress | None = None,
         cancelled: CancelCheck | None = None):
    from bw2io.importers import SimaProBlockCSVImporter

    from ecolca.brightway import bwcompat
    from ecolca.core.errors import Cancelled

    say = progress or (lambda m, f: None)
    p = check_path(path, "file", "a SimaPro CSV export (.csv)")
    _check_text(p)
    t0 = time.perf_counter()
    say(f"Reading {p.name} with bw_simapro_csv", 0.05)
    buf = io.StringIO()
    try:
        with bwcompat.simapro_logs_in(), redirect_stdout(buf):
            imp = SimaProBlockCSVImporter(Path(p), database_name=name, separate_products=False)
            imp.strategies = [s for s in imp.strategies
                              if getattr(s, "__name__", getattr(getattr(s, "func", None),
                                                                "__name__", "")) not in ONLINE_STRATEGIES]
            if cancelled and cancelled():
                raise Cancelled("import cancelled")
            say("Applying bw2io's SimaPro strategies (offline)", 0.4)
            imp.apply_strategies()
    except Cancelled:
        raise
    except ImportError_:
        raise
    except Exception as exc:  # bw_simapro_csv raises many kinds on a malformed file
        raise ImportError_(f"'{p}': cannot be read as a SimaPro CSV process export "
                           f"({type(exc).__name__}: {exc})") from None
    summary = ImportSummary(FORMAT, str(p), name)
    data = {}
    for ds in imp.data:
        ds = dict(ds)
        ds["database"] = name
        ds.setdefault("code", ds.get("code"))
        for e in ds.get("exchanges", []):
            inp = e.get("input")
            if inp and inp[0] == imp.db_name and imp.db_name != name:
                e["input"] = (name, inp[1])
        data[(name, ds["code"])] = ds
    say("Linking elementary flows (randonneur_data SimaPro → ecoinvent 3.9 mappings)", 0.6)
    from ecolca.importers import simapro_flows

    simapro_flows.link(data, summary)
    summary.seconds = time.perf_counter() - t0
    meta = {"format": "SimaPro CSV", "ecolca_import_format": FORMAT,
            "ecolca_import_source": p.name,
            "ecolca_import_flow_mappings": simapro_flows.datapackage_versions()}
    return data, summary, meta, ""
