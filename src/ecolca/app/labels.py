"""Short names of exchanges for the app's tables, charts, undo steps and problems."""

from __future__ import annotations

__all__ = ["exchange_labels", "exchange_label", "short_from_label"]


def exchange_labels(scenario) -> dict[str, str]:
    """A short name for each exchange of ``scenario``: "residue → receiving site" (e.g. "fly ash →
    Cement plant"), what tells two exchanges apart at a glance; the supply it replaces, then the
    id, are added only where two would read the same."""
    def short(e, level: int) -> str:
        a, b = scenario.site(e.from_site), scenario.site(e.to_site)
        fa = a.flow(e.from_flow) if a else None
        fb = b.flow(e.to_flow) if b else None
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
        counts: dict[str, int] = {}
        for e in scenario.exchanges:
            counts[short(e, level)] = counts.get(short(e, level), 0) + 1
        for e in todo:
            text = short(e, level)
            if counts[text] == 1 or level == 2:
                out[e.id] = text
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
