"""Undo of a one-item edit keeps that item, not the whole scenario (issue #23 target 2: the
document's snapshot pickled a 1,000-site scenario after every edit, 0.15–0.7 s of the GUI
thread). Structure only, never a timing."""

from __future__ import annotations

import pickle

from ecolca.app import document as document_mod
from ecolca.app.document import Document
from ecolca.core import scenario_file
from ecolca.core.model import Scenario


def _count_scenario_pickles(monkeypatch) -> list:
    calls: list = []
    real = pickle.dumps

    def counting(obj, *a, **kw):
        if isinstance(obj, Scenario):
            calls.append(obj)
        return real(obj, *a, **kw)

    monkeypatch.setattr(document_mod.pickle, "dumps", counting)
    return calls


def _text(sc: Scenario) -> str:
    return scenario_file.dumps(sc)


def test_a_one_item_edit_does_not_pickle_the_scenario_and_undo_redo_are_exact(
        qtbot, example, monkeypatch):
    doc = Document(example)
    doc.flush()
    start = _text(doc.scenario)
    ex = doc.scenario.exchanges[0]
    site = doc.scenario.sites[0]
    site_name = site.name
    calls = _count_scenario_pickles(monkeypatch)

    def set_amount(v):
        return lambda sc: setattr(sc.exchange(ex.id), "amount", v)

    # typing in one field: three edits merged into one step
    for v in (1.5, 2.5, 3.25):
        doc.edit("Edit amount", set_amount(v), merge_key=f"exchange:{ex.id}:amount",
                 touched=("exchange", ex.id))
    doc.edit("Rename site", lambda sc: setattr(sc.site(site.id), "name", "Renamed"),
             touched=("site", site.id))
    qtbot.wait(document_mod.SNAPSHOT_MS + 100)  # the pause after which a snapshot was taken
    doc.flush()
    assert calls == []  # no whole-scenario pickle for these edits
    assert doc.undo_stack.count() == 2
    edited = _text(doc.scenario)
    state = doc.state

    doc.undo_stack.undo()
    assert doc.scenario.site(site.id).name == site_name
    assert doc.scenario.exchange(ex.id).amount == 3.25
    doc.undo_stack.undo()
    assert _text(doc.scenario) == start
    doc.undo_stack.redo()
    doc.undo_stack.redo()
    assert _text(doc.scenario) == edited
    assert doc.state == state
    assert calls == []


def test_item_and_whole_edits_mixed_undo_and_redo_exactly(qtbot, example):
    doc = Document(example)
    texts = [_text(doc.scenario)]
    ex_id = doc.scenario.exchanges[0].id
    sid = doc.scenario.sites[-1].id
    doc.edit("amount", lambda sc: setattr(sc.exchange(ex_id), "amount", 7.0),
             touched=("exchange", ex_id))
    texts.append(_text(doc.scenario))
    doc.edit("rename park", lambda sc: setattr(sc, "name", "Other park"))  # whole-state
    texts.append(_text(doc.scenario))
    doc.edit("site name", lambda sc: setattr(sc.site(sid), "name", "S"), touched=("site", sid))
    texts.append(_text(doc.scenario))
    doc.edit("delete exchange", lambda sc: sc.exchanges.pop())  # whole-state
    texts.append(_text(doc.scenario))
    for i in range(len(texts) - 1, 0, -1):
        doc.undo_stack.undo()
        assert _text(doc.scenario) == texts[i - 1]
    for i in range(1, len(texts)):
        doc.undo_stack.redo()
        assert _text(doc.scenario) == texts[i]
    # the whole snapshot is still there for those who ask (a run, the live worker, autosave)
    assert scenario_file.dumps(pickle.loads(doc._snap())) == texts[-1]
