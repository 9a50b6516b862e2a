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
    assert wb.sheetnames[0] == "Summary" and "Exchanges" in wb.sheetnames


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
