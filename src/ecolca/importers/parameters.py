"""Parameters and formulas of an imported database, evaluated once at import (bw2io's parameter
route without writing parameters into the user's project).

Brightway evaluates parameters in three scopes: project parameters, database parameters (which
may use project ones) and activity parameters in named groups (which may use both); an exchange's
``formula`` is evaluated with its activity's group. bw2io's Excel importer reads them but leaves
the exchanges' ``amount`` as written in the sheet (often 0) until ``recalculate`` runs on
parameters stored in the project. Here the same evaluation is done with ``bw2parameters`` (what
bw2data uses) and the values are written as amounts; a formula that cannot be evaluated refuses
the file with the name of the parameter or exchange and of the missing name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from ecolca.importers.common import ImportError_


# names a formula may use besides the file's parameters: arithmetic only. asteval (what
# bw2parameters uses) also offers open(), print() and more: a workbook's formula must not read a
# local file into an amount or a message.
SAFE_NAMES = frozenset({
    "abs", "min", "max", "round", "pow", "sqrt", "exp", "log", "log10", "log2", "pi", "e",
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "floor", "ceil", "int", "float", "True",
    "False", "None", "sum", "inf",
})


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _check_names(formula: str, allowed: set[str], what: str, source: str) -> None:
    """Refuse a formula that does not parse or uses a name that is neither a parameter nor
    arithmetic."""
    from bw2parameters import Interpreter

    try:
        names = Interpreter().get_symbols(str(formula))
    except Exception:  # noqa: BLE001 - MissingName on a syntax error
        raise ImportError_(f"'{source}': {what}: formula '{formula}' is not a formula (syntax "
                           "error)") from None
    unknown = sorted(set(names) - allowed - SAFE_NAMES)
    if unknown:
        raise ImportError_(f"'{source}': {what}: formula '{formula}' uses "
                           f"{', '.join(unknown)}, which no parameter of the file defines (and "
                           "which is not arithmetic)")


def _as_dict(params: Iterable[dict], where: str, source: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for p in params or ():
        name = str(p.get("name", "")).strip()
        if not name:
            raise ImportError_(f"'{source}': a {where} parameter has no name")
        if name in out:
            raise ImportError_(f"'{source}': {where} parameter '{name}' is defined twice")
        d = {k: p[k] for k in ("amount", "formula") if p.get(k) not in (None, "")}
        if isinstance(d.get("amount"), bool) or ("amount" in d and not isinstance(
                d["amount"], (int, float))):
            if "formula" not in d:
                raise ImportError_(f"'{source}': {where} parameter '{name}': amount "
                                   f"{p.get('amount')!r} is not a number")
            d.pop("amount")
        out[name] = d
    return out


def _evaluate_set(params: dict[str, dict], known: dict[str, float], where: str,
                  source: str) -> dict[str, float]:
    from bw2parameters import Interpreter, ParameterSet

    if not params:
        return {}
    interp = Interpreter()
    for name, p in params.items():
        if "formula" not in p and "amount" not in p:
            raise ImportError_(f"'{source}': {where} parameter '{name}' has neither an amount "
                               "nor a formula")
        if "formula" in p:
            _check_names(p["formula"], set(params) | set(known), f"{where} parameter '{name}'",
                         source)
    try:
        values = ParameterSet(params, dict(known), interpreter=interp).evaluate()
    except Exception as exc:  # noqa: BLE001 - bw2parameters raises several kinds
        first = str(exc).strip().splitlines()[-1] if str(exc).strip() else ""
        raise ImportError_(f"'{source}': {where} parameters ({', '.join(sorted(params))}) "
                           f"cannot be evaluated ({type(exc).__name__}: {first[:120]})") from None
    for name, v in values.items():
        if name in params and not _finite(v):
            raise ImportError_(f"'{source}': {where} parameter '{name}' evaluates to "
                               f"{_short(v)}, not a finite number")
    return {k: float(v) for k, v in values.items() if k in params}


def _finite(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def evaluate(datasets: list[dict], project_params: Iterable[dict] | None,
             database_params: Iterable[dict] | None, source: str) -> dict:
    """Evaluate every parameter and exchange formula of ``datasets`` (bw2io's dicts) in place:
    each exchange with a ``formula`` gets the value as its ``amount``, each activity parameter
    its value. Returns ``{"project": {...}, "database": {...}, "activity": {group: {...}},
    "formulas": n}``, the values used. Raises :class:`ImportError_` naming what cannot be
    evaluated."""
    from bw2parameters import Interpreter

    proj = _evaluate_set(_as_dict(project_params, "project", source), {}, "project", source)
    db = _evaluate_set(_as_dict(database_params, "database", source), proj, "database", source)
    known = {**proj, **db}
    groups: dict[str, list[dict]] = {}
    for ds in datasets:
        for p in ds.get("parameters") or ():
            groups.setdefault(str(p.get("group") or ds.get("code")), []).append(p)
    act: dict[str, dict[str, float]] = {}
    for group, plist in groups.items():
        act[group] = _evaluate_set(_as_dict(plist, f"activity (group '{group}')", source),
                                   known, f"activity (group '{group}')", source)
        for p in plist:
            p["amount"] = act[group][str(p["name"]).strip()]
    formulas = 0
    for ds in datasets:
        group = next((str(p.get("group") or ds.get("code")) for p in ds.get("parameters") or ()),
                     None)
        scope = {**known, **act.get(group, {})}
        for e in ds.get("exchanges", []):
            formula = e.get("formula")
            if formula in (None, ""):
                continue
            what = (f"exchange '{e.get('name', '?')}' ({e.get('type', '?')}) of activity "
                    f"'{ds.get('name', '?')}'")
            _check_names(formula, set(scope), what, source)
            interp = Interpreter()
            interp.add_symbols(scope)
            try:
                value = interp(str(formula))
                failed = bool(interp.error)
            except Exception as exc:  # noqa: BLE001 - asteval re-raises some errors
                value, failed = exc, True
            if failed or not _finite(value):
                msg = (str(value).strip().splitlines() or [""])[-1][:120] if failed else \
                    f"gives {_short(value)}, not a finite number"
                if interp.error:
                    msg = str(interp.error[0].get_error()[1]).strip().splitlines()[-1][:120]
                raise ImportError_(f"'{source}': {what}: formula '{formula}' cannot be "
                                   f"evaluated ({msg})")
            e["amount"] = float(value)
            formulas += 1
            if e.get("type") == "production" and "production amount" in ds:
                ds["production amount"] = float(value)
    return {"project": proj, "database": db, "activity": act, "formulas": formulas}
