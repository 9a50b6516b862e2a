"""The activity and method pickers, driven through their widgets with synthetic rows (no Brightway)."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("pytestqt")

# a Qt warning fails the test (issue #9); the offscreen platform's notices are not ecolca's
pytestmark = [pytest.mark.qt_log_level_fail("WARNING"),
              pytest.mark.qt_log_ignore(r"^This plugin does not support")]

from PySide6.QtCore import QPoint, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication, QDialog, QDialogButtonBox, QStyle, QStyleOptionViewItem,
)

from ecolca.app.method_picker import MethodPickerDialog  # noqa: E402
from ecolca.app.pickers import ActivityPickerDialog  # noqa: E402
from ecolca.brightway.catalog import ActivityRow  # noqa: E402
from ecolca.core.model import DEFAULT_METHODS, ActivityRef  # noqa: E402

ROWS = [
    ActivityRow("ei", "a1", "market for steel, low-alloyed", "steel, low-alloyed", "GLO", "kilogram", "process"),
    ActivityRow("ei", "a2", "market for electricity, medium voltage", "electricity, medium voltage", "FR",
                "kilowatt hour", "process"),
    ActivityRow("ei", "a3", "heat production, natural gas", "heat, district or industrial", "Europe without Switzerland",
                "megajoule", "process"),
    ActivityRow("ei", "a4", "market for tap water", "tap water", "Europe without Switzerland", "kilogram", "process"),
    ActivityRow("ei", "a5", "transport, freight, lorry 16-32 metric ton", "transport, freight, lorry", "RER",
                "ton kilometer", "process"),
    ActivityRow("ecolca-open", "g1", "gypsum production", "gypsum", "GLO", "kilogram", "process"),
    ActivityRow("ecolca-open", "s1", "steam production, in chemical industry", "steam", "RER", "kilogram", "process"),
    ActivityRow("ecolca-open", "x1", "fly ash treatment", "fly ash", "FR", "weird unit", "process"),
    ActivityRow("ei", "a6", "market for steel, chromium steel 18/8", "steel, chromium steel 18/8", "GLO", "ton",
                "process"),
]


def big_rows(n: int = 20_000) -> list[ActivityRow]:
    """``n`` rows; every 7th is "steel", every 10th in megajoule, so counts are known in advance."""
    out = []
    for i in range(n):
        product = "steel" if i % 7 == 0 else "cement"
        unit = "megajoule" if i % 10 == 0 else "kilogram"
        out.append(ActivityRow(f"db{i % 3}", f"c{i:05d}", f"production of {product} variant {i:05d}", product,
                               ("GLO", "RER", "CH")[i % 3], unit, "process"))
    return out


def n_matching(rows: list[ActivityRow], text: str) -> int:
    """How many rows hold every word of ``text``, counted here without ecolca's code."""
    words = text.lower().split()
    return sum(all(any(w in f.lower() for f in (r.name, r.product, r.location, r.unit, r.database, r.code))
                   for w in words) for r in rows)


def open_picker(qtbot, rows, **kw) -> ActivityPickerDialog:
    dlg = ActivityPickerDialog(rows, **kw)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def shown(dlg: ActivityPickerDialog, column: int = 0) -> list[str]:
    m = dlg.table.model()
    return [m.index(r, column).data() for r in range(m.rowCount())]


def type_search(qtbot, dlg: ActivityPickerDialog, text: str, expected_rows: int) -> None:
    dlg.search_edit.clear()
    qtbot.keyClicks(dlg.search_edit, text)
    qtbot.waitUntil(lambda: not dlg._timer.isActive() and dlg.table.model().rowCount() == expected_rows,
                    timeout=3000)


# -- activity picker

def test_typing_filters_on_every_word(qtbot):
    dlg = open_picker(qtbot, ROWS)
    assert dlg.table.model().rowCount() == len(ROWS)
    assert dlg.count_label.text() == f"{len(ROWS)} of {len(ROWS)}"

    type_search(qtbot, dlg, "steel", 2)
    assert sorted(shown(dlg)) == ["market for steel, chromium steel 18/8", "market for steel, low-alloyed"]
    assert dlg.count_label.text() == f"2 of {len(ROWS)}"

    # all words, in any field and any case: "GLO" is a location, "TON" matches only the unit "ton"
    type_search(qtbot, dlg, "Steel glo TON", 1)
    assert shown(dlg) == ["market for steel, chromium steel 18/8"]

    # database and code are searched too
    type_search(qtbot, dlg, "ecolca-open", 3)
    assert set(shown(dlg, 4)) == {"ecolca-open"}
    type_search(qtbot, dlg, "x1", 1)
    assert shown(dlg) == ["fly ash treatment"]
    type_search(qtbot, dlg, "nothing matches this", 0)
    assert dlg.count_label.text() == f"0 of {len(ROWS)}"
    assert not dlg.ok_button.isEnabled()


def test_columns_tooltip_and_sorting(qtbot):
    dlg = open_picker(qtbot, ROWS)
    m = dlg.table.model()
    assert [m.headerData(c, Qt.Horizontal) for c in range(5)] == [
        "Name", "Reference product", "Location", "Unit", "Database"]
    r = next(k for k in range(m.rowCount()) if m.index(k, 0).data() == "gypsum production")
    assert [m.index(r, c).data() for c in range(5)] == [
        "gypsum production", "gypsum", "GLO", "kilogram", "ecolca-open"]
    assert "code: g1" in m.index(r, 4).data(Qt.ToolTipRole)

    assert shown(dlg) == sorted(shown(dlg), key=str.lower)  # by name at first
    dlg.table.sortByColumn(3, Qt.AscendingOrder)
    assert shown(dlg, 3) == sorted(shown(dlg, 3), key=str.lower)
    dlg.table.sortByColumn(2, Qt.DescendingOrder)
    assert shown(dlg, 2) == sorted(shown(dlg, 2), key=str.lower, reverse=True)

    # sorting keeps the selected activity selected
    dlg.table.selectRow(0)
    before = dlg.selected_ref()
    dlg.table.sortByColumn(0, Qt.AscendingOrder)
    assert dlg.selected_ref() == before

    # a filter keeps the current sort order
    dlg.table.sortByColumn(2, Qt.AscendingOrder)
    type_search(qtbot, dlg, "market", 4)
    assert shown(dlg, 2) == sorted(shown(dlg, 2), key=str.lower)


def test_unit_filter_hides_other_dimensions(qtbot):
    dlg = open_picker(qtbot, ROWS, unit_hint="kg")
    assert dlg.unit_check is not None and dlg.unit_check.isChecked()
    assert dlg.unit_check.text() == "Only units convertible from kg"
    # mass units (kilogram, ton) and the unit ecolca does not know stay; kWh, MJ, tkm go
    assert set(shown(dlg, 3)) == {"kilogram", "ton", "weird unit"}
    assert dlg.table.model().rowCount() == 6
    type_search(qtbot, dlg, "market", 3)  # steel x2 and tap water; not electricity
    assert "market for electricity, medium voltage" not in shown(dlg)

    qtbot.mouseClick(dlg.unit_check, Qt.LeftButton)
    assert not dlg.unit_check.isChecked()
    assert dlg.table.model().rowCount() == 4
    assert "market for electricity, medium voltage" in shown(dlg)


def test_unit_filter_absent_without_a_known_hint(qtbot):
    assert open_picker(qtbot, ROWS).unit_check is None
    dlg = open_picker(qtbot, ROWS, unit_hint="weird unit")
    assert dlg.unit_check is None
    assert dlg.table.model().rowCount() == len(ROWS)


def test_select_and_accept(qtbot):
    dlg = open_picker(qtbot, ROWS)
    assert dlg.selected_ref() is None and not dlg.ok_button.isEnabled()
    type_search(qtbot, dlg, "gypsum", 1)
    assert dlg.selected_row() == ROWS[5]  # the first match is selected while typing
    dlg.table.selectRow(0)
    qtbot.mouseClick(dlg.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
    assert dlg.result() == QDialog.Accepted
    assert dlg.selected_ref() == ActivityRef("ecolca-open", "g1")
    assert dlg.selected_row().name == "gypsum production"


def test_enter_in_search_field_accepts_the_first_match(qtbot):
    dlg = open_picker(qtbot, ROWS)
    qtbot.keyClicks(dlg.search_edit, "tap water")
    qtbot.keyClick(dlg.search_edit, Qt.Key_Return)  # before the debounce fired: filters first
    assert dlg.result() == QDialog.Accepted and not dlg.isVisible()
    assert dlg.selected_ref() == ActivityRef("ei", "a4")


def test_arrow_keys_in_search_field_move_the_selection_and_enter_in_table_accepts(qtbot):
    dlg = open_picker(qtbot, ROWS)
    type_search(qtbot, dlg, "steel", 2)
    first = dlg.selected_row()
    qtbot.keyClick(dlg.search_edit, Qt.Key_Down)
    second = dlg.selected_row()
    assert second is not None and second != first
    dlg.table.setFocus()
    qtbot.keyClick(dlg.table, Qt.Key_Return)
    assert dlg.result() == QDialog.Accepted
    assert dlg.selected_row() == second


def test_double_click_accepts(qtbot):
    dlg = open_picker(qtbot, ROWS)
    type_search(qtbot, dlg, "electricity", 1)
    rect = dlg.table.visualRect(dlg.table.model().index(0, 1))
    qtbot.mouseClick(dlg.table.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.mouseDClick(dlg.table.viewport(), Qt.LeftButton, pos=rect.center())
    assert dlg.result() == QDialog.Accepted
    assert dlg.selected_ref() == ActivityRef("ei", "a2")


def test_cancel_and_nothing_selected_return_none(qtbot):
    dlg = open_picker(qtbot, ROWS)
    dlg.accept()  # nothing selected: stays open
    assert dlg.isVisible() and dlg.result() != QDialog.Accepted
    qtbot.mouseClick(dlg.buttons.button(QDialogButtonBox.Cancel), Qt.LeftButton)
    assert dlg.result() == QDialog.Rejected


def test_current_is_preselected_and_scrolled_to(qtbot):
    rows = big_rows(2000)
    target = rows[1500]
    dlg = open_picker(qtbot, rows, current=ActivityRef(target.database, target.code))
    assert dlg.selected_row() == target
    index = dlg.table.selectionModel().selectedRows()[0]
    assert dlg.table.viewport().rect().intersects(dlg.table.visualRect(index))  # on screen
    assert dlg.ok_button.isEnabled()
    # typing words that still match keeps the user's activity, not the first match
    type_search(qtbot, dlg, "cement 15", n_matching(rows, "cement 15"))
    assert dlg.selected_row() == target and dlg.table.model().rowCount() > 1
    assert shown(dlg)[0] != target.name
    # an unknown current selects nothing
    assert open_picker(qtbot, ROWS, current=ActivityRef("ei", "nope")).selected_row() is None


def test_current_in_another_dimension_turns_the_unit_filter_off(qtbot):
    dlg = open_picker(qtbot, ROWS, unit_hint="kilogram", current=ActivityRef("ei", "a2"))  # kWh
    assert not dlg.unit_check.isChecked()
    assert dlg.selected_ref() == ActivityRef("ei", "a2")


def _open_dialog(cls):
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, cls) and w.isVisible())


def test_pick_execs_and_returns_the_ref(qtbot):
    def choose():
        dlg = _open_dialog(ActivityPickerDialog)
        dlg.search_edit.setText("heat natural gas")
        dlg.accept()

    QTimer.singleShot(50, choose)
    assert ActivityPickerDialog.pick(None, ROWS) == ActivityRef("ei", "a3")
    QTimer.singleShot(50, lambda: _open_dialog(ActivityPickerDialog).reject())
    assert ActivityPickerDialog.pick(None, ROWS, unit_hint="kg") is None


def test_method_pick_execs_and_returns_the_choice(qtbot):
    def choose():
        dlg = _open_dialog(MethodPickerDialog)
        qtbot.mouseClick(dlg.default_button, Qt.LeftButton)
        dlg.accept()

    QTimer.singleShot(50, choose)
    assert MethodPickerDialog.pick(None, ALL, []) == [m for m in ALL if m in DEFAULT_METHODS]
    QTimer.singleShot(50, lambda: _open_dialog(MethodPickerDialog).reject())
    assert MethodPickerDialog.pick(None, ALL, DEFAULT_METHODS) is None


def test_20000_rows_filter_to_the_right_count(qtbot, capsys):
    rows = big_rows(20_000)
    dlg = open_picker(qtbot, rows)
    assert dlg.count_label.text() == "20,000 of 20,000"

    # each keystroke: one search pass and one model reset, timed here (reported, not asserted)
    times = []
    for text in ("s", "st", "ste", "stee", "steel", "steel v", "steel variant 1"):
        dlg.search_edit.setText(text)
        t0 = time.perf_counter()
        dlg._apply_filter()
        times.append(time.perf_counter() - t0)
    with capsys.disabled():
        print(f"\nactivity picker, 20,000 rows: {1000 * sum(times) / len(times):.1f} ms per keystroke "
              f"(max {1000 * max(times):.1f} ms)")

    n_steel = len(range(0, 20_000, 7))
    type_search(qtbot, dlg, "steel", n_steel)
    assert dlg.count_label.text() == f"{n_steel:,} of 20,000"
    assert all("steel" in name for name in shown(dlg))
    type_search(qtbot, dlg, "steel variant 1", n_matching(rows, "steel variant 1"))
    assert 0 < dlg.table.model().rowCount() < n_steel

    dlg2 = open_picker(qtbot, rows, unit_hint="MJ")
    assert dlg2.table.model().rowCount() == 2000
    type_search(qtbot, dlg2, "steel", len(range(0, 20_000, 70)))  # both every 7th and every 10th


# -- method picker

OTHER = [
    ("EF v3.1", "climate change", "global warming potential (GWP100) biogenic"),
    ("EF v3.1", "land use", "soil quality index"),
    ("IPCC 2021", "climate change", "global warming potential (GWP20)"),
    ("selected LCI results", "resource", "water"),
]
ALL = sorted(DEFAULT_METHODS + OTHER)
UNITS = {m: "kg CO2-Eq" for m in ALL if "climate change" in m}


def open_methods(qtbot, chosen, all_methods=ALL, units=UNITS) -> MethodPickerDialog:
    dlg = MethodPickerDialog(all_methods, chosen, units=units)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def test_default_methods_preselected(qtbot):
    dlg = open_methods(qtbot, DEFAULT_METHODS)
    assert set(dlg.chosen()) == set(DEFAULT_METHODS)
    assert dlg.count_label.text() == f"{len(DEFAULT_METHODS)} chosen"
    leaf = dlg._leaves[DEFAULT_METHODS[0]]
    assert leaf.text(1) == "kg CO2-Eq"
    assert dlg._leaves[("EF v3.1", "land use", "soil quality index")].text(1) == ""
    # a family with some methods chosen is partly checked, one with all chosen is checked
    assert dlg._parents[("EF v3.1",)].checkState(0) == Qt.PartiallyChecked
    assert dlg._parents[("Cumulative Energy Demand (CED)",)].checkState(0) == Qt.Checked
    assert dlg._parents[("selected LCI results",)].checkState(0) == Qt.Unchecked


def test_checking_a_family_checks_its_leaves(qtbot):
    dlg = open_methods(qtbot, [])
    family = dlg._parents[("EF v3.1",)]
    family.setCheckState(0, Qt.Checked)  # what a click on its box does
    ef = [m for m in ALL if m[0] == "EF v3.1"]
    assert dlg.chosen() == ef
    assert dlg.count_label.text() == f"{len(ef)} chosen"
    assert dlg._parents[("EF v3.1", "climate change")].checkState(0) == Qt.Checked
    # unchecking one leaf makes the family partly checked; unchecking the family clears all
    dlg._leaves[ef[0]].setCheckState(0, Qt.Unchecked)
    assert family.checkState(0) == Qt.PartiallyChecked
    family.setCheckState(0, Qt.Unchecked)
    assert dlg.chosen() == []


def test_clicking_a_family_box_checks_its_leaves(qtbot):
    dlg = open_methods(qtbot, [])
    family = dlg._parents[("IPCC 2021",)]
    rect = dlg.tree.visualItemRect(family)
    # where the style draws the item's check box, left of its text
    opt = QStyleOptionViewItem()
    dlg.tree.initViewItemOption(opt)
    opt.rect = rect
    opt.features |= QStyleOptionViewItem.HasCheckIndicator
    box = dlg.tree.style().subElementRect(QStyle.SE_ItemViewItemCheckIndicator, opt, dlg.tree)
    qtbot.mouseClick(dlg.tree.viewport(), Qt.LeftButton, pos=QPoint(box.center().x(), rect.center().y()))
    assert dlg.chosen() == [m for m in ALL if m[0] == "IPCC 2021"]


def test_filter_hides_leaves_and_family_check_follows_the_filter(qtbot):
    dlg = open_methods(qtbot, [])
    qtbot.keyClicks(dlg.filter_edit, "climate gwp100")
    visible = [m for m, leaf in dlg._leaves.items() if not leaf.isHidden()]
    assert visible == [m for m in ALL if m[1] == "climate change" and "GWP100" in m[2]]
    assert dlg._parents[("EF v3.1", "land use")].isHidden()
    assert dlg._parents[("selected LCI results",)].isHidden()
    assert dlg._parents[("EF v3.1",)].isExpanded()
    # checking a family while filtered checks only what the filter shows
    dlg._parents[("EF v3.1",)].setCheckState(0, Qt.Checked)
    assert dlg.chosen() == [m for m in visible if m[0] == "EF v3.1"]
    family = dlg._parents[("EF v3.1",)]
    assert family.checkState(0) == Qt.PartiallyChecked  # its hidden leaves are unchecked
    family.setCheckState(0, Qt.Checked)  # a click on it now: every shown leaf is checked, so toggle
    assert dlg.chosen() == []
    dlg.filter_edit.clear()
    assert not any(leaf.isHidden() for leaf in dlg._leaves.values())


def test_default_set_clear_and_chosen_order(qtbot):
    extra = ("EF v3.1", "land use", "soil quality index")
    # DEFAULT_METHODS offered only in part: the default set is the offered part
    offered = [m for m in ALL if m != DEFAULT_METHODS[-1]]
    dlg = open_methods(qtbot, [extra], all_methods=offered)
    assert dlg.chosen() == [extra]
    qtbot.mouseClick(dlg.default_button, Qt.LeftButton)
    assert dlg.chosen() == [m for m in offered if m in DEFAULT_METHODS]
    assert extra not in dlg.chosen()
    assert dlg.count_label.text() == f"{len(DEFAULT_METHODS) - 1} chosen"
    qtbot.mouseClick(dlg.clear_button, Qt.LeftButton)
    assert dlg.chosen() == [] and dlg.count_label.text() == "0 chosen"

    # chosen() follows the order of all_methods, not the order given or checked
    order = list(reversed(ALL))
    dlg2 = open_methods(qtbot, [ALL[0], ALL[-1], ALL[3]], all_methods=order)
    assert dlg2.chosen() == [ALL[-1], ALL[3], ALL[0]]


def test_columns_fill_the_view_and_a_dragged_width_is_kept(qtbot):
    dlg = open_picker(qtbot, ROWS)
    dlg.resize(900, 600)
    qtbot.waitUntil(lambda: dlg.table.columnWidth(0) > 250)
    hh = dlg.table.horizontalHeader()
    assert hh.length() <= dlg.table.viewport().width() + 1  # no horizontal scrolling
    assert dlg.table.columnWidth(0) > dlg.table.columnWidth(3)  # the name gets the room
    hh.resizeSection(2, 300)  # as dragging the edge of "Location" does
    dlg.resize(1100, 600)
    qtbot.waitUntil(lambda: dlg.table.viewport().width() > 1000)
    assert dlg.table.columnWidth(2) == 300


def test_grab_both_dialogs(qtbot, tmp_path):
    """Both dialogs render at a usual size (the PNGs are for looking at by hand)."""
    act = open_picker(qtbot, big_rows(500) + ROWS, unit_hint="kg", current=ActivityRef("ei", "a1"))
    act.resize(900, 600)
    meth = open_methods(qtbot, DEFAULT_METHODS)
    meth.resize(900, 600)
    for name, dlg in (("activity", act), ("methods", meth)):
        png = tmp_path / f"{name}.png"
        assert dlg.grab().save(str(png))
        assert png.stat().st_size > 1000


# -- issue #9 (Low): the picker starts from the flow's name; elementary flows show compartments

def test_picker_starts_from_the_flow_name(qtbot):
    dlg = open_picker(qtbot, ROWS, search="tap water")
    assert dlg.search_edit.text() == "tap water"
    assert shown(dlg) == ["market for tap water"]
    assert dlg.selected_ref() == ActivityRef("ei", "a4")        # Enter takes it
    assert dlg.search_edit.selectedText() == "tap water"         # typing replaces it
    qtbot.keyClicks(dlg.search_edit, "steel")
    qtbot.waitUntil(lambda: dlg.table.model().rowCount() == 2, timeout=3000)
    # no row holds every word: start from the longest word that matches
    assert open_picker(qtbot, ROWS, search="natural gypsum").search_edit.text() == "gypsum"
    nothing = open_picker(qtbot, ROWS, search="unobtainium")
    assert nothing.search_edit.text() == "" and nothing.table.model().rowCount() == len(ROWS)
    # a flow that has an activity opens on it, not on a search
    again = open_picker(qtbot, ROWS, current=ActivityRef("ei", "a1"))
    assert again.search_edit.text() == "" and again.selected_ref() == ActivityRef("ei", "a1")


BIO_ROWS = [
    ActivityRow("biosphere3", "b1", "Carbon dioxide, fossil", "", "air::urban air close to ground",
                "kilogram", "emission"),
    ActivityRow("biosphere3", "b2", "Carbon dioxide, fossil", "", "air", "kilogram", "emission"),
    ActivityRow("biosphere3", "b3", "Water", "", "natural resource::in water", "cubic meter",
                "natural resource"),
]


def test_elementary_flows_show_their_compartments_in_columns(qtbot):
    dlg = open_picker(qtbot, BIO_ROWS)
    m = dlg.table.model()
    assert [m.headerData(c, Qt.Horizontal) for c in range(m.columnCount())] == \
        ["Name", "Compartment", "Sub-compartment", "Unit", "Database"]
    assert shown(dlg, 1) == ["air", "air", "natural resource"]
    assert shown(dlg, 2) == ["urban air close to ground", "", "in water"]
    dlg.table.sortByColumn(2, Qt.DescendingOrder)
    assert shown(dlg, 2)[0] == "urban air close to ground"
    type_search(qtbot, dlg, "urban", 1)
    # activities keep product and location
    plain = open_picker(qtbot, ROWS)
    assert plain.table.model().headerData(1, Qt.Horizontal) == "Reference product"
