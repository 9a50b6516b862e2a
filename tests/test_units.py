import math

import pytest

from ecolca.core import units
from ecolca.core.errors import UnitError


@pytest.mark.parametrize("a,b,expected", [
    ("t", "kg", 1000.0),
    ("kilogram", "ton", 0.001),
    ("MWh", "MJ", 3600.0),
    ("kWh", "megajoule", 3.6),
    ("GJ", "kWh", 1000 / 3.6),
    ("m3", "liter", 1000.0),
    ("tkm", "ton kilometer", 1.0),
    ("lb", "kg", 0.45359237),
    ("short ton", "kg", 907.18474),
    ("us gallon", "liter", 3.785411784),
])
def test_conversions_inside_a_dimension_are_exact(a, b, expected):
    assert units.factor(a, b) == pytest.approx(expected, rel=1e-15)


def test_round_trip_is_identity():
    for a in units.known_units():
        for b in units.known_units():
            if units.dimension(a) == units.dimension(b):
                assert units.factor(a, b) * units.factor(b, a) == pytest.approx(1.0, rel=1e-12)


def test_across_dimensions_needs_a_factor_and_never_guesses():
    with pytest.raises(UnitError, match="without a conversion factor"):
        units.factor("t", "MJ")
    assert units.factor("t", "MJ", cross_factor=2750.0) == 2750.0


def test_unknown_unit_is_named():
    with pytest.raises(UnitError, match="'furlong'"):
        units.canonical("furlong")
    assert not units.is_known("")
    assert units.dimension("Mt") == "mass"
    assert math.isclose(units.convert(2, "Mt", "t"), 2e6)


# issue #13: unit spellings that used to be case-folded into the wrong unit
@pytest.mark.parametrize("unit,expected_kg", [
    ("Mg", 1000.0),        # megagram = tonne (was read as milligram: 1e-9 of the truth)
    ("mg", 1e-6),
    ("t", 1000.0),
    ("Mt", 1e9),           # SI megaton
    ("Gg", 1e6),
    ("KG", 1.0),           # only one reading when case is ignored: accepted
    ("tonne", 1000.0),
    ("Metric Ton", 1000.0),
])
def test_mass_symbols_are_case_sensitive(unit, expected_kg):
    assert units.factor(unit, "kg") == pytest.approx(expected_kg, rel=1e-15)


@pytest.mark.parametrize("unit,names", [
    ("MT", ["'t'", "'Mt'"]),      # metric ton (US) or megaton: was read as megaton (L = 9.8e14)
    ("mt", ["'t'", "'Mt'"]),
    ("MG", ["'Mg'", "'mg'"]),
    ("mj", ["'MJ'"]),              # megajoule or millijoule
    ("mwh", ["'MWh'"]),
    ("T", ["'t'"]),
])
def test_ambiguous_spellings_are_refused_with_the_alternatives(unit, names):
    with pytest.raises(UnitError, match="ambiguous") as info:
        units.canonical(unit)
    for n in names:
        assert n in str(info.value)


def test_si_symbols_of_units_ecolca_does_not_take_are_never_folded():
    # 'mJ' is a millijoule: it was silently read as MJ, a factor of 1e9
    with pytest.raises(UnitError, match="millijoule") as info:
        units.canonical("mJ")
    assert "'MJ'" in str(info.value)
    with pytest.raises(UnitError, match="milliwatt hour"):
        units.canonical("mWh")
    assert units.factor("MJ", "kJ") == 1000.0
    assert units.factor("kWh", "MJ") == pytest.approx(3.6, rel=1e-15)
