"""The Brightway rough edges ecolca works around (ecolca/brightway/bwcompat.py), shown to exist."""

import os
import subprocess
import sys
from pathlib import Path

import pytest


def test_upstream_bw2setup_fails_with_bw2data_48(bw_dir):
    """bw2io.bw2setup() stops on bw2data 4.8 with the elementary-flow identifier error. If this
    test starts failing, upstream fixed it and ecolca.brightway.bwcompat.write_default_methods can go."""
    import importlib.metadata

    if importlib.metadata.version("bw2data") != "4.8":  # 4.7 (constraints-bw2data47.txt)
        pytest.skip("the failure is bw2data 4.8's")
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
    code = ("from ecolca.brightway import bwcompat; bwcompat.configure(); import bw2data; "
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

    from ecolca.brightway.bwcompat import scores_multilca

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
    from ecolca.brightway import bwcompat
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


def _stdout_of_bw2data_import(tmp_path, first: str, env_extra: dict) -> tuple[str, str]:
    folder = tmp_path / "bw-out"
    folder.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("BRIGHTWAY_DIR", "ECOLCA_QUIET_BRIGHTWAY", "BRIGHTWAY_NO_STRUCTLOG",
                        "ECOLCA_VERBOSE", "TQDM_DISABLE")}
    env.update(BRIGHTWAY2_DIR=str(folder), NO_COLOR="1",
               PYTHONPATH=str(Path(__file__).resolve().parent.parent / "src"), **env_extra)
    r = subprocess.run([sys.executable, "-c", f"{first}import bw2data; bw2data.projects"],
                       capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    return r.stdout, r.stderr


# what the CLI, the app, the API and a worker process do before bw2data (`import ecolca` does not)
_CONFIGURED = "from ecolca.brightway import bwcompat; bwcompat.configure(); "


def test_plain_bw2data_logs_on_stdout_with_colour_and_ecolca_keeps_it_off(tmp_path):
    """The problem: importing bw2data with BRIGHTWAY2_DIR set prints its folder line on stdout,
    with colour codes although NO_COLOR is set; every Monte Carlo worker process did it before
    `run --json`'s document. With the CLI's switch (inherited by workers) nothing reaches
    stdout, and with ECOLCA_VERBOSE the line goes to stderr, uncoloured."""
    out, _ = _stdout_of_bw2data_import(tmp_path, "", {})
    assert "Using environment variable BRIGHTWAY2_DIR" in out and "\x1b[" in out
    out, err = _stdout_of_bw2data_import(tmp_path, _CONFIGURED,
                                         {"ECOLCA_QUIET_BRIGHTWAY": "1"})
    assert out == "" and "Using environment variable" not in err
    out, err = _stdout_of_bw2data_import(tmp_path, _CONFIGURED,
                                         {"ECOLCA_QUIET_BRIGHTWAY": "1", "ECOLCA_VERBOSE": "1"})
    assert out == "" and "Using environment variable BRIGHTWAY2_DIR" in err and "\x1b[" not in err


def test_cache_folder_follows_each_systems_layout(monkeypatch, tmp_path):
    """No POSIX-only path: without a Brightway folder named, the cache goes where platformdirs
    puts an application's cache on Windows, macOS and Linux (the same code, each layout)."""
    import ntpath

    import platformdirs.windows
    from platformdirs.macos import MacOS
    from platformdirs.unix import Unix

    from ecolca.brightway.bwcompat import cache_root

    monkeypatch.setenv("LOCALAPPDATA", r"C:\Users\ana\AppData\Local")
    monkeypatch.setattr(platformdirs.windows, "get_win_folder",
                        platformdirs.windows.get_win_folder_from_env_vars)
    monkeypatch.setattr(platformdirs.windows.os, "path", ntpath)  # Windows' path rules
    win = str(cache_root({}, platformdirs.windows.Windows("ecolca", appauthor=False)))
    monkeypatch.undo()
    assert win == r"C:\Users\ana\AppData\Local\ecolca\Cache"
    monkeypatch.setenv("HOME", "/Users/ana")
    assert str(cache_root({}, MacOS("ecolca"))) == "/Users/ana/Library/Caches/ecolca"
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "/home/ana")
    assert str(cache_root({}, Unix("ecolca"))) == "/home/ana/.cache/ecolca"
    # a Brightway folder named: the cache is inside it, whatever the system
    assert cache_root({"BRIGHTWAY2_DIR": str(tmp_path)}) == tmp_path / "ecolca-cache"
