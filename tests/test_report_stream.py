"""The report at scale (issue #23, target 4): each sheet is streamed into the package before the
next one is written, the Sensitivity sheet builds only the rows it shows, and what is streamed
reads back as the same workbook. The time and memory targets are measured by
benchmarks/report_ratio.py, never here."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from ecolca.core import examples
from ecolca import lca
from ecolca.report import writer as report_mod
from ecolca.report import layout

from conftest import PROJECT


@pytest.fixture(scope="module")
def gypsum(_bw_project_built):
    sc = examples.load("gypsum-ash")
    return sc, lca.compare(sc, project=PROJECT)


def test_each_sheet_is_freed_before_the_next_is_written(gypsum, monkeypatch):
    """When a sheet starts, every sheet before it has been written into the package and holds no
    cells: the memory held is one sheet's cells, not the workbook's."""
    sc, res = gypsum
    made: list[layout.Sheet] = []
    held_when_next_started: list[int] = []
    init = layout.Sheet.__init__

    def tracking_init(self, *a, **k):
        held_when_next_started.extend(len(s.cells) for s in made)
        made.clear()
        init(self, *a, **k)
        made.append(self)

    monkeypatch.setattr(layout.Sheet, "__init__", tracking_init)
    data = report_mod.render(res, sc)
    assert len(held_when_next_started) >= 10  # every sheet but the last was checked
    assert held_when_next_started == [0] * len(held_when_next_started)
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames[0] == "At a glance"


def test_streamed_file_is_the_rendered_workbook(gypsum, tmp_path):
    """write_report streams into a file the same package render() returns: same parts, same
    bytes in every part but the dates of the document properties."""
    sc, res = gypsum
    path = report_mod.write_report(res, sc, tmp_path / "r.xlsx")
    data = report_mod.render(res, sc)
    with zipfile.ZipFile(path) as a, zipfile.ZipFile(io.BytesIO(data)) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != "docProps/core.xml":
                assert a.read(name) == b.read(name), name
    wb = openpyxl.load_workbook(path)
    ws = wb["Exchanges"]
    assert ws.freeze_panes and ws.print_title_rows  # kept by the streamed part
    assert ws.page_setup.orientation == "landscape"
    assert ws.max_row > 10 and ws.max_column >= 5
    assert wb["Summary"]._charts or zipfile.ZipFile(path).namelist().count(
        "xl/charts/chart1.xml") == 1


def test_sensitivity_sheet_builds_only_the_rows_it_shows(gypsum):
    """The report shows at most MAX_ROWS parameters per method: it builds those and counts the
    rest (n_moving, n_parameters) without building a row per parameter (tens of thousands on a
    3,000-site park, 76 MiB at 1,000 sites)."""
    from ecolca.lca.sensitivity import one_at_a_time
    from ecolca.report.sheets import sensitivity

    sc, _ = gypsum
    ev = []
    res = lca.compare(sc, project=PROJECT, keep=ev)
    ev = ev[0]
    fresh = one_at_a_time(ev.table, ev.solved.scores, ev.methods, ev.units)
    for s in fresh:  # counted without rows, as the full list counts them
        assert s.n_moving() == len([r for r in s.moving_rows()])
    res.sensitivity = one_at_a_time(ev.table, ev.solved.scores, ev.methods, ev.units)
    data = report_mod.render(res, sc, only={sensitivity.NAME})
    assert sensitivity.NAME in openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert all(s._rows is None for s in res.sensitivity)
