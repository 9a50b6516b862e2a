"""The command line as a user runs it (subprocesses, real files)."""

import json

import openpyxl
import pytest

from conftest import run_cli


def test_help_lists_the_commands():
    r = run_cli("--help")
    assert r.returncode == 0
    for cmd in ("setup", "run", "validate", "examples", "example", "open"):
        assert cmd in r.stdout


def test_no_arguments_opens_the_desktop_app(monkeypatch):
    import ecolca.app.main as app_main
    from ecolca import cli

    opened = []
    monkeypatch.setattr(app_main, "run_app", lambda path=None, project=None: opened.append(path) or 0)
    assert cli.main([]) == 0
    assert cli.main(["open", "gypsum-ash"]) == 0
    assert opened == [None, "gypsum-ash"]


def test_usage_error_exits_2():
    r = run_cli("run")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    r = run_cli("frobnicate")
    assert r.returncode == 2


def test_examples_and_example(tmp_path):
    r = run_cli("examples")
    assert r.returncode == 0 and "gypsum-ash" in r.stdout
    out = tmp_path / "g.ecolca.json"
    r = run_cli("example", "gypsum-ash", "-o", str(out))
    assert r.returncode == 0 and out.exists()
    r = run_cli("example", "gypsum-ash", "-o", str(out))
    assert r.returncode == 1 and "--force" in r.stderr
    r = run_cli("example", "nope", "-o", str(tmp_path / "x.json"))
    assert r.returncode == 1 and "no example named 'nope'" in r.stderr


def test_validate_lists_every_problem_and_exits_1(tmp_path, example_path, bw_project):
    doc = json.loads(example_path.read_text())
    doc["sites"][0]["flows"][1]["amount"] = -3
    doc["exchanges"][0]["to"]["site"] = "ghost"
    bad = tmp_path / "bad.ecolca.json"
    bad.write_text(json.dumps(doc))
    r = run_cli("validate", str(bad))
    assert r.returncode == 1
    assert "flow 'hard coal', field 'amount'" in r.stderr + r.stdout
    assert "Traceback" not in r.stderr
    r = run_cli("validate", str(example_path))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 error(s)" in r.stdout


def test_validate_shows_the_note_of_an_old_exchange_key_once(tmp_path, example_path):
    """Issue #21 point 5: a file of schema version 1 gives an exchange's category as 'kind';
    it is read, and `validate` says so once, on stderr."""
    doc = json.loads(example_path.read_text())
    doc["schema_version"] = 1
    for e in doc["exchanges"]:
        e["kind"] = e.pop("category")
    old = tmp_path / "old.ecolca.json"
    old.write_text(json.dumps(doc))
    r = run_cli("validate", "--no-project", str(old))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stderr.count("old key 'kind'") == 1 and f"note: {old}:" in r.stderr
    assert "0 error(s)" in r.stdout
    r = run_cli("validate", "--no-project", str(example_path))
    assert "old key" not in r.stderr


def test_broken_json_gets_a_message_not_a_traceback(tmp_path):
    bad = tmp_path / "broken.ecolca.json"
    bad.write_text("{ this is not json")
    for cmd in ("validate", "run"):
        r = run_cli(cmd, str(bad))
        assert r.returncode == 1
        assert "not valid JSON" in r.stderr and "Traceback" not in r.stderr


def test_run_prints_summary_and_json(example_path, bw_project):
    r = run_cli("run", str(example_path))
    assert r.returncode == 0, r.stderr
    assert "IPCC 2021 | climate change" in r.stdout and "Δ %" in r.stdout
    r = run_cli("run", str(example_path), "--json", "--method",
                "IPCC 2021|climate change|global warming potential (GWP100)")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["format"] == "ecolca-results"
    imp = data["impacts"][0]
    assert imp["unit"] == "kg CO2-Eq" and imp["method"][0] == "IPCC 2021"
    assert imp["delta"] == pytest.approx(imp["symbiotic"] - imp["linear"])
    assert data["format_version"] == 2 and data["methods"][0]["method"] == imp["method"]
    assert sum(e["total"][0] for e in data["exchanges"]) == pytest.approx(imp["delta"], rel=1e-6)
    # per-site figures under every key, per method, add up to the totals
    for key in data["attribution_keys"]:
        assert sum(s["symbiotic"][key][0] for s in data["sites"]) == pytest.approx(
            imp["symbiotic"], rel=1e-6)
    assert sum(s["linear"][0] for s in data["sites"]) == pytest.approx(imp["linear"], rel=1e-6)


def test_run_writes_report(tmp_path, example_path, bw_project):
    out = tmp_path / "r.xlsx"
    r = run_cli("run", str(example_path), "--report", str(out))
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["At a glance", "Summary"] and "Exchanges" in wb.sheetnames


def test_unwritable_report_path_writes_nothing(tmp_path, example_path, bw_project):
    missing = tmp_path / "no" / "such" / "dir" / "r.xlsx"
    r = run_cli("run", str(example_path), "--report", str(missing))
    assert r.returncode == 1 and "does not exist" in r.stderr
    assert not missing.parent.exists()
    r = run_cli("run", str(example_path), "--report", str(tmp_path / "r.csv"))
    assert r.returncode == 1 and ".xlsx" in r.stderr


def test_run_without_project_says_to_run_setup(example_path, tmp_path):
    r = run_cli("run", str(example_path), env={"ECOLCA_PROJECT": "never-set-up"})
    assert r.returncode == 1
    assert "ecolca setup" in r.stderr and "Traceback" not in r.stderr


# ---- issue #8, point 4: a CLI an auditor can read --------------------------------------------

def test_number_format_is_one_format():
    """A single number (an input's range): 4 significant figures, grouped, never E-notation;
    a row of results: one scale, 3 significant figures (docs/report.md, "Numbers")."""
    from ecolca.cli import _fmt, _row

    assert _fmt(3_786_776_871.2) == "3,787,000,000"
    assert _fmt(515_254.54) == "515,300"
    assert _fmt(0.3548) == "0.3548"
    assert _fmt(12.3456) == "12.35"
    assert _fmt(2.5e-5) == "0.000025" and _fmt(3.2e13) == "32,000,000,000,000"
    assert _fmt(3.49e-10, scale=1e8) == "0"          # rounding noise of its row
    assert _row([5_093_672_010.0, 4_806_354_947.0, -287_317_063.0], "kg CO2-Eq") == (
        ["5.094", "4.806", "−0.287"], "Mt CO2-Eq")
    assert _row([1e8, 1e8 + 3.49e-10, 3.49e-10], "kg", scale=1e8) == (["100", "100", "0"], "kt")


def test_run_prints_monte_carlo_and_full_method_names(example_path, bw_project):
    r = run_cli("run", str(example_path), "--iterations", "30", "--seed", "1")
    assert r.returncode == 0, r.stderr
    assert "Monte Carlo: 30 paired iterations, seed 1" in r.stdout
    assert "P(Δ<0)" in r.stdout
    # the end of a method name tells GWP100 from GWP1000: never cut
    assert "ReCiPe 2016 v1.03, midpoint (H) | climate change | global warming potential (GWP1000)" \
        in r.stdout
    assert "e+09" not in r.stdout                     # no 3.787e+09 next to 515,254.54


def test_run_iterations_sheet_lists_the_draws(example_path, bw_project, tmp_path):
    out = tmp_path / "r.xlsx"
    r = run_cli("run", str(example_path), "--iterations", "30", "--seed", "1", "--report",
                str(out), "--iterations-sheet")
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out)
    ws = wb["Monte Carlo iterations"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    hdr = next(i for i, row in enumerate(rows) if row[0] == "Iteration")
    data = [row for row in rows[hdr + 1:] if row[0] is not None]
    assert [row[0] for row in data] == list(range(1, 31))
    j = rows[hdr].index("M1 Δ")
    assert all(row[j] == pytest.approx(row[j - 1] - row[j - 2], rel=1e-9, abs=1e-6)
               for row in data)  # Δ = S − L per draw
    mc = [[c.value for c in row] for row in wb["Monte Carlo"].iter_rows()]
    h = next(i for i, row in enumerate(mc) if row[0] == "Result")
    delta = next(row for row in mc[h + 1:] if row[0] == "Δ = S − L")  # M1's block comes first
    mean = sum(row[j] for row in data) / len(data)
    assert mean == pytest.approx(delta[mc[h].index("Mean [unit/year]")], rel=1e-9)
    # without the flag there is no such sheet: tests/test_report.py checks it on the same results


def test_run_iterations_sheet_needs_a_report(example_path):
    r = run_cli("run", str(example_path), "--iterations-sheet")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "--iterations-sheet adds a sheet to the Excel report: give --report" in r.stderr


def test_methods_lists_and_unknown_method_suggests(example_path, bw_project):
    r = run_cli("methods", "IPCC", "GWP100")
    assert r.returncode == 0
    assert "IPCC 2021 | climate change | global warming potential (GWP100)" in r.stdout.splitlines()
    r = run_cli("run", str(example_path), "--method", "IPCC 2021|climate change|GWP100")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "closest: 'IPCC 2021 | climate change | global warming potential (GWP100)'" in r.stderr


def test_open_without_a_display_exits_1_with_one_sentence(monkeypatch):
    from ecolca import cli

    env = {"QT_QPA_PLATFORM": ""}
    assert "DISPLAY" in cli.display_problem(env)
    r = run_cli("open", env={"DISPLAY": "", "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""})
    assert r.returncode == 1
    assert "needs a display" in r.stderr and "Traceback" not in r.stderr
    assert cli.display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None


def test_missing_prices_make_costs_not_computed_in_cli_and_json(tmp_path, bw_project):
    """#8 point 3: Phoenix lacks 5 prices; its cost is 'not computed' in the CLI and null in the
    JSON (it printed 'symbiotic 3.4925e-10', rounding noise of costs counted as 0)."""
    path = tmp_path / "p.ecolca.json"
    assert run_cli("example", "phoenix", "-o", str(path)).returncode == 0
    r = run_cli("run", str(path), "--method",
                "IPCC 2021|climate change|global warming potential (GWP100)")
    assert r.returncode == 0, r.stderr
    line = next(x for x in r.stdout.splitlines() if x.startswith("Cost per year"))
    assert line.startswith("Cost per year (USD): not computed (5 price(s) missing"), line
    assert "e-10" not in r.stdout
    r = run_cli("run", str(path), "--json", "--method",
                "IPCC 2021|climate change|global warming potential (GWP100)")
    econ = json.loads(r.stdout)["economics"]
    assert econ["total"] == {"linear_cost": None, "symbiotic_cost": None, "delta": None}
    assert econ["not_computed"] == "5 price(s) missing"
    assert all(s["linear_cost"] is None for s in econ["sites"] if s["missing_prices"])
    assert json.loads(r.stdout)["impacts"][0]["cost_per_avoided_unit"] is None


def test_cost_totals_print_rounding_noise_as_zero():
    from ecolca.lca.results import SiteEconomics, cost_totals

    sites = [SiteEconomics("a", "A", 0.0, -16_091_455.0252),
             SiteEconomics("b", "B", 0.0, 15_491_465.4), SiteEconomics("c", "C", 0.0, 599_989.6252)]
    assert abs(sum(s.symbiotic_cost for s in sites)) > 0      # float noise, about 3.5e-10
    assert cost_totals(sites) == {"linear": 0.0, "symbiotic": 0.0, "delta": 0.0}
    sites[2].missing_prices = ["supply 'heat'"]
    assert cost_totals(sites) is None


def test_no_display_and_missing_xcb_libraries_give_the_apt_get_line(monkeypatch):
    import ctypes.util

    from ecolca import cli

    msg = cli.display_problem({"QT_QPA_PLATFORM": ""})
    assert "sudo apt-get install xvfb" in msg and msg.count(". ") == 0
    monkeypatch.setattr(ctypes.util, "find_library",
                        lambda name: None if name in ("xcb-icccm", "xcb-keysyms") else "lib")
    msg = cli.display_problem({"QT_QPA_PLATFORM": "", "DISPLAY": ":0"})
    assert msg.endswith("sudo apt-get install libxcb-icccm4 libxcb-keysyms1")
    # `ecolca` with no command opens the app: same check, exit 1, no Qt abort
    r = run_cli(env={"DISPLAY": "", "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""})
    assert r.returncode == 1 and "needs a display" in r.stderr and "Traceback" not in r.stderr
