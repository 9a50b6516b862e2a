"""`run --json` encodes its per-exchange and per-site rows from float arrays (NaN where the
output has null): the JSON text is the same with orjson and with the standard library's
fallback, and DEL and C1 controls are still escaped (core/jsontext.py)."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest


@pytest.mark.parametrize("orjson", [True, False])
def test_arrays_are_lists_with_null_for_nan_and_infinity(orjson, monkeypatch):
    from ecolca.core.jsontext import json_text

    if not orjson:
        monkeypatch.setitem(sys.modules, "orjson", None)  # import orjson -> ImportError
    row = {"total": np.array([1.5, np.nan, -np.inf, 0.1 + 0.2]),
           "label": "a → b", "n": np.float64(2.0), "plain": [float("nan"), 1.0]}
    assert json.loads(json_text(row)) == {"total": [1.5, None, None, 0.30000000000000004],
                                          "label": "a → b", "n": 2.0, "plain": [None, 1.0]}


@pytest.mark.parametrize("orjson", [True, False])
def test_del_and_c1_controls_are_escaped_beside_arrays(orjson, monkeypatch):
    from ecolca.core.jsontext import json_text

    if not orjson:
        monkeypatch.setitem(sys.modules, "orjson", None)
    text = json_text({"label": "x\x9by\x7fz m²", "v": np.array([1.0])})
    assert "\x9b" not in text and "\x7f" not in text and "\\u009b" in text and "\\u007f" in text
    assert json.loads(text)["label"] == "x\x9by\x7fz m²"


def test_to_json_dict_rows_are_plain_lists(bw_project, example_path):
    """The API's document (``to_json_dict``) keeps lists and None, not arrays and NaN."""
    from conftest import PROJECT
    from ecolca.core import scenario_file
    from ecolca.lca import compare

    res = compare(scenario_file.load(example_path), project=PROJECT)
    doc = res.to_json_dict()
    for row in doc["exchanges"]:
        assert isinstance(row["total"], list) and isinstance(row["break_even_km"], list)
        assert all(v is None or v == v for v in row["break_even_km"])
    for row in doc["sites"]:
        assert isinstance(row["linear"], list)
        assert all(isinstance(v, list) for v in row["symbiotic"].values())
