"""The model and LCA code import no Qt."""

import os
import subprocess
import sys
from pathlib import Path


def test_core_modules_import_no_qt():
    code = ("import sys, ecolca.model, ecolca.scenario_file, ecolca.validation, ecolca.lca, "
            "ecolca.project, ecolca.report, ecolca.cli, ecolca.results, ecolca.background; "
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'PyQt', 'shiboken'))]; "
            "print(bad); sys.exit(1 if bad else 0)")
    src = Path(__file__).resolve().parent.parent / "src"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=str(src)))
    assert r.returncode == 0, r.stdout + r.stderr
