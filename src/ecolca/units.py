"""Units and exact conversions inside a dimension.

Conversions across dimensions (t of steam to MJ) are never guessed: the caller passes a factor the
user gave. Unit names follow Brightway/ecoinvent spelling (``kilogram``, ``megajoule``,
``ton kilometer``) with common abbreviations accepted (``kg``, ``t``, ``MWh``, ``m3``, ``tkm``).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from ecolca.errors import UnitError

# dimension -> {canonical unit name: factor to the dimension's base unit}; exact by definition
_DIMENSIONS: dict[str, dict[str, Fraction]] = {
    "mass": {
        "kilogram": Fraction(1),
        "gram": Fraction(1, 1000),
        "milligram": Fraction(1, 1_000_000),
        "ton": Fraction(1000),  # metric tonne, as in ecoinvent
        "kiloton": Fraction(1_000_000),
        "megaton": Fraction(1_000_000_000),
        "pound": Fraction(45359237, 100_000_000),  # international avoirdupois pound, exact
        "short ton": Fraction(45359237, 50_000),  # 2000 lb
    },
    "energy": {
        "megajoule": Fraction(1),
        "kilojoule": Fraction(1, 1000),
        "gigajoule": Fraction(1000),
        "terajoule": Fraction(1_000_000),
        "petajoule": Fraction(1_000_000_000),
        "kilowatt hour": Fraction(36, 10),
        "megawatt hour": Fraction(3600),
        "gigawatt hour": Fraction(3_600_000),
        "terawatt hour": Fraction(3_600_000_000),
    },
    "volume": {
        "cubic meter": Fraction(1),
        "liter": Fraction(1, 1000),
        "megaliter": Fraction(1000),
        "million cubic meter": Fraction(1_000_000),
        "us gallon": Fraction(3785411784, 1_000_000_000_000),  # 231 in³, exact
    },
    "transport": {
        "ton kilometer": Fraction(1),
        "kilogram kilometer": Fraction(1, 1000),
    },
    "items": {
        "unit": Fraction(1),
        "item": Fraction(1),
        "thousand items": Fraction(1000),
    },
    "distance": {
        "kilometer": Fraction(1),
        "meter": Fraction(1, 1000),
        "mile": Fraction(1609344, 1_000_000),
    },
}

_ALIASES = {
    "kg": "kilogram",
    "g": "gram",
    "mg": "milligram",
    "t": "ton",
    "tonne": "ton",
    "tonnes": "ton",
    "metric ton": "ton",
    "kt": "kiloton",
    "mt": "megaton",
    "lb": "pound",
    "mj": "megajoule",
    "kj": "kilojoule",
    "gj": "gigajoule",
    "tj": "terajoule",
    "pj": "petajoule",
    "kwh": "kilowatt hour",
    "mwh": "megawatt hour",
    "gwh": "gigawatt hour",
    "twh": "terawatt hour",
    "m3": "cubic meter",
    "m³": "cubic meter",
    "cubic metre": "cubic meter",
    "l": "liter",
    "litre": "liter",
    "gal": "us gallon",
    "tkm": "ton kilometer",
    "t*km": "ton kilometer",
    "t·km": "ton kilometer",
    "tonne kilometer": "ton kilometer",
    "tonne kilometre": "ton kilometer",
    "ton kilometre": "ton kilometer",
    "kgkm": "kilogram kilometer",
    "items": "item",
    "p": "item",
    "piece": "item",
    "km": "kilometer",
    "m": "meter",
    "mi": "mile",
}

_UNIT_DIMENSION = {u: d for d, units in _DIMENSIONS.items() for u in units}


@lru_cache(maxsize=1024)
def canonical(unit: str) -> str:
    """Return the canonical spelling of ``unit``; raise :class:`UnitError` if unknown."""
    if not isinstance(unit, str) or not unit.strip():
        raise UnitError(f"unit {unit!r} is empty or not text")
    u = " ".join(unit.strip().split())
    low = u.lower()
    if low in _UNIT_DIMENSION:
        return low
    if u in _ALIASES:  # case-sensitive first (Mt vs mt are the same here, kept simple)
        return _ALIASES[u]
    if low in _ALIASES:
        return _ALIASES[low]
    raise UnitError(f"unknown unit {unit!r}; known units: {', '.join(known_units())}")


def known_units() -> list[str]:
    return sorted(_UNIT_DIMENSION)


def dimension(unit: str) -> str:
    """The dimension (mass, energy, volume, transport, items, distance) of ``unit``."""
    return _UNIT_DIMENSION[canonical(unit)]


def is_known(unit: str) -> bool:
    try:
        canonical(unit)
    except UnitError:
        return False
    return True


@lru_cache(maxsize=4096)
def factor(from_unit: str, to_unit: str, cross_factor: float | None = None) -> float:
    """Multiplier turning an amount in ``from_unit`` into ``to_unit``.

    Inside one dimension the factor is exact. Across dimensions ``cross_factor`` (units of
    ``to_unit`` per unit of ``from_unit``, as the user gave it) is required; without it a
    :class:`UnitError` is raised. A cross factor is ignored when the dimensions agree.
    """
    a, b = canonical(from_unit), canonical(to_unit)
    da, db = _UNIT_DIMENSION[a], _UNIT_DIMENSION[b]
    if da == db:
        return float(_DIMENSIONS[da][a] / _DIMENSIONS[db][b])
    if cross_factor is None:
        raise UnitError(
            f"cannot convert {from_unit!r} ({da}) to {to_unit!r} ({db}) without a conversion "
            f"factor; give one (units of {to_unit} per {from_unit})"
        )
    return float(cross_factor)


def convert(amount: float, from_unit: str, to_unit: str, cross_factor: float | None = None) -> float:
    return amount * factor(from_unit, to_unit, cross_factor)
