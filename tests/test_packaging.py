"""Resources outside src/ (databases/, ui/) and the examples are inside the built wheel, and an
installed (non-editable) ecolca finds them."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    r = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                        str(out), str(ROOT)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    return next(out.glob("ecolca-*.whl"))


def test_wheel_contains_resources(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ecolca/_resources/databases/ecolca-open/database.json" in names
    assert any(n.startswith("ecolca/_resources/databases/ecolca-open/exchanges_") for n in names)
    assert "ecolca/_resources/ui/style.qss" in names
    assert "ecolca/_resources/ui/icons/run.svg" in names
    assert "ecolca/app/mainwindow.py" in names
    assert "ecolca/examples/gypsum-ash.ecolca.json" in names


def test_installed_wheel_finds_its_resources(wheel, tmp_path):
    target = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
                        "--target", str(target), str(wheel)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    code = ("import ecolca.core.resources as r, ecolca.brightway.background as b, ecolca.core.examples as e; "
            "print(r.databases_dir()); print(r.ui_dir()); print(len(b.read().processes)); "
            "print(sorted(e.available())); "
            "from PySide6.QtWidgets import QApplication; app = QApplication([]); "
            "from ecolca.app.mainwindow import icon; print(icon('run').isNull())")
    env = dict(os.environ, PYTHONPATH=str(target), QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(str(target)) and lines[1].startswith(str(target))
    assert int(lines[2]) > 30
    assert "gypsum-ash" in lines[3]
    assert lines[4] == "False"  # the installed app found its icon in ui/


def test_wheel_ships_docs_licence_and_metadata(wheel):
    """issue #22: --help and README point to docs/*.md, which the wheel lacked; no LICENSE, no
    classifiers, Python 3.13 refused by requires-python."""
    z = zipfile.ZipFile(wheel)
    names = set(z.namelist())
    assert "ecolca/_resources/docs/json-output.md" in names
    assert {n for n in names if n.endswith("licenses/LICENSE")}, "no LICENSE in the wheel"
    assert any(n.endswith("licenses/databases/uslci/LICENSE") for n in names)
    meta = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: BSD-3-Clause" in meta
    assert "Classifier: Programming Language :: Python :: 3.13" in meta
    requires = next(ln for ln in meta.splitlines() if ln.startswith("Requires-Python:"))
    assert requires == "Requires-Python: >=3.11"


def test_installed_wheel_lists_its_docs(wheel, tmp_path):
    target = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
                        "--target", str(target), str(wheel)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    env = dict(os.environ, PYTHONPATH=str(target))
    out = subprocess.run([sys.executable, "-m", "ecolca", "docs", "json-output"],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    page = Path(out.stdout.strip())
    assert page.is_relative_to(target) and page.read_text(encoding="utf-8").startswith("# ")


def test_sdist_holds_every_tracked_file(tmp_path):
    """The sdist lacked docs/validation.md and benchmarks/rebase_validation.py, which its own
    tests read, so they failed there."""
    import tarfile

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    r = subprocess.run([sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir",
                        str(tmp_path), str(ROOT)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    sdist = next(tmp_path.glob("ecolca-*.tar.gz"))
    with tarfile.open(sdist) as t:
        inside = {n.split("/", 1)[1] for n in t.getnames() if "/" in n}
    missing = [f for f in tracked.stdout.splitlines() if f not in inside and (ROOT / f).exists()]
    assert not missing, f"tracked files not in the sdist: {missing[:20]}"
