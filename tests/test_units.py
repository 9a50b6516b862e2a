import math

import pytest

from ecolca import units
from ecolca.errors import UnitError


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
