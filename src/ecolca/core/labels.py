"""Short names of exchanges for the app's tables, charts, undo steps and problems, and the
readable names of the fields and parameters the engine and validation report by their keys
("exchange 'ex-39f48f9a': substitution_ratio" reads "exchange fly ash → Cement plant,
substitution ratio"). The report and the CLI use them with the long labels (:func:`long_labels`,
"Power plant: fly ash → Cement plant: clinker"). No Qt: the app, the report and the CLI share
them, so that no generated id reaches a reader where a name exists (issue #20.6)."""

from __future__ import annotations

import re

__all__ = ["exchange_labels", "exchange_label", "long_labels", "short_from_label", "field_name",
           "item_name", "parameter_name", "delta_note"]

# the labels of the last scenario asked for, under what they are made of (see _signature)
_LAST: list = [None, None]


def _signature(scenario) -> tuple:
    """What the labels depend on: each exchange's ends, the sites' names and their flows'
    names. Cheap (no lookups), so a cached answer is checked, never trusted blindly."""
    return (tuple((e.id, e.from_site, e.from_flow, e.to_site, e.to_flow)
                  for e in scenario.exchanges),
            tuple((s.id, s.name, tuple((f.id, f.name) for f in s.flows))
                  for s in scenario.sites))


def exchange_labels(scenario) -> dict[str, str]:
    """A short name for each exchange of ``scenario``: "residue → receiving site" (e.g. "fly ash →
    Cement plant"), what tells two exchanges apart at a glance; the supply it replaces, then the
    id, are added only where two would read the same."""
    sig = _signature(scenario)
    last = _LAST[:]  # one read: a run's worker thread asks too (window/running.py)
    if last[0] == sig:
        return dict(last[1])
    sites = {}
    for s in scenario.sites:  # the first of a repeated id, as Scenario.site finds it
        sites.setdefault(s.id, s)
    flows = {}  # the first flow of an id in the first site of an id, as Site.flow finds it
    for s in sites.values():
        for f in s.flows:
            flows.setdefault((s.id, f.id), f)

    def short(e, level: int) -> str:
        b = sites.get(e.to_site)
        fa = flows.get((e.from_site, e.from_flow))
        fb = flows.get((e.to_site, e.to_flow))
        text = f"{fa.name if fa else e.from_flow} → {b.name if b else e.to_site}"
        if level >= 1:
            text += f": {fb.name if fb else e.to_flow}"
        if level >= 2:
            text += f" [{e.id}]"
        return text

    out: dict[str, str] = {}
    for level in range(3):
        todo = [e for e in scenario.exchanges if e.id not in out]
        if not todo:
            break
        texts = {id(e): short(e, level) for e in scenario.exchanges}
        counts: dict[str, int] = {}
        for t in texts.values():
            counts[t] = counts.get(t, 0) + 1
        for e in todo:
            text = texts[id(e)]
            if counts[text] == 1 or level == 2:
                out[e.id] = text
    _LAST[:] = [sig, dict(out)]
    return out


def long_labels(scenario) -> dict[str, str]:
    """Each exchange of ``scenario`` as the report and the CLI name it, "supplying site: residue →
    receiving site: supply" (:meth:`ecolca.core.model.Scenario.exchange_label`)."""
    return {e.id: scenario.exchange_label(e) for e in scenario.exchanges}


def short_from_label(label: str) -> str:
    """"Site A: residue → Site B: supply" read back as "residue → Site B" (for results that came
    without the scenario's labels)."""
    left, sep, right = label.rpartition(" → ")
    if not sep:
        return label
    residue = left.split(": ", 1)[-1]
    receiver = right.rsplit(": ", 1)[0]
    return f"{residue} → {receiver}"


def exchange_label(scenario, exchange_id: str) -> str:
    """The short name of one exchange of ``scenario`` (its id when it has none)."""
    return exchange_labels(scenario).get(exchange_id, exchange_id)


_INDEXED = re.compile(r"(\w+)\[(\d+)\]")
_PARTS = {"transport": "transport leg", "processing": "processing step", "from": "from",
          "to": "to", "economics": "economics"}


def field_name(field: str) -> str:
    """A field's key as a person reads it: "substitution_ratio" → "substitution ratio",
    "transport[1].distance_km" → "transport leg 1, distance (km)"."""
    words = []
    for part in field.split("."):
        m = _INDEXED.fullmatch(part)
        if m:
            words.append(f"{_PARTS.get(m[1], m[1].replace('_', ' '))} {m[2]}")
            continue
        if part.endswith("_km"):
            part = part[:-3] + " (km)"
        words.append(part.replace("_", " "))
    if words and words[0] in ("from", "to"):  # "from.flow": the flow it starts from
        return " ".join(words)
    return ", ".join(w for w in words if w)


def _exchange_id(item: str) -> str | None:
    """The id in an item the engine or validation wrote as "exchange 'ID'" (then, from
    validation, its ends in parentheses)."""
    if not item.startswith("exchange '"):
        return None
    rest = item[len("exchange '"):]
    end = rest.find("' (") if rest.endswith(")") else len(rest) - 1
    return rest[:end] if end > 0 and (rest.endswith(")") or rest.endswith("'")) else None


def item_name(item: str, labels: dict[str, str]) -> str:
    """``item`` with an exchange named by ``labels`` (id → short name, :func:`exchange_labels`)
    instead of its id; anything else unchanged."""
    eid = _exchange_id(item)
    if eid is not None and eid in labels:
        return f"exchange {labels[eid]}"
    return item


def parameter_name(item: str, field: str, labels: dict[str, str]) -> str:
    """A parameter of the results (a sensitivity row) as a person reads it."""
    return f"{item_name(item, labels)}, {field_name(field)}"


def delta_note(impact, labels: dict[str, str]) -> str | None:
    """``impact.delta_note`` (why Δ is not a plain result) with the exchanges it lists named by
    ``labels`` instead of their ids."""
    if not impact.one_sided:
        return impact.delta_note
    import dataclasses

    named = [(labels.get(x, x), side) for x, side in impact.one_sided]
    return dataclasses.replace(impact, one_sided=named).delta_note
