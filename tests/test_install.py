"""ecolca as users run it (issue #22): stdout carries only the data in every mode, progress is
a bar on a terminal and a few lines in a pipe, Brightway's log is hidden unless --verbose, example
names work wherever a scenario is read, every command is listed and completes, and every
``--json`` key is documented."""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

ANSI = re.compile(r"\x1b\[")
BRIGHTWAY_LINES = ("Using environment variable", "Applying strategy", "it/s]")


def _clean_stdout(r, what):
    assert r.returncode == 0, f"{what}: exit {r.returncode}\n{r.stderr[-2000:]}"
    for bad in BRIGHTWAY_LINES:
        assert bad not in r.stdout, f"{what}: Brightway's output on stdout: {r.stdout[:300]}"
    assert not ANSI.search(r.stdout), f"{what}: colour codes on stdout"
    return r.stdout


# ---- stdout carries only the data -------------------------------------------------------

def test_run_json_with_workers_and_brightway2_dir_parses(bw_project, bw_dir):
    """The issue's case: each worker process logged bw2data's folder line on stdout, before the
    JSON document (it did not parse, exit 0)."""
    r = run_cli("run", "gypsum-ash", "--json", "--iterations", "200", "--workers", "2",
                env={"BRIGHTWAY2_DIR": str(bw_dir)})
    doc = json.loads(_clean_stdout(r, "run --json --workers 2"))
    assert doc["metadata"]["monte_carlo"]["ran_on"] == "2 local processes"
    assert doc["metadata"]["monte_carlo"]["iterations"] == 200
    for bad in BRIGHTWAY_LINES:
        assert bad not in r.stderr  # hidden unless --verbose


@pytest.mark.parametrize("args, kind", [
    (["examples"], "lines"),
    (["docs"], "lines"),
    (["docs", "json-output"], "path"),
    (["completion", "bash"], "script"),
    (["methods", "IPCC"], "lines"),
    (["setup"], "lines"),
    (["validate", "gypsum-ash"], "lines"),
    (["run", "gypsum-ash"], "lines"),
    (["run", "gypsum-ash", "--json", "--iterations", "20"], "json"),
    (["suggest", "gypsum-ash", "--json"], "json"),
    (["disclose", "gypsum-ash", "--site", "power", "--key", "supplier", "--json"], "json"),
])
def test_each_command_with_stdout_piped_prints_only_its_data(args, kind, bw_project, bw_dir):
    r = run_cli(*args, env={"BRIGHTWAY2_DIR": str(bw_dir)})
    text = _clean_stdout(r, " ".join(args))
    if kind == "json":
        json.loads(text)
    elif kind == "path":
        assert Path(text.strip()).is_file()
    elif kind == "script":
        assert subprocess.run(["bash", "-n"], input=text, text=True).returncode == 0
    else:
        assert text.strip(), "no result on stdout"
        assert not any(line.startswith("[") and "%]" in line for line in text.splitlines()), \
            "progress on stdout"


def test_import_with_stdout_piped_prints_only_its_summary(bw_project, bw_dir):
    import bw2data as bd

    name = "t-piped-import"
    try:
        r = run_cli("import", "ecospold2", str(ROOT / "tests" / "data" / "bw2io" / "ecospold2"),
                    "--name", name, "--allow-unlinked", "--replace",
                    env={"BRIGHTWAY2_DIR": str(bw_dir)})
        text = _clean_stdout(r, "import")
        assert text.startswith(f"Database '{name}'") and "[" not in text.splitlines()[0][:2]
    finally:
        if name in bd.databases:
            del bd.databases[name]


def test_verbose_shows_brightways_log_on_stderr_without_colour(bw_project, bw_dir):
    r = run_cli("--verbose", "validate", "gypsum-ash",
                env={"BRIGHTWAY2_DIR": str(bw_dir), "NO_COLOR": "1"})
    _clean_stdout(r, "--verbose validate")
    assert "Using environment variable BRIGHTWAY2_DIR" in r.stderr
    assert not ANSI.search(r.stderr)


def test_setup_quiet_prints_one_line_and_nothing_of_brightways(tmp_path):
    """A fresh project: bw2io printed "Applying strategy", tqdm bars and bw2data's coloured log
    line although --quiet was given."""
    folder = tmp_path / "bw"
    r = run_cli("setup", "--quiet", env={"BRIGHTWAY_DIR": str(folder),
                                          "BRIGHTWAY2_DIR": str(folder)})
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert len(r.stdout.splitlines()) == 1 and "ready" in r.stdout


# ---- progress ----------------------------------------------------------------------------

def test_piped_monte_carlo_progress_is_a_line_per_tenth():
    from ecolca.cli import _Progress

    buf = io.StringIO()
    say = _Progress(False, buf)
    say("Collecting results", 0.7)
    for k in range(1, 10_001):
        say(f"Monte Carlo iteration {k:,}/10,000", 0.7 + 0.28 * k / 10_000)
    say("Done", 1.0)
    lines = buf.getvalue().splitlines()
    assert 10 <= len(lines) <= 14, lines
    assert lines[-2].endswith("10,000/10,000")


def test_progress_never_goes_back_and_quiet_prints_nothing():
    from ecolca.cli import _Progress

    buf = io.StringIO()
    say = _Progress(False, buf)
    for msg, frac in [("Reading flows", 0.87), ("Installing bw2io migration", 0.80),
                      ("Writing", 0.95)]:
        say(msg, frac)
    shown = [int(re.match(r"\[\s*(\d+)%\]", ln).group(1)) for ln in buf.getvalue().splitlines()]
    assert shown == sorted(shown) == [87, 87, 95]
    quiet = io.StringIO()
    _Progress(True, quiet)("anything", 0.5)
    assert quiet.getvalue() == ""


def test_thousand_iterations_with_stderr_piped_print_at_most_20_lines(bw_project):
    r = run_cli("run", "gypsum-ash", "--iterations", "1000")
    assert r.returncode == 0, r.stderr
    progress = [ln for ln in r.stderr.splitlines() if re.match(r"\[\s*\d+%\]", ln)]
    assert sum("Monte Carlo" in ln for ln in progress) <= 12
    assert len(progress) <= 20, r.stderr


# ---- example names, commands, completion -------------------------------------------------

@pytest.mark.parametrize("command", [["run"], ["validate"], ["suggest", "--top", "2"],
                                     ["disclose", "--site", "asnaes", "--key", "physical"]])
def test_commands_accept_an_example_name_as_open_does(command, bw_project):
    r = run_cli(command[0], "kalundborg", *command[1:])
    assert r.returncode == 0, r.stderr
    assert "cannot be read" not in r.stderr


def test_a_file_named_like_an_example_wins(tmp_path, bw_project):
    r = run_cli("validate", "gypsum-ash", cwd=tmp_path)
    assert r.returncode == 0
    (tmp_path / "gypsum-ash").write_text("{not json", encoding="utf-8")
    r = run_cli("validate", "gypsum-ash", cwd=tmp_path)
    assert r.returncode == 1 and "gypsum-ash" in r.stderr


def _commands():
    from ecolca import cli, completion

    parser = cli._parser()
    subs = completion._subparsers(parser)
    return parser, [c for c in subs if c != "mapping"] + ["mapping suggest"]


def test_docstring_and_help_list_every_command():
    from ecolca import cli

    parser, commands = _commands()
    assert set(c.split()[0] for c in commands) == set(cli.COMMANDS)
    help_text = parser.format_help()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for c in commands:
        assert f"``{c}``" in cli.__doc__, c
        assert c.split()[0] in help_text, c
        assert f"ecolca {c}" in readme, f"README does not show `ecolca {c}`"


def _complete(script: str, words: list[str]) -> list[str]:
    line = " ".join(words)
    prog = (script + f"\nCOMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; _ecolca; "
            'printf "%s\\n" "${COMPREPLY[@]}"\n')
    r = subprocess.run(["bash", "-c", prog], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def test_bash_completion_completes_commands_options_and_example_names(tmp_path):
    r = run_cli("completion", "bash")
    assert r.returncode == 0, r.stderr
    script = r.stdout
    _, commands = _commands()
    everything = _complete(script, ["ecolca", "''"])
    for c in commands:
        assert c.split()[0] in everything
    assert _complete(script, ["ecolca", "ru"]) == ["run"]
    assert "--iterations" in _complete(script, ["ecolca", "run", "--it"])
    assert "gypsum-ash" in _complete(script, ["ecolca", "run", "gyp"])
    assert _complete(script, ["ecolca", "run", "x", "--audience", "pu"]) == ["public"]
    assert "suggest" in _complete(script, ["ecolca", "mapping", "sug"])
    zsh = run_cli("completion", "zsh").stdout
    assert zsh.startswith("#compdef ecolca") and "bashcompinit" in zsh


# ---- every --json key is documented ------------------------------------------------------

def _keys(x, path="", found=None):
    found = {} if found is None else found
    if isinstance(x, dict):
        for k, v in x.items():
            if path.endswith("metadata.databases"):
                continue  # database names are data, not keys
            found.setdefault(k, f"{path}.{k}")
            _keys(v, f"{path}.{k}", found)
    elif isinstance(x, list):
        for v in x:
            _keys(v, f"{path}[]", found)
    return found


def test_every_json_key_is_in_docs_json_output(bw_project):
    documented = set(re.findall(r'"([^"\s]+)"\s*:',
                                (ROOT / "docs" / "json-output.md").read_text(encoding="utf-8")))
    keys = {}
    for args in (["run", "kalundborg", "--json", "--iterations", "30"],
                 ["run", "gypsum-ash", "--json", "--audience", "public"],
                 ["disclose", "kalundborg", "--site", "asnaes", "--key", "supplier", "--json"]):
        r = run_cli(*args)
        assert r.returncode == 0, r.stderr
        _keys(json.loads(r.stdout), args[0], keys)
    missing = {k: where for k, where in keys.items() if k not in documented}
    assert not missing, f"keys of --json not in docs/json-output.md: {missing}"
