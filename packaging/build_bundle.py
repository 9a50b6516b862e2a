"""Build the one-folder desktop bundle of ecolca with PyInstaller (issue #22).

    python packaging/build_bundle.py            # -> dist/ecolca/ecolca (ecolca.exe on Windows)

Steps, each from this repository's own files:
 1. a clean venv (``build/bundle-venv``; ``--venv`` elsewhere), made with the Python running this
    script (3.11 is the tested one);
 2. ecolca installed into it from a wheel built from this checkout (not editable, so databases/,
    ui/ and docs/ are package data in ``ecolca/_resources``), with ``-c constraints.txt``, plus
    PyInstaller pinned in ``packaging/requirements-bundle.txt``;
 3. PyInstaller run on ``packaging/ecolca.spec`` -> ``dist/ecolca/``.

The bundle's executable is the ``ecolca`` command: ``ecolca setup``, ``ecolca run ...``, and
``ecolca`` / ``ecolca open FILE`` open the desktop app. tests/test_bundle.py checks a built
bundle (``ECOLCA_BUNDLE=dist/ecolca``). ``--reuse-venv`` skips step 1-2 when the venv exists.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIP = "pip==26.3"


def run(*cmd, **kw) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--venv", type=Path, default=ROOT / "build" / "bundle-venv")
    p.add_argument("--dist", type=Path, default=ROOT / "dist", help="the bundle goes to DIST/ecolca")
    p.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    p.add_argument("--reuse-venv", action="store_true", help="use an existing --venv as it is")
    a = p.parse_args(argv)
    t0 = time.monotonic()
    py = venv_python(a.venv)
    if not (a.reuse_venv and py.exists()):
        shutil.rmtree(a.venv, ignore_errors=True)
        run(sys.executable, "-m", "venv", a.venv)
        run(py, "-m", "pip", "install", "--quiet", PIP)
        run(py, "-m", "pip", "install", "--quiet", "-c", ROOT / "constraints.txt",
            "build==1.6.1", "hatchling==1.27.0")
        wheels = a.work / "wheel"
        shutil.rmtree(wheels, ignore_errors=True)
        run(py, "-m", "build", "--wheel", "--no-isolation", "--outdir", wheels, ROOT,
            stdout=subprocess.DEVNULL)
        (wheel,) = wheels.glob("ecolca-*.whl")
        run(py, "-m", "pip", "install", "--quiet", "-c", ROOT / "constraints.txt", wheel,
            "-r", ROOT / "packaging" / "requirements-bundle.txt")
    t1 = time.monotonic()
    run(py, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath", a.dist,
        "--workpath", a.work, ROOT / "packaging" / "ecolca.spec")
    t2 = time.monotonic()
    bundle = a.dist / "ecolca"
    exe = bundle / ("ecolca.exe" if os.name == "nt" else "ecolca")
    if not exe.is_file():
        print(f"build_bundle: PyInstaller finished but {exe} is missing", file=sys.stderr)
        return 1
    size = sum(f.stat().st_size for f in bundle.rglob("*")  # symlinks once, as du
               if f.is_file() and not f.is_symlink())
    print(f"bundle: {bundle} ({size / 1e6:.0f} MB); venv + install {t1 - t0:.0f} s, "
          f"PyInstaller {t2 - t1:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
