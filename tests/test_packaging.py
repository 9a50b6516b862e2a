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
    code = ("import ecolca.resources as r, ecolca.background as b, ecolca.examples as e; "
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
