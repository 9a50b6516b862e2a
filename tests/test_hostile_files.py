"""Hostile scenario files: huge numbers, huge or control-character text, special files, giant
files and files with millions of problems all end in a ScenarioError whose messages name the item
and the field, quickly, in bounded memory and without echoing raw control characters."""

from __future__ import annotations

import json
import os
import socket
import stat
import threading

import pytest

from ecolca.core import scenario_file
from ecolca.core.errors import ScenarioError

from conftest import run_cli

HUGE_INTS = ["1" + "0" * 399, "9" * 5000, "-" + "9" * 5000]  # JSON literals
HUGE_FLOATS = ["1e400", "-1e400", "1e300", "1." + "0" * 5000]


def _doc(example) -> dict:
    return scenario_file.to_dict(example)


def _with_literal(doc: dict, path: tuple, literal: str) -> str:
    """The JSON text of ``doc`` with the value at ``path`` replaced by the raw ``literal``."""
    marker = "__ECOLCA_LITERAL__"
    parent = doc
    for k in path[:-1]:
        parent = parent.setdefault(k, {}) if isinstance(k, str) else parent[k]
    parent[path[-1]] = marker
    return json.dumps(doc).replace(f'"{marker}"', literal)


def _load_text(tmp_path, text: str) -> ScenarioError:
    p = tmp_path / "hostile.ecolca.json"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as ei:
        scenario_file.load(p)
    return ei.value


def _short_and_clean(exc: ScenarioError, limit: int = 400) -> None:
    """Every problem is one short line without control characters."""
    for p in exc.problems:
        s = str(p)
        assert len(s) <= limit, s[:200]
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in s), repr(s)


def _fields(exc: ScenarioError) -> set[str]:
    return {p.field for p in exc.problems}


# 1. huge numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize("literal", HUGE_INTS + HUGE_FLOATS[:2])
def test_huge_amount_literal_names_the_field(example, tmp_path, literal):
    text = _with_literal(_doc(example), ("sites", 0, "flows", 1, "amount"), literal)
    exc = _load_text(tmp_path, text)
    assert "amount" in _fields(exc)
    assert any(p.field == "amount" and "finite" in p.message for p in exc.problems)
    _short_and_clean(exc)


@pytest.mark.parametrize("path", [("reference_year",), ("schema_version",),
                                  ("monte_carlo", "iterations"), ("monte_carlo", "seed")])
def test_huge_whole_number_fields_name_the_field(example, tmp_path, path):
    field = ".".join(path)
    for literal in HUGE_INTS + HUGE_FLOATS:
        text = _with_literal(_doc(example), path, literal)
        exc = _load_text(tmp_path, text)
        assert field in _fields(exc), (literal[:20], [str(p)[:100] for p in exc.problems])
        _short_and_clean(exc)


def test_huge_python_ints_given_to_from_dict(example):
    doc = _doc(example)
    doc["sites"][0]["flows"][1]["amount"] = 10 ** 5000
    doc["exchanges"][0]["substitution_ratio"] = -(10 ** 400)
    doc["reference_year"] = 10 ** 5000
    doc["monte_carlo"] = {"iterations": 10 ** 5000, "seed": 10 ** 5000}
    with pytest.raises(ScenarioError) as ei:
        scenario_file.from_dict(doc)
    assert {"amount", "substitution_ratio", "reference_year", "monte_carlo.iterations",
            "monte_carlo.seed"} <= _fields(ei.value)
    _short_and_clean(ei.value)
    doc = _doc(example)
    doc["schema_version"] = 10 ** 5000
    with pytest.raises(ScenarioError) as ei:
        scenario_file.from_dict(doc)
    assert _fields(ei.value) == {"schema_version"}
    _short_and_clean(ei.value)


# 2. Monte Carlo settings ------------------------------------------------------------------------

def test_monte_carlo_seed_and_iterations_bounds(example):
    assert scenario_file.MAX_SEED == 2 ** 32 - 1
    assert scenario_file.MAX_ITERATIONS == 1_000_000
    doc = _doc(example)
    doc["monte_carlo"] = {"iterations": scenario_file.MAX_ITERATIONS,
                          "seed": scenario_file.MAX_SEED}
    sc = scenario_file.from_dict(doc)
    assert (sc.monte_carlo_iterations, sc.monte_carlo_seed) == (1_000_000, 2 ** 32 - 1)
    doc["monte_carlo"] = {"iterations": 1_000_001, "seed": 2 ** 32}
    with pytest.raises(ScenarioError) as ei:
        scenario_file.from_dict(doc)
    text = str(ei.value)
    assert "monte_carlo.iterations" in text and "1,000,000" in text
    assert "monte_carlo.seed" in text and "4,294,967,295" in text
    for bad in (-1, 2.5, "7", True):
        doc["monte_carlo"] = {"iterations": 10, "seed": bad}
        with pytest.raises(ScenarioError, match="monte_carlo.seed"):
            scenario_file.from_dict(doc)


# 3. length limits and the scenario id -----------------------------------------------------------

def test_scenario_name_and_id_limits(example):
    doc = _doc(example)
    doc["name"] = "n" * scenario_file.MAX_SCENARIO_NAME
    doc["id"] = "i" * scenario_file.MAX_SCENARIO_ID
    scenario_file.from_dict(doc)
    assert scenario_file.MAX_SCENARIO_NAME == 200 and scenario_file.MAX_SCENARIO_ID == 64
    for key, value in (("name", "n" * 201), ("id", "i" * 65), ("id", "../../etc/passwd"),
                       ("id", "a b"), ("id", "a/b"), ("id", "a\\b"), ("id", "é"),
                       ("id", "a\x00b"), ("name", "x" * 10_000_000)):
        doc = _doc(example)
        doc[key] = value
        with pytest.raises(ScenarioError) as ei:
            scenario_file.from_dict(doc)
        assert [(p.item, p.field) for p in ei.value.problems] == [("scenario", key)], value[:80]
        _short_and_clean(ei.value)


def test_site_flow_exchange_id_and_name_limits(example):
    assert scenario_file.MAX_ID == 100 and scenario_file.MAX_NAME == 200
    doc = _doc(example)
    doc["sites"][0]["id"] = "s" * 100
    doc["sites"][0]["name"] = "S" * 200
    doc["sites"][0]["flows"][0]["id"] = "f" * 100
    doc["sites"][0]["flows"][0]["name"] = "F" * 200
    doc["exchanges"][0]["id"] = "e" * 100
    # (the exchanges now refer to a missing site: that is validation's business, not the loader's)
    scenario_file.from_dict(doc)

    doc = _doc(example)
    doc["sites"][0]["id"] = "s" * 101
    doc["sites"][1]["name"] = "S" * 201
    doc["sites"][2]["flows"][0]["id"] = "f" * 101
    doc["sites"][2]["flows"][1]["name"] = "F" * 5_000_000
    doc["exchanges"][0]["id"] = "e" * 101
    with pytest.raises(ScenarioError) as ei:
        scenario_file.from_dict(doc)
    got = [(p.field, p.path) for p in ei.value.problems]
    assert ("id", ("sites", 0, "id")) in got
    assert ("name", ("sites", 1, "name")) in got
    assert ("id", ("sites", 2, "flows", 0, "id")) in got
    assert ("name", ("sites", 2, "flows", 1, "name")) in got
    assert ("id", ("exchanges", 0, "id")) in got
    assert len(ei.value.problems) == 5
    _short_and_clean(ei.value)


# 4. control characters --------------------------------------------------------------------------

def test_printable_escapes_controls_and_truncates():
    p = scenario_file.printable
    assert p("hard coal") == "hard coal"
    assert p("a\x1b[31mb") == "a\\x1b[31mb"
    assert p("\x00\x7f\x9b\t\n") == "\\x00\\x7f\\x9b\\x09\\x0a"
    assert p("é – ü") == "é – ü"
    assert p("x" * 100, limit=10) == "x" * 9 + "…"
    assert len(p("\x1b" * 1000)) <= 80


def test_control_characters_are_refused_and_never_echoed(example):
    doc = _doc(example)
    doc["sites"][0]["name"] = "Evil\x1b[2J\x1b[31mRed"
    doc["sites"][1]["id"] = "site\x00"
    doc["sites"][2]["flows"][0]["id"] = "flow\x07"
    doc["sites"][2]["flows"][1]["name"] = "bell\x07"
    doc["exchanges"][0]["id"] = "ex\x1b]0;title\x07"
    doc["description"] = "tab\tand newline\n are fine, ESC \x1b is not"
    doc["sites"][1]["description"] = "NUL \x00"
    with pytest.raises(ScenarioError) as ei:
        scenario_file.from_dict(doc)
    text = str(ei.value)
    assert "\x1b" not in text and "\x00" not in text and "\x07" not in text
    got = {(p.path, p.field) for p in ei.value.problems}
    assert {(("sites", 0, "name"), "name"), (("sites", 1, "id"), "id"),
            (("sites", 2, "flows", 0, "id"), "id"), (("sites", 2, "flows", 1, "name"), "name"),
            (("exchanges", 0, "id"), "id"), (("description",), "description"),
            (("sites", 1, "description"), "description")} <= got
    assert "contains a control character (U+001B)" in text
    _short_and_clean(ei.value)

    doc = _doc(example)
    doc["description"] = "line one\n\tline two"
    doc["exchanges"][0]["description"] = "a\nb"
    scenario_file.from_dict(doc)  # tab and newline are fine in descriptions


def test_lone_surrogates_are_refused(example, tmp_path):
    text = _with_literal(_doc(example), ("sites", 0, "name"), '"bad \\ud800 name"')
    exc = _load_text(tmp_path, text)
    assert [p.field for p in exc.problems] == ["name"]
    str(exc).encode("utf-8")  # printable everywhere
    _short_and_clean(exc)


# 5. special files and the size cap --------------------------------------------------------------

def test_directory_is_not_a_regular_file(tmp_path):
    d = tmp_path / "dir.ecolca.json"
    d.mkdir()
    with pytest.raises(ScenarioError, match="not a regular file"):
        scenario_file.load(d)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_named_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.ecolca.json"
    os.mkfifo(fifo)
    result: list = []

    def target():
        try:
            scenario_file.load(fifo)
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            result.append(exc)

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(10)
    if t.is_alive():  # release the blocked reader, then fail
        fd = os.open(fifo, os.O_WRONLY)
        os.close(fd)
        t.join(10)
        pytest.fail("load() blocked on a named pipe")
    assert len(result) == 1 and isinstance(result[0], ScenarioError), result
    assert "not a regular file" in str(result[0]) and "named pipe" in str(result[0])


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused_before_reading(device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    with pytest.raises(ScenarioError, match="not a regular file"):
        scenario_file.load(device)


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets here")
def test_socket_is_refused(tmp_path):
    path = tmp_path / "s.ecolca.json"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.bind(str(path))
        assert stat.S_ISSOCK(os.stat(path).st_mode)
        with pytest.raises(ScenarioError, match="not a regular file"):
            scenario_file.load(path)
    finally:
        s.close()


def test_file_over_the_cap_is_refused_naming_the_variable(example, tmp_path, monkeypatch):
    monkeypatch.setenv("ECOLCA_MAX_SCENARIO_MB", "1")
    p = tmp_path / "big.ecolca.json"
    text = scenario_file.dumps(example)
    p.write_text(text + " " * (1024 * 1024))  # valid JSON, just over 1 MB
    with pytest.raises(ScenarioError) as ei:
        scenario_file.load(p)
    assert "1 MB" in str(ei.value) and "ECOLCA_MAX_SCENARIO_MB" in str(ei.value)
    p.write_text(text)
    scenario_file.load(p)  # under the cap: fine


def test_default_cap_refuses_a_100_mb_file(tmp_path, monkeypatch):
    monkeypatch.delenv("ECOLCA_MAX_SCENARIO_MB", raising=False)
    assert scenario_file.MAX_FILE_BYTES == 64 * 1024 * 1024
    p = tmp_path / "huge.ecolca.json"
    with open(p, "wb") as f:  # sparse: costs no disk space
        f.truncate(100 * 1024 * 1024)
    with pytest.raises(ScenarioError) as ei:
        scenario_file.load(p)
    assert "64 MB" in str(ei.value) and "ECOLCA_MAX_SCENARIO_MB" in str(ei.value)


@pytest.mark.parametrize("value", ["abc", "0", "-5", "nan", "inf"])
def test_bad_size_cap_variable_is_named(example_path, monkeypatch, value):
    monkeypatch.setenv("ECOLCA_MAX_SCENARIO_MB", value)
    with pytest.raises(ScenarioError, match="ECOLCA_MAX_SCENARIO_MB"):
        scenario_file.load(example_path)


# 6. a cap on the number of problems -------------------------------------------------------------

def test_problems_are_capped(example, tmp_path):
    doc = _doc(example)
    doc["sites"] = [{"flows": [{}] * 3}] * 20_000
    p = tmp_path / "broken.ecolca.json"
    p.write_text(json.dumps(doc))
    with pytest.raises(ScenarioError) as ei:
        scenario_file.load(p)
    probs = ei.value.problems
    assert len(probs) == scenario_file.MAX_PROBLEMS + 1
    assert scenario_file.MAX_PROBLEMS == 200
    assert probs[-1].message == ("… and more problems not listed (stopped after "
                                 f"{scenario_file.MAX_PROBLEMS})")


# the CLI: one clear message, exit 1, no traceback -----------------------------------------------

def test_cli_reports_hostile_files_without_traceback(example, tmp_path):
    text = _with_literal(_doc(example), ("sites", 0, "flows", 1, "amount"), "9" * 5000)
    p = tmp_path / "hostile.ecolca.json"
    p.write_text(text)
    d = tmp_path / "folder.ecolca.json"
    d.mkdir()
    for target in (p, d):
        r = run_cli("validate", "--no-project", str(target))
        assert r.returncode == 1, r.stderr[-2000:]
        assert "Traceback" not in r.stderr
        assert "error:" in r.stderr
    assert "field 'amount'" in run_cli("validate", "--no-project", str(p)).stderr


def test_empty_currency_is_refused_not_read_as_eur(example):
    """``"currency": ""`` read as EUR without a word; now a problem naming the field. A file
    without the key still means EUR."""
    doc = _doc(example)
    doc["currency"] = ""
    with pytest.raises(ScenarioError) as ei:
        scenario_file.from_dict(doc)
    assert [(p.item, p.field) for p in ei.value.problems] == [("scenario", "currency")]
    assert "empty" in str(ei.value)
    del doc["currency"]
    assert scenario_file.from_dict(doc).currency == "EUR"


def test_a_method_listed_twice_is_refused(example, bw_project):
    """A method listed twice gave every one of its rows twice; the file reader and validation
    (a scenario built in the app, or ``--method`` given twice) refuse it, naming the entry."""
    from ecolca import lca
    from ecolca.core.validation import errors, validate

    doc = _doc(example)
    doc["methods"] = [doc["methods"][0], doc["methods"][1], doc["methods"][0]]
    with pytest.raises(ScenarioError) as ei:
        scenario_file.from_dict(doc)
    assert [p.field for p in ei.value.problems] == ["methods[2]"]
    assert "listed twice" in str(ei.value)
    sc = scenario_file.from_dict(_doc(example))
    sc.methods = [sc.methods[0], sc.methods[0]]
    assert [p.field for p in errors(validate(sc))] == ["methods[2]"]
    with pytest.raises(ScenarioError, match="listed twice"):
        lca.compare(example, project=bw_project, methods=[example.methods[0], example.methods[0]])


def test_site_ids_that_look_alike_are_one_id_or_refused(example):
    """'cement ' (a trailing space) and 'cément' written in two Unicode forms were accepted as
    distinct sites that look identical. Ids are read in normal form C, so the two forms are one
    id (a duplicate), and an id with surrounding spaces is refused."""
    import unicodedata

    doc = _doc(example)
    site = doc["sites"][0]
    twin = json.loads(json.dumps(site))
    site["id"] = unicodedata.normalize("NFC", "cément")
    twin["id"] = unicodedata.normalize("NFD", "cément")
    assert site["id"] != twin["id"]
    twin["name"] = site["name"] + " (twin)"
    doc["sites"].append(twin)
    with pytest.raises(ScenarioError) as ei:
        scenario_file.from_dict(doc)
    assert [(p.field, "duplicate site id" in p.message) for p in ei.value.problems] == \
        [("id", True)]

    doc = _doc(example)
    old = doc["sites"][0]["id"]
    doc["sites"][0]["id"] = old + " "
    with pytest.raises(ScenarioError) as ei:
        scenario_file.from_dict(doc)
    assert [p.path for p in ei.value.problems] == [("sites", 0, "id")]
    assert "space" in str(ei.value)

    # an exchange that refers to a site in the other form finds it
    doc = _doc(example)
    ex = doc["exchanges"][0]
    sid = ex["from"]["site"]
    nfc = unicodedata.normalize("NFC", "cément")
    for s in doc["sites"]:
        if s["id"] == sid:
            s["id"] = nfc
    for e in doc["exchanges"]:
        for end in ("from", "to"):
            if e[end]["site"] == sid:
                e[end]["site"] = unicodedata.normalize("NFD", "cément")
    sc = scenario_file.from_dict(doc)
    assert sc.site(sc.exchanges[0].from_site) is not None
