"""One number policy in the report (issue #20, point 3), the part done so far: every total on the
Contributions sheet is the Impacts sheet's, so the two agree to every digit shown."""

from __future__ import annotations

import openpyxl
import pytest

from ecolca.core import examples
from ecolca import lca
from ecolca.report import write_report
from ecolca.lca.results import method_label

from conftest import PROJECT


@pytest.fixture(scope="module")
def kalundborg_book(_bw_project_built, tmp_path_factory):
    sc = examples.load("kalundborg")
    res = lca.compare(sc, project=PROJECT)
    path = write_report(res, sc, tmp_path_factory.mktemp("k") / "k.xlsx")
    return res, openpyxl.load_workbook(path)


def test_contributions_totals_are_the_impacts_totals(kalundborg_book):
    """Kalundborg's Contributions total L read 5,093,672,266 beside Impacts' 5,093,672,010
    (Brightway's solve holds amounts as float32): the Total row now holds the very numbers of
    the Impacts row, and the rows of each method add up to it (the rest row carries the
    rounding of the solve)."""
    res, wb = kalundborg_book
    impacts = {}
    for r in wb["Impacts"].iter_rows(values_only=True):
        for imp in res.impacts:
            if imp.covered and list(r[:len(imp.method)]) == list(imp.method):
                impacts[imp.method] = r
    rows = [[c for c in r] for r in wb["Contributions"].iter_rows(values_only=True)]
    checked = 0
    for imp in res.impacts:
        if not imp.covered:
            continue
        head = next(i for i, r in enumerate(rows) if isinstance(r[0], str)
                    and r[0].startswith(method_label(imp.method) + " ["))
        end = next(i for i in range(head + 1, len(rows)) if rows[i][1] == "Total")
        total, block = rows[end], rows[head + 1:end]
        n = len(imp.method)
        want_l, want_s, want_d = impacts[imp.method][n + 1:n + 4]
        assert (total[4], total[5], total[6]) == (want_l, want_s, want_d), method_label(imp.method)
        for col, want in ((4, want_l), (5, want_s)):
            got = sum(r[col] or 0.0 for r in block)
            assert got == pytest.approx(want, rel=1e-12, abs=1e-9 * abs(want_l or 1.0))
        checked += 1
    assert checked >= 5
