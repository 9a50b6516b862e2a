"""openLCA JSON-LD product inputs (issue #18, point 6): an input no one makes is refused unless
--allow-unlinked, as in the Excel and SimaPro readers; ``defaultProvider`` is honoured; producers
are looked up in the project's other databases too. On the real shipped US LCI and the
beef-cattle package of ../shared/data/lci."""

from __future__ import annotations

import json
import zipfile
from collections import defaultdict

import pytest

from conftest import PROJECT, ROOT, USLCI_PROJECT, USLCI_ZIP

# ../shared/data/lci beside the project (a git worktree sits one level deeper)
BEEF = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared")
             if (p / "data" / "lci").is_dir()), ROOT.parent / "shared") / "data" / "lci" / \
    "beef-cattle-finishing-jsonld.zip"


def _processes(z: zipfile.ZipFile) -> dict[str, dict]:
    return {n: json.loads(z.read(n)) for n in z.namelist()
            if n.startswith("processes/") and n.endswith(".json")}


def test_inputs_without_producer_are_refused_and_counted(bw_project):
    from ecolca.importers import UnlinkedError, import_database

    if not BEEF.is_file():
        pytest.skip(f"beef-cattle package absent: {BEEF}")
    with pytest.raises(UnlinkedError) as err:
        import_database("olca-jsonld", BEEF, "beef-refused", project=PROJECT)
    s = err.value.summary
    assert s.unlinked_technosphere > 0 and "technosphere exchange(s) link to no activity" in \
        str(err.value)
    assert "beef-refused" not in __import__("bw2data").databases
    ok = import_database("olca-jsonld", BEEF, "beef-allowed", project=PROJECT,
                         allow_unlinked=True, replace=True)
    assert ok.unlinked_technosphere == s.unlinked_technosphere
    assert any(n.startswith("Technosphere links:") and "by defaultProvider" in n
               for n in ok.notes)


def test_default_provider_is_honoured(bw_project, tmp_path):
    """Of two processes making a product, the exchange's defaultProvider is linked, not the first
    by id."""
    from ecolca.importers import read_source

    if not USLCI_ZIP.is_file():
        pytest.skip("shipped US LCI zip absent")
    src = zipfile.ZipFile(USLCI_ZIP)
    procs = _processes(src)
    makers = defaultdict(list)
    for n, d in procs.items():
        ref = next(e for e in d["exchanges"] if e.get("quantitativeReference"))
        makers[ref["flow"]["@id"]].append(d["@id"])
    target = None
    for n, d in sorted(procs.items()):
        for e in d["exchanges"]:
            ids = sorted(makers.get(e["flow"]["@id"], []))
            if e.get("input") and len(ids) > 1:
                target = (n, e["flow"]["@id"], ids[-1])
                e["defaultProvider"] = {"@type": "Process", "@id": ids[-1]}
                break
        if target:
            break
    assert target, "US LCI has inputs with several producers"
    out = tmp_path / "dp.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n in src.namelist():
            z.writestr(n, json.dumps(procs[n]) if n == target[0] else src.read(n))
    data, summary, _, _ = read_source("olca-jsonld", out, "dp")
    pid = procs[target[0]]["@id"]
    linked = [e["input"][1] for e in data[("dp", pid)]["exchanges"]
              if e.get("type") == "technosphere" and e.get("input")]
    assert target[2] in linked
    assert any("1 by defaultProvider" in n for n in summary.notes)


def test_producers_in_other_databases_of_the_project(uslci_project, tmp_path):
    """A package of one US LCI process links its inputs to the US LCI already in the project
    (by reference flow), instead of cutting them off."""
    from ecolca.importers import import_database

    name, _, _ = uslci_project
    src = zipfile.ZipFile(USLCI_ZIP)
    keep = "processes/c2a7ddaa-164e-3a05-b063-221f68080142.json"
    out = tmp_path / "one.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n in src.namelist():
            if (n.startswith("processes/") and n != keep) or n.startswith(("sources/", "actors/")):
                continue
            z.writestr(n, src.read(n))
    s = import_database("olca-jsonld", out, "one-process", project=USLCI_PROJECT, replace=True)
    import bw2data as bd

    act = next(iter(bd.Database("one-process")))
    tech = [e for e in act.technosphere()]
    assert tech and all(e.input["database"] == name for e in tech)
    assert any(f"to other databases of the project ({name})" in n for n in s.notes)
