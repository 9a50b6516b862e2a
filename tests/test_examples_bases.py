"""Every amount of the bundled examples carries an honest basis (issue #20, point 4).

The examples were written before amount bases; a file without them reads its amounts as
"unspecified" and its calibration line said "the file predates amount bases". These tests read the
files as shipped (not through the loader, which fills in "unspecified") and check that each flow
amount and each exchange's q says where it comes from, that "sourced" is used only where the named
source states the number, and that the files claim no calibration level above "illustrative" (the
level is computed, docs/file-format.md "Calibration")."""

from __future__ import annotations

import json

import pytest

from ecolca.core import examples
from ecolca.core.model import AMOUNT_BASES, calibration_of, is_sourced

NAMES = sorted(examples.available())
BASES = {"sourced", "estimated", "assumed"}  # what a file written today gives; no "unspecified"

# Unit definitions used to restate a quoted figure in the file's unit (NIST SP 811, Appendix B):
# US gallon = 3.785 411 784 L; Btu (IT) = 1,055.055 852 62 J.
GALLON_M3 = 3.785411784e-3
MMBTU_GJ = 1.05505585262

# Every amount marked "sourced", with the words of its source that state the number and that number
# in the amount's unit. "sourced" means the source states the figure (docs/file-format.md); a figure
# computed from sourced ones with other factors (a heating value, an efficiency, a ratio, an average
# over years) is "estimated", and restating a quoted figure in another unit keeps it sourced.
EVIDENCE = {
    ("kalundborg", "asnaes/co2"): ("Kalundborg power CO2 about 4.3 million t/yr", 4.3e6 * 1000),
    ("kalundborg", "asnaes/fgd-gypsum"): ("Asnæs gypsum 'hvert år omkring 100.000 tons'", 100_000),
    ("kalundborg", "gyproc/gypsum"): ("ca. 100.000 tons naturgips", 100_000),
    ("kalundborg", "exchange gypsum-to-gyproc"): ("Asnæs gypsum 'hvert år omkring 100.000 tons'",
                                                  100_000),
    ("phoenix", "wwtp-91st/wastewater-treated"): ("91st Avenue WWTP 145 mgd average",
                                                   145e6 * 365 * GALLON_M3),
    ("phoenix", "wwtp-91st/biogas"): ("over 600,000 mmbtu of methane annually", 600_000 * MMBTU_GJ),
    ("phoenix", "exchange biogas-to-rng"): ("over 600,000 mmbtu of methane annually",
                                            600_000 * MMBTU_GJ),
}


def _doc(name: str) -> dict:
    return json.loads(examples.path(name).read_text(encoding="utf-8"))


def _amounts(doc: dict):
    """(label, item) for every flow and exchange of a scenario document."""
    for s in doc["sites"]:
        for f in s["flows"]:
            yield f"{s['id']}/{f['id']}", f
    for e in doc["exchanges"]:
        yield f"exchange {e['id']}", e


@pytest.mark.parametrize("name", NAMES)
def test_every_flow_and_exchange_of_the_example_file_has_a_basis(name):
    doc = _doc(name)
    missing = [label for label, item in _amounts(doc) if item.get("amount_basis") not in BASES]
    assert missing == [], f"{name}: no amount_basis (or not one of {sorted(BASES)}): {missing}"
    assert BASES < set(AMOUNT_BASES)  # the loader knows them
    sc = examples.load(name)
    assert "unspecified" not in {f.amount_basis for _, f in sc.iter_flows()}
    assert "unspecified" not in {e.amount_basis for e in sc.exchanges}


@pytest.mark.parametrize("name", NAMES)
def test_a_sourced_amount_names_its_source(name):
    for label, item in _amounts(_doc(name)):
        if item["amount_basis"] == "sourced":
            assert is_sourced("sourced", item.get("source", "")), f"{name}: {label}: no source"


def test_sourced_only_where_the_source_states_the_number():
    """Each "sourced" amount is listed in EVIDENCE: its source contains the quoted words and its
    amount is that figure. Marking another amount sourced without such a quote fails here."""
    found = {}
    for name in NAMES:
        for label, item in _amounts(_doc(name)):
            if item["amount_basis"] == "sourced":
                found[(name, label)] = item
    assert set(found) == set(EVIDENCE)
    for key, item in found.items():
        quote, value = EVIDENCE[key]
        assert quote in item["source"], f"{key}: the source does not say {quote!r}"
        assert item["amount"] == pytest.approx(value, rel=1e-6), key


@pytest.mark.parametrize("name", NAMES)
def test_what_the_file_says_is_assumed_is_not_sourced(name):
    """An amount whose own text calls it an ASSUMPTION or illustrative, a '1 item' placeholder or a
    0 left unmodelled is never sourced (the words the examples use; see their comments)."""
    for label, item in _amounts(_doc(name)):
        text = " ".join(item.get(k, "") for k in ("comment", "description", "source"))
        says_assumed = ("ASSUMPTION" in text or "ASSUMED" in text
                        or "illustrative" in text.lower() or "1990s figure assumed" in text)
        placeholder = item.get("unit") == "item" or item["amount"] == 0
        if says_assumed or placeholder:
            assert item["amount_basis"] != "sourced", f"{name}: {label}"


@pytest.mark.parametrize("name", NAMES)
def test_the_level_is_computed_and_no_file_claims_more_than_illustrative(name):
    doc = _doc(name)
    # a claim of "illustrative" is the author's word that the park is an example (and says so)
    if "calibration" in doc:
        assert doc["calibration"] == "illustrative", name
        assert "illustrative" in doc["description"].lower(), name
    c = calibration_of(examples.load(name))
    assert "unspecified" not in c.counts and "predates" not in c.note
    assert "more than its amounts' bases support" not in c.note
    assert c.total == sum(c.counts.values()) and c.sourced == c.counts.get("sourced", 0)
