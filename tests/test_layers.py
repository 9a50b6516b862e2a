"""The layers: the contracts in pyproject.toml ([tool.importlinter]) hold, and catch a break."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _lint_imports(src: Path, config: Path) -> subprocess.CompletedProcess:
    """Run import-linter's `lint-imports` on the ecolca package found in ``src``."""
    exe = Path(sys.executable).with_name("lint-imports")
    if not exe.exists():
        pytest.skip("import-linter is not installed (the 'test' extra pins it)")
    env = dict(os.environ, PYTHONPATH=str(src))
    return subprocess.run([str(exe), "--no-cache", "--config", str(config)], capture_output=True,
                          text=True, cwd=config.parent, env=env)


def test_the_layer_contracts_hold():
    """Issue #21.4: no Qt outside app/, nothing but the app imports the app, the folders as layers
    (app > cli > api > report > park > lca > importers > brightway > core), layers inside core/,
    and no cycles among the subpackages nor inside any of them (app/ too); on every module, imports inside
    functions too (the hand-written scans this replaces missed subpackages and the modules no
    test imported)."""
    r = _lint_imports(ROOT / "src", ROOT / "pyproject.toml")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "5 kept, 0 broken" in r.stdout, r.stdout


@pytest.mark.parametrize("module, line, contract", [
    ("park/suggest.py", "import PySide6", "No Qt outside the app"),
    ("lca/run.py", "from PySide6.QtCore import QObject", "No Qt outside the app"),
    ("importers/excel.py", "import shiboken6", "No Qt outside the app"),
    ("report/sheets/summary.py", "import ecolca.app.labels", "Nothing but the app imports"),
    ("importers/common.py", "def _f():\n    from ecolca.lca import run", "Layers"),
    ("lca/terms.py", "def _f():\n    from ecolca.lca import run", "No cycles"),
    ("core/model.py", "def _f():\n    from ecolca.brightway import bwcompat", "Layers"),
    ("core/units.py", "def _f():\n    from ecolca.core import validation", "Layers inside the core"),
    ("brightway/swap.py", "def _f():\n    from ecolca.importers import common", "Layers"),
    ("importers/common.py", "def _f():\n    from ecolca.importers import olca_jsonld", "No cycles"),
    ("park/rebase.py", "def _f():\n    from ecolca.report import sheets", "Layers"),
    # the main window is made of the document (and of window/): they never import it back
    ("app/document.py", "def _f():\n    from ecolca.app import mainwindow", "No cycles"),
])
def test_the_contracts_catch_a_break(tmp_path, module, line, contract):
    """The same contracts on a copy of the package with one forbidden import added (at the top
    of a module no test imports, in a subpackage, inside a function) fail, naming it."""
    shutil.copytree(ROOT / "src" / "ecolca", tmp_path / "ecolca",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "ecolca" / module
    text = target.read_text(encoding="utf-8")
    target.write_text(text + "\n" + line + "\n", encoding="utf-8")
    r = _lint_imports(tmp_path, tmp_path / "pyproject.toml")
    assert r.returncode != 0, r.stdout
    broken = r.stdout[r.stdout.index("Broken contracts"):]
    assert contract in broken
    name = module[:-3].replace("/", ".")
    assert name.rpartition(".")[2] in broken, broken


APP = Path(__file__).resolve().parent.parent / "src" / "ecolca" / "app"
MAX_LINES = 400


def test_app_modules_hold_one_panel_or_view_each():
    """Issue #9 (Layout): panels.py, results_view.py and mainwindow.py held several widgets in
    800 to 950 lines each; one module now holds one panel, results tab or window concern."""
    sizes = {str(p.relative_to(APP)): len(p.read_text(encoding="utf-8").splitlines())
             for p in APP.rglob("*.py")}
    too_long = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert not too_long, f"app modules over {MAX_LINES} lines: {too_long}"
    for module in ("site_panel", "exchange_panel", "exchange_dialog", "scenario_panel",
                   "properties_panel"):
        assert f"panels/{module}.py" in sizes
    for tab in ("summary", "exchanges", "sites", "economics", "inventory", "uncertainty"):
        assert f"results_view/{tab}_tab.py" in sizes


def test_the_main_window_wires_and_defines_no_widget_class():
    """mainwindow.py builds the window from the panels and views; no other widget class, no
    menu code (that is window/actions.py)."""
    import ast

    tree = ast.parse((APP / "mainwindow.py").read_text(encoding="utf-8"))
    classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    assert classes == ["MainWindow"]
    source = (APP / "mainwindow.py").read_text(encoding="utf-8")
    assert "menuBar()" not in source and "addMenu(" not in source


def test_the_cli_imports_the_app_only_inside_ecolca_open():
    """The contracts let `ecolca.cli -> ecolca.app.main` through (pyproject.toml, ignore_imports)
    for `ecolca open`; that import must stay inside the command, so `import ecolca.cli` loads
    no Qt."""
    import ast

    tree = ast.parse((ROOT / "src" / "ecolca" / "cli.py").read_text(encoding="utf-8"))
    top_level = {id(n) for n in tree.body}
    app_imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                   and any(name.startswith("ecolca.app") for name in (
                       [n.module or ""] if isinstance(n, ast.ImportFrom)
                       else [a.name for a in n.names]))]
    assert app_imports, "ecolca open no longer imports the app: drop the ignore_imports entry"
    assert not [n.lineno for n in app_imports if id(n) in top_level]
