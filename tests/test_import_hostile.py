"""Hostile or wrong files: exit 1, one clear sentence naming the file (and member), the
project's databases unchanged."""

from __future__ import annotations

import zipfile

import pytest

from conftest import PROJECT, ROOT

DATA = ROOT / "tests" / "data" / "bw2io"


class _Run:
    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run_cli(*args: str, env: dict | None = None) -> _Run:
    """``ecolca ARGS`` in this process (the command's exit code and its stdout/stderr), on the
    session's project: the same code path as the console script, without a new interpreter
    (about 3 s each). tests/test_cli_hostile.py runs hostile input through real subprocesses."""
    import contextlib
    import io
    import os

    from ecolca import cli

    out, err = io.StringIO(), io.StringIO()
    saved = {k: os.environ.get(k) for k in ["ECOLCA_PROJECT", *(env or {})]}
    os.environ.update({"ECOLCA_PROJECT": PROJECT, **(env or {})})
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(args))
            except SystemExit as exc:  # argparse usage errors
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return _Run(code, out.getvalue(), err.getvalue())


def _dbs_cli():
    r = run_cli("methods", "IPCC", "GWP100")  # a cheap command that opens the project
    assert r.returncode == 0, r.stderr


def _check(r, *words):
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr
    for w in words:
        assert w in r.stderr, r.stderr


@pytest.fixture()
def databases_before(bw_project):
    import bw2data as bd

    before = sorted(bd.databases)
    yield before
    bd.databases.__init__()  # re-read the metadata the CLI subprocess may have written
    assert sorted(bd.databases) == before


def test_corrupt_zip(tmp_path, databases_before):
    p = tmp_path / "x.zip"
    p.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    _check(run_cli("import", "olca-jsonld", str(p)), str(p), "zip")


def test_zip_with_parent_paths(tmp_path, databases_before):
    p = tmp_path / "evil.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("processes/a.json", "{}")
        z.writestr("../../etc/evil.json", "{}")
    _check(run_cli("import", "olca-jsonld", str(p)), "../../etc/evil.json", "outside the archive")


def test_zip_bomb(tmp_path, databases_before):
    p = tmp_path / "bomb.zip"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("processes/a.json", b"0" * (50 * 1024 * 1024))  # 50 MB of zeros, ~50 kB packed
    _check(run_cli("import", "olca-jsonld", str(p)), "zip bomb")
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as z:
        z.writestr("processes/a.json", b"0" * (11 * 1024 * 1024))
    _check(run_cli("import", "olca-jsonld", str(big), env={"ECOLCA_MAX_UNPACKED_MB": "10"}),
           "more than the limit of 10 MB")


def test_external_entity_in_ecospold2(tmp_path, databases_before):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    src = next((DATA / "ecospold2").glob("*.spold")).read_text(encoding="utf-8")
    head, body = src.split("?>", 1)
    evil = (head + "?>\n<!DOCTYPE ecoSpold [<!ENTITY xxe SYSTEM \"file://" + str(secret) + "\">]>"
            + body.replace("<generalComment>", "<generalComment>&xxe;", 1))
    (tmp_path / "es").mkdir()
    (tmp_path / "es" / "a.spold").write_text(evil, encoding="utf-8")
    r = run_cli("import", "ecospold2", str(tmp_path / "es"))
    _check(r, "DOCTYPE or entities")
    assert "TOP SECRET" not in r.stderr + r.stdout


def test_wrong_encoding(tmp_path, databases_before):
    p = tmp_path / "utf16.csv"
    p.write_text((DATA / "simapro" / "allocation.csv").read_text(encoding="utf-8"),
                 encoding="utf-16")
    _check(run_cli("import", "simapro-csv", str(p)), "UTF-16")
    z = tmp_path / "latin.zip"
    with zipfile.ZipFile(z, "w") as arc:
        arc.writestr("processes/a.json", '{"name": "caf\xe9"}'.encode("latin-1"))
    _check(run_cli("import", "olca-jsonld", str(z)), "processes/a.json", "not UTF-8")


def test_directory_where_file_expected_and_vice_versa(tmp_path, databases_before):
    _check(run_cli("import", "excel", str(tmp_path)), "is a folder")
    _check(run_cli("import", "simapro-csv", str(tmp_path)), "is a folder")
    f = tmp_path / "x.spold"
    f.write_text("<x/>", encoding="utf-8")
    (tmp_path / "d").mkdir()
    _check(run_cli("import", "ecospold2", str(tmp_path / "d")), "no .spold files")
    _check(run_cli("import", "excel", str(tmp_path / "missing.xlsx")), "does not exist")
    txt = tmp_path / "not.xlsx"
    txt.write_text("hello", encoding="utf-8")
    _check(run_cli("import", "excel", str(txt)), "not an .xlsx workbook")


@pytest.mark.parametrize("formula", ["open('{secret}').read()", "__import__('os').getcwd()",
                                     "PCB_area / 0", "PCB_area +"])
def test_excel_formula_that_is_not_arithmetic(tmp_path, databases_before, formula):
    """Excel formulas are evaluated at import (bw2parameters, i.e. asteval, which offers open()):
    a formula that reads a file, imports, divides by zero or does not parse refuses the workbook
    with one sentence naming the exchange, and a file's content never reaches the message."""
    import openpyxl

    secret = tmp_path / "secret.txt"
    secret.write_text("s3cr3t-content", encoding="utf-8")
    from test_import_no_silent_loss import write_vars_workbook

    wb = openpyxl.load_workbook(write_vars_workbook(tmp_path / "vars.xlsx"))
    for row in wb.worksheets[0].iter_rows():
        if row[6].value == "PCB_area * 2":
            row[6].value = formula.format(secret=secret)
    path = tmp_path / "hostile-formula.xlsx"
    wb.save(path)
    r = run_cli("import", "excel", str(path), "--name", "t-hostile-formula")
    _check(r, "hostile-formula.xlsx", "exchange 'unmounted printed circuit board'")
    assert "s3cr3t" not in r.stderr + r.stdout
