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


def test_no_core_module_imports_the_app():
    """The app depends on the core, never the other way round; only the CLI's `ecolca open`
    starts the app, importing it inside that command."""
    import ast

    offenders = []
    for p in APP.parent.glob("*.py"):
        tree = ast.parse(p.read_text(encoding="utf-8"))
        top_level = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                    [a.name for a in node.names]
                if any(n.startswith("ecolca.app") for n in names) and (
                        p.name != "cli.py" or id(node) in top_level):
                    offenders.append(f"{p.name}:{node.lineno}")
    assert not offenders
