import json
import os

import pytest

from ecolca.core import scenario_file
from ecolca.core.errors import ScenarioError


def _doc(example):
    return scenario_file.to_dict(example)


def test_round_trip_keeps_everything(example, tmp_path):
    p = tmp_path / "a.ecolca.json"
    scenario_file.save(example, p)
    again = scenario_file.load(p)
    assert scenario_file.to_dict(again) == scenario_file.to_dict(example)
    # positions are part of the file
    assert [s.position for s in again.sites] == [s.position for s in example.sites]
    assert json.loads(p.read_text())["schema_version"] == scenario_file.SCHEMA_VERSION


def test_save_is_atomic_and_keeps_the_old_file(example, tmp_path, monkeypatch):
    p = tmp_path / "a.ecolca.json"
    p.write_text("old content")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        scenario_file.save(example, p)
    assert p.read_text() == "old content"
    assert [x.name for x in tmp_path.iterdir()] == ["a.ecolca.json"]  # no temp file left


def test_unserialisable_scenario_writes_nothing(example, tmp_path):
    p = tmp_path / "a.ecolca.json"
    p.write_text("old")
    example.sites[0].flows[0].amount = float("nan")
    with pytest.raises(ValueError):
        scenario_file.save(example, p)
    assert p.read_text() == "old"


def test_malformed_json_names_line_and_column(tmp_path):
    p = tmp_path / "bad.ecolca.json"
    p.write_text('{"schema_version": 1,\n "name": }')
    with pytest.raises(ScenarioError) as ei:
        scenario_file.load(p)
    assert "line 2" in str(ei.value) and "not valid JSON" in str(ei.value)


def test_newer_schema_version_is_refused_clearly(example):
    doc = _doc(example)
    doc["schema_version"] = scenario_file.SCHEMA_VERSION + 1
    with pytest.raises(ScenarioError, match="newer ecolca"):
        scenario_file.from_dict(doc)


def test_missing_or_bad_schema_version(example):
    doc = _doc(example)
    del doc["schema_version"]
    with pytest.raises(ScenarioError, match="schema_version"):
        scenario_file.from_dict(doc)
    doc["schema_version"] = "1"
    with pytest.raises(ScenarioError, match="whole number"):
        scenario_file.from_dict(doc)


def test_migration_hook_upgrades_older_documents(example, monkeypatch):
    v = scenario_file.SCHEMA_VERSION
    doc = _doc(example)
    doc["title"] = doc.pop("name")  # pretend the current version calls it "title"

    def to_next(d):
        d = dict(d)
        d["name"] = d.pop("title")
        return d

    monkeypatch.setattr(scenario_file, "SCHEMA_VERSION", v + 1)
    monkeypatch.setitem(scenario_file.MIGRATIONS, v, to_next)
    sc = scenario_file.from_dict(doc)
    assert sc.name == example.name


def _old_keys(doc: dict) -> dict:
    """``doc`` as a file of schema version 1 has it: an exchange's category under 'kind'."""
    doc = json.loads(json.dumps(doc))
    doc["schema_version"] = 1
    for e in doc["exchanges"]:
        e["kind"] = e.pop("category")
    return doc


def test_an_exchange_kind_of_an_older_file_is_read_as_its_category_with_a_note(example):
    """Issue #21 point 5: 'kind' on an exchange was renamed 'category' (the flows' name for the
    same vocabulary); a file with the old key loads equal to one with the new key, and says so
    once, in the scenario's file_notes (printed by the CLI, shown by the app)."""
    example.exchanges[1].category = "material"  # not the default: the value itself is read
    new = scenario_file.from_dict(_doc(example))
    old = scenario_file.from_dict(_old_keys(_doc(example)))
    assert old == new and scenario_file.to_dict(old) == scenario_file.to_dict(new)
    assert [e.category for e in old.exchanges] == ["by-product", "material", "by-product"]
    assert new.file_notes == []
    [note] = old.file_notes
    assert "3 exchange(s)" in note and "'kind'" in note and "'category'" in note


def test_a_round_trip_of_an_older_file_writes_only_the_new_keys(example, tmp_path):
    p = tmp_path / "old.ecolca.json"
    p.write_text(json.dumps(_old_keys(_doc(example))))
    scenario_file.save(scenario_file.load(p), p)
    doc = json.loads(p.read_text())
    assert doc["schema_version"] == 2 == scenario_file.SCHEMA_VERSION
    assert all("kind" not in e and e["category"] == "by-product" for e in doc["exchanges"])
    assert all("kind" in f for s in doc["sites"] for f in s["flows"])  # a flow's kind stays
    assert scenario_file.load(p).file_notes == []  # said once: the saved file has no old key


def test_the_renamed_model_fields_fail_loudly_under_their_old_names(example):
    """Exchange.kind, Transport.distance, Site.x and Site.y were renamed (docs/glossary.md):
    setting the old name would otherwise add an attribute nothing reads, without a word."""
    e, site = example.exchanges[0], example.sites[0]
    for obj, old, new in ((e, "kind", "category"), (e.transport[0], "distance", "distance_km"),
                          (site, "x", "position"), (site, "y", "position")):
        with pytest.raises(AttributeError, match=f"{old} was renamed {new}"):
            setattr(obj, old, 1.0)
        with pytest.raises(AttributeError, match=f"{old} was renamed {new}"):
            getattr(obj, old)
    assert e.category == "by-product" and site.position == (0, 0)


def test_an_exchange_with_both_kind_and_category_that_differ_is_refused(example):
    doc = _doc(example)
    doc["exchanges"][0]["kind"] = "energy"
    with pytest.raises(ScenarioError) as ei:
        scenario_file.from_dict(doc)
    [p] = ei.value.problems
    assert p.field == "kind" and p.path == ("exchanges", 0, "kind")
    assert "old name of 'category'" in p.message and "'energy'" in p.message
    doc["exchanges"][0]["kind"] = "by-product"  # the same value twice: read, with the note
    assert scenario_file.from_dict(doc).file_notes


def test_every_structural_problem_is_listed_with_item_and_field(example):
    doc = _doc(example)
    doc["sites"][1]["id"] = doc["sites"][0]["id"]  # duplicate site id
    doc["sites"][0]["flows"][1]["amount"] = "5 t"  # not a number
    doc["sites"][0]["flows"][2]["amount"] = float("inf")
    doc["sites"][2]["flows"][1]["unit"] = 7
    doc["exchanges"][0]["substitution_ratio"] = "one"
    del doc["exchanges"][1]["amount"]
    with pytest.raises(ScenarioError) as ei:
        scenario_file.from_dict(doc)
    text = str(ei.value)
    assert "duplicate site id 'power'" in text
    assert "flow 'hard coal', field 'amount': must be a number" in text
    assert "field 'amount': must be finite" in text
    assert "field 'unit': must be text" in text
    assert "exchange 'gypsum-to-boards', field 'substitution_ratio'" in text
    assert "exchange 'gypsum-to-cement', field 'amount': is missing" in text
    assert len(ei.value.problems) >= 6


def test_nan_in_file_is_rejected(tmp_path, example):
    import re

    text = re.sub(r'"amount": 90000(\.0)?', '"amount": NaN', scenario_file.dumps(example), count=1)
    assert "NaN" in text
    with pytest.raises(ScenarioError, match="finite"):
        scenario_file.loads(text)


def test_not_utf8_or_missing_file(tmp_path):
    p = tmp_path / "x.ecolca.json"
    p.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ScenarioError, match="UTF-8"):
        scenario_file.load(p)
    with pytest.raises(ScenarioError, match="cannot be read"):
        scenario_file.load(tmp_path / "missing.ecolca.json")


def test_negative_amounts_load_and_are_named_by_validation(example):
    """A work-in-progress file with a negative amount opens (the app shows the problem); the
    calculation refuses it (validation error naming the item and field)."""
    from ecolca.core.validation import errors, validate

    doc = _doc(example)
    doc["sites"][0]["flows"][1]["amount"] = -5
    doc["exchanges"][0]["substitution_ratio"] = -1
    sc = scenario_file.from_dict(doc)
    msgs = [str(p) for p in errors(validate(sc))]
    assert any("flow 'hard coal', field 'amount'" in m and "≥ 0" in m for m in msgs)
    assert any("field 'substitution_ratio'" in m for m in msgs)


def test_a_repeated_key_is_refused_naming_its_path_and_both_values(example):
    """JSON allows a key twice in one object and Python's reader keeps the last silently:
    ``"amount": 80000, "amount": 1`` changed Δ, and an ``"exchanges": []`` appended at the end
    emptied the park's exchanges (Δ = 0). Both are refused, with the path and the two values."""
    text = scenario_file.dumps(example)
    amount = example.exchanges[0].amount
    needle = f'"amount": {json.dumps(amount)},'
    assert needle in text
    twice = text.replace(needle, f'"amount": 80000, "amount": 1,', 1)
    with pytest.raises(ScenarioError) as ei:
        scenario_file.loads(twice)
    msg = str(ei.value)
    p = ei.value.problems[0]
    assert p.field.endswith(".amount") and p.path[-1] == "amount"
    assert "80000" in msg and "1" in msg and "more than once" in msg
    # the first repeated 'amount' of the file: the path names where it is
    doc = json.loads(text)
    where = p.path[:-1]
    node = doc
    for k in where:
        node = node[k]
    assert node["amount"] == amount

    emptied = text.rstrip().rstrip("}") + ', "exchanges": []}'
    with pytest.raises(ScenarioError) as ei:
        scenario_file.loads(emptied)
    (p,) = ei.value.problems
    assert p.field == "exchanges" and p.path == ("exchanges",)
    assert "a list" in p.message
