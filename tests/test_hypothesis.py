"""Property-based tests: the loader never fails with anything but a ScenarioError naming the
problem, whatever document it is fed."""

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecolca.core import scenario_file
from ecolca.core.errors import ScenarioError
from ecolca.core.validation import validate

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8),
                                                                      children, max_size=4),
    max_leaves=20,
)


def _base():
    from ecolca.core import examples

    return scenario_file.to_dict(examples.load("gypsum-ash"))


BASE = None


def _paths(doc, prefix=()):
    """Every (path) inside a JSON document."""
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, prefix + (i,))


def _load(doc):
    try:
        sc = scenario_file.from_dict(doc)
    except ScenarioError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
        return None
    validate(sc)  # must not raise either
    return sc


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_random_documents(doc):
    _load(doc)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_broken_versions_of_a_valid_document(data):
    global BASE
    BASE = BASE or _base()
    doc = copy.deepcopy(BASE)
    paths = [p for p in _paths(doc) if p and p != ("schema_version",)]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        parent = doc
        try:
            for k in path[:-1]:
                parent = parent[k]
            if data.draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = data.draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue
    _load(doc)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_random_text_files(text):
    try:
        scenario_file.loads(text)
    except ScenarioError:
        pass


def test_valid_document_survives_json_round_trip():
    doc = _base()
    sc = _load(json.loads(json.dumps(doc)))
    assert sc is not None
