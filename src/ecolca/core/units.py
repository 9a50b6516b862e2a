"""Units and exact conversions inside a dimension.

Conversions across dimensions (t of steam to MJ) are never guessed: the caller passes a factor the
user gave. Unit names follow Brightway/ecoinvent spelling (``kilogram``, ``megajoule``,
``ton kilometer``) with common abbreviations accepted (``kg``, ``t``, ``MWh``, ``m3``, ``tkm``).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from ecolca.core.errors import UnitError

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
        "milliliter": Fraction(1, 1_000_000),
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
    "area": {  # products such as plasterboard are declared per square metre
        "square meter": Fraction(1),
        "square kilometer": Fraction(1_000_000),
    },
    "distance": {
        "kilometer": Fraction(1),
        "meter": Fraction(1, 1000),
        "mile": Fraction(1609344, 1_000_000),
    },
}

# Symbols are case-sensitive, as SI says: "Mg" is a megagram (a tonne), "mg" a milligram, "Mt" a
# megaton. A spelling that matches a symbol only when case is ignored is accepted when it can mean
# one unit alone ("KWH", "kg" for "Kg"); otherwise it is refused with the readings named.
_SYMBOLS = {
    "kg": "kilogram",
    "g": "gram",
    "mg": "milligram",
    "Mg": "ton",  # megagram = metric tonne
    "t": "ton",
    "kt": "kiloton",
    "Gg": "kiloton",  # gigagram
    "Mt": "megaton",
    "Tg": "megaton",  # teragram
    "lb": "pound",
    "MJ": "megajoule",
    "kJ": "kilojoule",
    "GJ": "gigajoule",
    "TJ": "terajoule",
    "PJ": "petajoule",
    "kWh": "kilowatt hour",
    "MWh": "megawatt hour",
    "GWh": "gigawatt hour",
    "TWh": "terawatt hour",
    "m3": "cubic meter",
    "m2": "square meter",
    "m²": "square meter",
    "km2": "square kilometer",
    "km²": "square kilometer",
    "m³": "cubic meter",
    "L": "liter",
    "l": "liter",
    "ML": "megaliter",
    "mL": "milliliter",
    "ml": "milliliter",
    "Mm3": "million cubic meter",
    "Mm³": "million cubic meter",
    "gal": "us gallon",
    "tkm": "ton kilometer",
    "t*km": "ton kilometer",
    "t·km": "ton kilometer",
    "kgkm": "kilogram kilometer",
    "kg*km": "kilogram kilometer",
    "km": "kilometer",
    "m": "meter",
    "mi": "mile",
    "p": "item",
}

# Case-sensitive readings of SI symbols that ecolca does not take: refused by name (an "mJ" is a
# millijoule, never a megajoule). They also make a case-folded spelling ambiguous ("mj").
_OTHER_READINGS = {
    "mJ": "millijoule",
    "mWh": "milliwatt hour",
    "Wh": "watt hour",
    "Mm": "megameter",
    "mm": "millimeter",
}

# Spellings in common use that mean different units to different readers: refused, with what to
# write instead. "MT" is a metric ton in US usage and a megaton to SI.
_AMBIGUOUS = {
    "MT": ("a metric ton in US usage, or a megaton", ("t", "Mt")),
    "mt": ("a metric ton in US usage, or a megaton", ("t", "Mt")),
    "MG": ("a megagram or a milligram", ("Mg", "mg")),
    "Ml": ("a megaliter or a milliliter", ("ML", "mL")),
    "T": ("a tonne, or the SI symbol of tesla", ("t",)),
    "M": ("a meter, or the SI prefix mega", ("m",)),
}

# full words and spellings, read without regard to case
_WORDS = {
    "tonne": "ton",
    "tonnes": "ton",
    "metric ton": "ton",
    "metric tonne": "ton",
    "megagram": "ton",
    "cubic metre": "cubic meter",
    "square metre": "square meter",
    "litre": "liter",
    "megalitre": "megaliter",
    "tonne kilometer": "ton kilometer",
    "tonne kilometre": "ton kilometer",
    "ton kilometre": "ton kilometer",
    "items": "item",
    "piece": "item",
    "pieces": "item",
    "kilometre": "kilometer",
    "metre": "meter",
}

_UNIT_DIMENSION = {u: d for d, units in _DIMENSIONS.items() for u in units}


@lru_cache(maxsize=1024)
def canonical(unit: str) -> str:
    """Return the canonical spelling of ``unit``; raise :class:`UnitError` if it is unknown or
    ambiguous (the message names the readings)."""
    if not isinstance(unit, str) or not unit.strip():
        raise UnitError(f"unit {unit!r} is empty or not text")
    u = " ".join(unit.strip().split())
    if u in _SYMBOLS:
        return _SYMBOLS[u]
    low = u.lower()
    if low in _UNIT_DIMENSION:
        return low
    if low in _WORDS:
        return _WORDS[low]
    if u in _AMBIGUOUS:
        what, write = _AMBIGUOUS[u]
        raise UnitError(f"unit {unit!r} is ambiguous: it may be {what}; write "
                        + " or ".join(f"'{w}' ({_SYMBOLS[w]})" for w in write))
    if u in _OTHER_READINGS:
        near = sorted(s for s in _SYMBOLS if s.lower() == low)
        hint = f"; did you mean {' or '.join(repr(s) + ' (' + _SYMBOLS[s] + ')' for s in near)}?" \
            if near else ""
        raise UnitError(f"unit {unit!r} is the SI symbol of {_OTHER_READINGS[u]}, which ecolca "
                        f"does not take{hint}")
    readings = sorted({_SYMBOLS[s] for s in _SYMBOLS if s.lower() == low})
    others = sorted({_OTHER_READINGS[s] for s in _OTHER_READINGS if s.lower() == low})
    if len(readings) == 1 and not others:
        return readings[0]
    if readings or others:
        spell = [f"'{s}' ({_SYMBOLS[s]})" for s in sorted(_SYMBOLS) if s.lower() == low]
        raise UnitError(f"unit {unit!r} is ambiguous when case is ignored (it may be "
                        f"{' or '.join(readings + others)}); units are case-sensitive: write "
                        f"{' or '.join(spell) if spell else 'the full unit name'}")
    raise UnitError(f"unknown unit {unit!r}; known units: {', '.join(known_units())}")


def known_units() -> list[str]:
    return sorted(_UNIT_DIMENSION)


def dimension(unit: str) -> str:
    """The dimension (mass, energy, volume, transport, items, area, distance) of ``unit``."""
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
