"""Short names of exchanges for the app's tables, charts, undo steps and problems."""

from __future__ import annotations

__all__ = ["exchange_labels", "exchange_label", "short_from_label"]

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
    if _LAST[0] == sig:
        return dict(_LAST[1])
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
