"""Imports that used to exit 0 with wrong or missing data (issue #18, point 6): each test here
fails on the code before the fix. Inputs are files other tools wrote: bw2io's test fixtures in
tests/data/bw2io (BSD-3-Clause, see the README there)."""

from __future__ import annotations

import functools
import shutil

import pytest

from conftest import PROJECT, ROOT, run_cli

DATA = ROOT / "tests" / "data" / "bw2io"


def _dbs():
    import bw2data as bd

    return sorted(bd.databases)


def _import(*args, **kw):
    from ecolca.importers import import_database

    return import_database(*args, project=PROJECT, **kw)


# ---- ecospold2 ------------------------------------------------------------------------------------

def test_ecospold2_duplicate_code_refused_naming_both_files(bw_project, tmp_path):
    """Two .spold files of the same dataset (same activity and product ids) used to import as
    '1 activities', the other dropped without a word; bw2io itself raises NonuniqueCode."""
    from ecolca.importers import ImportError_

    src = next((DATA / "ecospold2").glob("*.spold"))
    folder = tmp_path / "es"
    folder.mkdir()
    shutil.copy(src, folder / "a-first.spold")
    shutil.copy(src, folder / "b-second.spold")
    before = _dbs()
    with pytest.raises(ImportError_) as exc:
        _import("ecospold2", folder, "t-es2-dup")
    assert "a-first.spold" in str(exc.value) and "b-second.spold" in str(exc.value)
    assert "same dataset" in str(exc.value)
    assert _dbs() == before
