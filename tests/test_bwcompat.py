"""The Brightway rough edges ecolca works around (ecolca/bwcompat.py), shown to exist."""

import os
import subprocess
import sys
from pathlib import Path

import pytest


def test_upstream_bw2setup_fails_with_bw2data_48(bw_dir):
    """bw2io.bw2setup() stops on bw2data 4.8 with the elementary-flow identifier error. If this
    test starts failing, upstream fixed it and ecolca.bwcompat.write_default_methods can go."""
    import bw2data as bd
    import bw2io

    bd.projects.set_current("upstream-bw2setup-check")
    try:
        with pytest.raises(ValueError, match="Can't understand elementary flow identifier"):
            bw2io.bw2setup()
    finally:
        bd.projects.set_current("default")
        bd.projects.delete_project("upstream-bw2setup-check", delete_dir=True)


def test_workaround_writes_methods_with_real_factors(bw_project):
    import bw2data as bd

    m = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
    assert m in bd.methods
    cfs = dict(bd.Method(m).load())
    co2 = bd.get_node(database="biosphere3", name="Carbon dioxide, fossil",
                      categories=("air", "non-urban air or from high stacks"))
    ch4 = bd.get_node(database="biosphere3", name="Methane, fossil",
                      categories=("air", "non-urban air or from high stacks"))
    assert cfs[co2.id] == 1.0
    assert cfs[ch4.id] == pytest.approx(29.7, abs=0.2)  # AR6 fossil methane GWP100


def test_brightway_dir_is_honoured_and_created(tmp_path):
    target = tmp_path / "new" / "bw"
    code = ("from ecolca import bwcompat; bwcompat.configure(); import bw2data; "
            "print(bw2data.projects._base_data_dir)")
    env = dict(os.environ, BRIGHTWAY_DIR=str(target))
    env.pop("BRIGHTWAY2_DIR", None)  # only the documented variable: ecolca passes it on
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent / "src")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True)
    assert Path(out.stdout.strip().splitlines()[-1]).resolve() == target.resolve()
    assert target.is_dir()


@pytest.mark.filterwarnings("ignore:All values in characterization matrix")
def test_lean_multilca_gives_bw2calc_scores(bw_project):
    """ecolca's MultiLCA (scores as c·B·s, inventories kept only where asked) returns exactly
    what bw2calc's MultiLCA returns."""
    import bw2calc as bc
    import bw2data as bd

    from ecolca.bwcompat import scores_multilca

    acts = list(bd.Database("ecolca-open"))[:12]
    demands = {a["code"]: {a.id: 1.0} for a in acts}
    cfg = {"impact_categories": [m for m in bd.methods if m[0] in ("IPCC 2021", "EF v3.1")][:6]}
    ref = bc.MultiLCA(demands, cfg, bd.get_multilca_data_objs(demands, cfg))
    ref.lci()
    ref.lcia()
    keep = [acts[0]["code"]]
    lean = scores_multilca(keep)(demands, cfg, bd.get_multilca_data_objs(demands, cfg))
    lean.lci()
    lean.lcia()
    assert set(lean.scores) == set(ref.scores)
    for k, v in ref.scores.items():
        assert lean.scores[k] == pytest.approx(v, rel=1e-12, abs=1e-15)
    assert set(lean.inventories) == set(keep)


_IMPORT_PROBE = """
import json, os, sys
if os.environ.get("PROBE_ECOLCA") == "1":
    from ecolca import bwcompat
    bwcompat.configure()
import bw2data
from bw2parameters import PintWrapper
kg = str(PintWrapper.to_unit("kg"))
report = {"bw2io": "bw2io" in sys.modules,
          # type() does not run a deferred module (any attribute access would)
          "multifunctional_ran": type(sys.modules["multifunctional"]).__name__ != "_LazyModule",
          "kg": kg}
from bw2data.subclass_mapping import DATABASE_BACKEND_MAPPING as D
report["backend"] = D["multifunctional"]("probe-db").__class__.__name__
report["bw2io_after_use"] = "bw2io" in sys.modules
print(json.dumps(report))
"""


def _probe(tmp_path, with_ecolca: bool) -> dict:
    import json

    env = dict(os.environ, BRIGHTWAY_DIR=str(tmp_path / "bw"), BRIGHTWAY2_DIR=str(tmp_path / "bw"),
               PROBE_ECOLCA="1" if with_ecolca else "0")
    (tmp_path / "bw").mkdir(exist_ok=True)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent / "src")
    env.pop("ECOLCA_EAGER_BRIGHTWAY", None)
    out = subprocess.run([sys.executable, "-c", _IMPORT_PROBE], capture_output=True, text=True,
                         env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_plain_bw2data_import_pulls_in_bw2io_and_ecolca_defers_it(tmp_path):
    """The problem: `import bw2data` (4.8) runs `multifunctional`, which imports all of bw2io,
    on every start. With ecolca imported first, multifunctional waits until it is used, and
    then works: its backend resolves to its own database class (and bw2io comes in with it).
    bw2parameters' unit registry (built from pint's cache) still reads units."""
    plain = _probe(tmp_path, with_ecolca=False)
    assert plain["bw2io"] is True and plain["multifunctional_ran"] is True
    light = _probe(tmp_path, with_ecolca=True)
    assert light["bw2io"] is False and light["multifunctional_ran"] is False
    assert light["backend"] == plain["backend"] == "MultifunctionalDatabase"
    assert light["bw2io_after_use"] is True
    assert light["kg"] == plain["kg"] == "kilogram"
    assert (tmp_path / "bw" / "ecolca-cache" / "pint").is_dir()


def test_a_damaged_or_foreign_pint_cache_never_stops_the_import(tmp_path):
    """pint's cache names the definition files it parsed: a cache left by an environment that
    has moved made `import bw2data` fail (FileNotFoundError, seen with a removed worktree). The
    cache is kept per pint installation, and a cache that cannot be read is passed over."""
    first = _probe(tmp_path, with_ecolca=True)
    assert first["kg"] == "kilogram"
    root = tmp_path / "bw" / "ecolca-cache" / "pint"
    files = [p for p in root.rglob("*") if p.is_file()]
    assert files and all(p.parent != root for p in files)  # one sub-folder per installation
    for p in files:
        p.write_bytes(b"not a cache entry")
    assert _probe(tmp_path, with_ecolca=True)["kg"] == "kilogram"
