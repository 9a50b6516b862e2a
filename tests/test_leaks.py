"""A confidential site does not leak from what a park or public output publishes (issue #19).

Each bundled example is computed once; then, with each of its sites confidential in turn, every
output for another audience is made from that one comparison (the flag changes no figure): the
park and the public xlsx, ``ecolca run --audience … --json`` and its terminal summary (stdout and
stderr), and ``ecolca export-shared``. Two attacks, as a reader of those outputs would make them:

* **strings**: no identifying string of the site (name, id, description, sector, the names of its
  flows and products, the distinctive words of its name) appears anywhere: every part of the
  xlsx package (cells, shared strings, sheet names, charts, docProps), the JSON, the terminal
  text, the shared scenario file; nor a number equal to one of its per-site figures or flow
  amounts (park totals and named sites' own amounts excepted);
* **derivation** (:func:`adversary`): from the cells of the park report and its JSON only, plus
  the bundled ecolca-open background, the adversary rebuilds every site whose flows the Input
  sheets give in full and every exchange whose q and r they give, runs them through ecolca with
  the same background, and takes each per-site figure of the confidential site (L, S and Δ under
  every key and method, the linear and symbiotic cost) as the park total minus every other
  site's figure it knows (shown or rebuilt). None of those may come within 1e-6 (relative) of
  the confidential figure, except where the confidential site is the only site with a figure
  other than 0 (the park total is then its figure: documented, and counted in the report).
"""

from __future__ import annotations

import copy
import html
import io
import json
import re
import zipfile

import numpy as np
import openpyxl
import pytest

from conftest import PROJECT
from ecolca.park import confidential
from ecolca.core import examples, scenario_file
from ecolca.lca import compare as _compare   # before any test replaces ecolca.lca.compare
from ecolca.core.model import ActivityRef, Exchange, ExchangeEconomics, Flow, Processing, Scenario, \
    Site, Transport
from ecolca.report import render
from ecolca.lca.results import method_label

EXAMPLES = ("gypsum-ash", "kalundborg", "kawasaki", "phoenix")
CASES = [(name, s.id) for name in EXAMPLES for s in examples.load(name).sites]
MARK = re.compile(r"ZQ\d+Q")
REL = 1e-6


@pytest.fixture(scope="module")
def runs(_bw_project_built):
    """One comparison per example; the confidential site's flow names carry markers (ZQnQ) per
    case, set after the run (a flow name changes no figure)."""
    return {name: (examples.load(name), _compare(examples.load(name), project=PROJECT))
            for name in EXAMPLES}


def _case(runs, name: str, sid: str):
    sc0, res = runs[name]
    sc = copy.deepcopy(sc0)
    site = sc.site(sid)
    site.confidential = True
    for i, f in enumerate(site.flows):
        f.name = f"{f.name} ZQ{i}Q"
    return sc, res


# ---- what an output publishes ------------------------------------------------------------------
def _xlsx_text(data: bytes, figures: bool = False) -> str:
    """Every part of the package as text, XML entities decoded; for ``figures``, without the
    theme and the styles (the same template in every workbook: colour modulations such as
    130000, font sizes; no data)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(html.unescape(z.read(n).decode("utf-8", "replace"))
                         for n in z.namelist()
                         if not (figures and (n.startswith("xl/theme/") or n == "xl/styles.xml")))


def _xlsx_rows(data: bytes) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb}
    finally:
        wb.close()


def _cli(sc, res, audience: str, tmp_path, monkeypatch, capsys) -> tuple[str, dict]:
    """(terminal text of `ecolca run --audience A`, stdout and stderr, the `--json` document),
    with the cached comparison (no solve)."""
    import ecolca.lca
    from ecolca import cli

    monkeypatch.setattr(ecolca.lca, "compare", lambda *a, **k: res)
    monkeypatch.setenv("ECOLCA_PROJECT", PROJECT)
    src = tmp_path / f"{audience}.ecolca.json"
    scenario_file.save(sc, src)
    assert cli.main(["run", str(src), "--audience", audience, "--sensitivity", "all"]) == 0
    got = capsys.readouterr()
    terminal = got.out + "\n" + got.err
    assert cli.main(["run", str(src), "--audience", audience, "--sensitivity", "all",
                     "--json"]) == 0
    got = capsys.readouterr()
    monkeypatch.undo()
    return terminal + "\n" + got.err, json.loads(got.out)


# ---- the string attack -------------------------------------------------------------------------
def _identifying(sc: Scenario, sid: str) -> list[str]:
    """What names the site: its name, id, description, sector (unless another site shares
    it), the markers of its flow names, the names of its products (no background process
    has them), the distinctive words of its name (:func:`confidential.name_tokens`), and the
    background processes only it uses."""
    site = sc.site(sid)
    out = [site.name]
    if len(sid) >= 3 and sid.lower() not in confidential._GENERIC:
        out.append(sid)
    if site.description:
        out.append(site.description)
    if site.sector and all(s.sector != site.sector for s in sc.sites if s.id != sid):
        out.append(site.sector)
    out += [f.name.rsplit(" ZQ", 1)[0] for f in site.flows if f.kind == "product"]
    only = copy.deepcopy(sc)
    for s in only.sites:
        s.confidential = s.id == sid
    out += confidential.name_tokens(only)
    out += _own_processes(sc, sid)
    return list(dict.fromkeys(x for x in out if x))


def _own_processes(sc: Scenario, sid: str) -> list[str]:
    """The names of the background processes that only this site buys from or sends a residue
    to (its coal, its limestone): they say what the site is."""
    import bw2data as bd

    def refs(s):
        return {r.key for f in s.flows for r in (f.activity, f.fate)
                if r is not None and f.kind in ("supply", "residue")}

    others = set().union(*(refs(s) for s in sc.sites if s.id != sid))
    others |= {t.mode.key for e in sc.exchanges for t in e.transport}
    others |= {p.activity.key for e in sc.exchanges for p in e.processing}
    bd.projects.set_current(PROJECT)
    return [bd.get_node(database=db, code=code)["name"]
            for db, code in sorted(refs(sc.site(sid)) - others)]


def _assert_no_strings(text: str, words: list[str], where: str) -> None:
    assert not MARK.search(text), f"{where}: a flow name of the site: {MARK.search(text).group()}"
    for w in words:
        m = re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text, re.IGNORECASE)
        assert m is None, f"{where}: {w!r} in …{text[max(0, m.start() - 80):m.end() + 80]}…"


_NUM = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _numbers(text: str) -> np.ndarray:
    vals = []
    for m in _NUM.finditer(text):
        try:
            vals.append(abs(float(m.group().replace(",", ""))))
        except ValueError:
            pass
    return np.unique(np.array(vals, dtype=float))


def _near(sorted_vals: np.ndarray, x: float, rel: float = REL) -> bool:
    i = np.searchsorted(sorted_vals, abs(x) * (1 - rel))
    return bool(i < len(sorted_vals) and sorted_vals[i] <= abs(x) * (1 + rel))


def _secret(sc, res, sid: str) -> dict[str, float]:
    """The site's own figures: (what, method) -> value; L, S and Δ under every key, costs."""
    t = res.sites
    i = t.site_ids.index(sid)
    out = {}
    covered = {r.method for r in res.impacts if r.covered}
    for j, m in enumerate(t.methods):
        if m not in covered:
            continue
        lab = method_label(m)
        out[("L", lab)] = t.linear[i, j]
        for k in t.keys:
            out[(f"S {k}", lab)] = t.symbiotic[k][i, j]
            out[(f"Δ {k}", lab)] = t.symbiotic[k][i, j] - t.linear[i, j]
    e = next(e for e in res.economics if e.site_id == sid)
    if res.prices_given and not e.missing_prices:
        out[("L cost", "")] = e.linear_cost
        out[("S cost", "")] = e.symbiotic_cost
        out[("Δ cost", "")] = e.delta
    return out


def _public_numbers(sc, res, sid: str) -> np.ndarray:
    """Numbers an output may show although one equals a secret: park totals, and the declared
    amounts of the named sites' own flows."""
    vals = [x for r in res.impacts for x in (r.linear, r.symbiotic, r.delta)]
    vals += [x for i in res.inventory for x in (i.linear, i.symbiotic, i.delta)]
    vals += [res.total_cost("linear") or 0, res.total_cost("symbiotic") or 0,
             res.total_cost("delta") or 0]
    vals += [f.amount for s in sc.sites if s.id != sid for f in s.flows]
    return np.unique(np.abs(np.array([v for v in vals if v == v], dtype=float)))


def _assert_no_figures(text: str, sc, res, sid: str, where: str) -> None:
    public = _public_numbers(sc, res, sid)
    secret = [v for v in _secret(sc, res, sid).values()]
    secret += [f.amount for f in sc.site(sid).flows]
    secret = [v for v in secret if v == v and abs(v) > 1e-6
              and not (float(v).is_integer() and abs(v) <= 100) and not _near(public, v)]
    nums = _numbers(text)
    leaked = [v for v in secret if _near(nums, v)]
    assert not leaked, f"{where}: figures or amounts of the confidential site: {leaked[:5]}"


# ---- the derivation attack ---------------------------------------------------------------------
def _table(rows: list[tuple], first: str) -> tuple[list[str], list[tuple]]:
    """(header, rows after it) of the table whose header row starts with ``first``."""
    i = next(k for k, r in enumerate(rows) if r and r[0] == first)
    head = [str(c) if c is not None else "" for c in rows[i]]
    return head, [r for r in rows[i + 1:] if r and any(c is not None for c in r)]


def _num(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and x == x


_PROC = re.compile(r"^(?:.*?): (?P<a>[-+\d.eE]+) (?P<u>[^/]+)/\S+ "
                   r"\((?P<db>[^:()]+):(?P<code>[^()]+)\)$")
_LEG = re.compile(r"(?:.*: )?(?P<code>[^,;]+), (?P<d>[-+\d.eE]+) km")


def _rebuild(sheets: dict[str, list[tuple]]) -> tuple[Scenario, set[str], set[str]]:
    """The scenario a reader rebuilds from the Input sheets: (scenario, sites whose every flow
    is given, sites whose every exchange is given as well)."""
    pairs = {r[0]: r[1] for r in sheets["Scenario"] if r and isinstance(r[0], str)}
    bg = pairs["Background database"]
    sc = Scenario(name="rebuilt", id="rebuilt", background_database=bg,
                  currency=pairs.get("Currency", "EUR"))
    _, srows = _table(sheets["Input sites"], "Site id")
    names = {r[1]: r[0] for r in srows}
    for r in srows:
        sc.sites.append(Site(id=r[0], name=r[1]))
    head, frows = _table(sheets["Input flows"], "Site id")
    col = {h.split(" [")[0]: k for k, h in enumerate(head)}
    complete = {s.id for s in sc.sites}
    flow_of: dict[tuple[str, str], str] = {}
    for r in frows:
        sid, fid, kind, fname, amount, unit = r[:6]
        bgtext = r[col["Background (name · database:code)"]]
        price = r[col["Price"]] if "Price" in col else None
        cf = r[col["Conversion factor"]] if "Conversion factor" in col else None
        if isinstance(amount, str) and amount.startswith("not quantified"):
            amount, unit = 1.0, "item"
        if not _num(amount) or (kind != "product" and not isinstance(bgtext, str)):
            complete.discard(sid)
            continue
        ref = None
        if isinstance(bgtext, str) and ":" in bgtext:
            db, code = bgtext.rsplit(" · ", 1)[-1].split(":", 1)
            ref = ActivityRef(db, code)
        f = Flow(id=fid, kind=kind, name=fname, amount=float(amount), unit=unit or "",
                 conversion_factor=cf if _num(cf) else None,
                 price=price if _num(price) else None)
        if kind == "residue":
            f.fate = ref
        elif kind in ("supply", "emission"):
            f.activity = ref
        sc.site(sid).flows.append(f)
        sc.site(sid)._flow_index.clear()
        flow_of[(sid, fname)] = fid
    sc.sites = [s for s in sc.sites if s.id in complete]
    sc._site_index.clear()
    exchanged = set(complete)
    _, trows = _table(sheets["Exchange terms"], "Exchange id")
    terms = {r[0]: r for r in trows}
    _, xrows = _table(sheets["Input exchanges"], "Exchange id")
    for r in xrows:
        xid, a_name, res_name, b_name, sup_name, q, _qu, ratio, _ru, legs, _km, proc = r[:12]
        a, b = names.get(a_name), names.get(b_name)
        ends = (a in complete and b in complete and (a, res_name) in flow_of
                and (b, sup_name) in flow_of)
        if not (ends and _num(q) and _num(ratio)):
            exchanged -= {a, b}
            continue
        e = Exchange(id=xid, from_site=a, from_flow=flow_of[(a, res_name)], to_site=b,
                     to_flow=flow_of[(b, sup_name)], amount=float(q),
                     substitution_ratio=float(ratio))
        legs = [_LEG.fullmatch(x) for x in ([] if legs in (None, "none")
                                            else str(legs).split("; "))]
        procs = [_PROC.match(x) for x in ([] if proc in (None, "none")
                                          else str(proc).split("; "))]
        if not all(legs) or not all(procs):    # a name with "; " or ": " in it: not parsed
            exchanged -= {a, b}
            continue
        e.transport = [Transport(ActivityRef(bg, m["code"].strip()), float(m["d"]))
                       for m in legs]
        e.processing = [Processing(ActivityRef(m["db"], m["code"]), float(m["a"]), m["u"])
                        for m in procs]
        t = terms.get(xid)
        if t is not None and all(_num(x) for x in t[1:4]):
            e.economics = ExchangeEconomics(price=t[1], transport_cost=t[2],
                                            processing_cost=t[3], transport_paid_by=t[4],
                                            processing_paid_by=t[5])
        sc.exchanges.append(e)
    return sc, complete, exchanged


def _shown(sheets: dict[str, list[tuple]], doc: dict) -> tuple[dict, dict]:
    """(park totals, per-site figures shown): (what, method label) -> value, and
    site id -> {(what, method label): value}, from the Impacts, Sites all keys and Economics
    sheets and from the JSON."""
    totals: dict = {}
    for r in doc["impacts"]:
        if r["linear"] is None:
            continue
        lab = " | ".join(r["method"])
        totals[("L", lab)] = r["linear"]
        totals[("S", lab)] = r["symbiotic"]
        totals[("Δ", lab)] = r["delta"]
    tot = doc["economics"]["total"]
    if tot["linear_cost"] is not None:
        totals[("L cost", "")] = tot["linear_cost"]
        totals[("S cost", "")] = tot["symbiotic_cost"]
        totals[("Δ cost", "")] = tot["delta"]
    shown: dict[str, dict] = {}
    head, rows = _table(sheets["Sites, all keys"], "Site id")
    keys = [h.split("key ", 1)[1].split(" [")[0] for h in head[4:] if h]
    block = None
    for r in rows:
        if isinstance(r[0], str) and all(c is None for c in r[1:]):
            block = r[0].rsplit(" [", 1)[0]
            continue
        d = shown.setdefault(r[0], {})
        if _num(r[3]):
            d[("L", block)] = r[3]
        for c, k in enumerate(keys):
            if _num(r[4 + c]):
                d[(f"Δ {k}", block)] = r[4 + c]
    labels = [" | ".join(m["method"]) for m in doc["methods"]]
    for s in doc["sites"]:   # per method: linear, and symbiotic per key
        d = shown.setdefault(s["site"], {})
        for j, lab in enumerate(labels):
            lin = (s.get("linear") or [None] * len(labels))[j]
            if lin is None:
                continue
            d.setdefault(("L", lab), lin)
            for k, v in (s.get("symbiotic") or {}).items():
                if v[j] is not None:
                    d.setdefault((f"Δ {k}", lab), v[j] - lin)
    for e in doc["economics"]["sites"]:
        d = shown.setdefault(e["site"], {})
        if e["linear_cost"] is not None:
            d[("L cost", "")] = e["linear_cost"]
            d[("S cost", "")] = e["symbiotic_cost"]
            d[("Δ cost", "")] = e["delta"]
    return totals, shown


def adversary(xlsx: bytes, doc: dict, project: str) -> tuple[dict, set[str]]:
    """What a reader of the park report and its JSON derives of the site they hide:
    {(what, method label): value}, and the named sites it could not account for (neither shown
    nor rebuilt). ``what``: L, S <key>, Δ <key>, L cost, S cost, Δ cost."""
    sheets = _xlsx_rows(xlsx)
    totals, shown = _shown(sheets, doc)
    sc, complete, exchanged = _rebuild(sheets)
    rebuilt: dict[str, dict] = {s.id: {} for s in sc.sites}
    if sc.sites:
        methods = [tuple(r["method"]) for r in doc["impacts"] if r["linear"] is not None]
        sc.methods = methods
        res = _compare(sc, project=project)
        t = res.sites
        for i, s in enumerate(t.site_ids):
            for j, m in enumerate(t.methods):
                lab = method_label(m)
                rebuilt[s][("L", lab)] = t.linear[i, j]
                if s in exchanged:
                    for k in t.keys:
                        rebuilt[s][(f"Δ {k}", lab)] = t.symbiotic[k][i, j] - t.linear[i, j]
        for e in res.economics:
            if not e.missing_prices:
                rebuilt[e.site_id][("L cost", "")] = e.linear_cost
                if e.site_id in exchanged:
                    rebuilt[e.site_id][("S cost", "")] = e.symbiotic_cost
                    rebuilt[e.site_id][("Δ cost", "")] = e.delta
    _, srows = _table(sheets["Input sites"], "Site id")
    others = [r[0] for r in srows if r[0] != confidential.PLACEHOLDER_ID]
    keys = {w.split(" ", 1)[1] for d in [*shown.values(), *rebuilt.values()] for w, _ in d
            if w.startswith("Δ ") and w != "Δ cost"} | {"physical"}
    derived: dict = {}
    unknown: set[str] = set()
    for what, lab in list(totals):
        if what == "S":
            continue
        for k in (sorted(keys) if what == "Δ" else [None]):
            name = f"Δ {k}" if k else what
            rest = 0.0
            for s in others:
                v = shown.get(s, {}).get((name, lab), rebuilt.get(s, {}).get((name, lab)))
                if v is None:
                    unknown.add(s)
                    continue
                rest += v
            derived[(name, lab)] = totals[(what, lab)] - rest
            if k:
                lin = derived.get(("L", lab))
                if lin is not None:
                    derived[(f"S {k}", lab)] = lin + derived[(name, lab)]
    return derived, unknown


# ---- the tests ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name,sid", CASES)
def test_no_output_names_or_gives_the_confidential_site(runs, name, sid, tmp_path,
                                                        monkeypatch, capsys):
    sc, res = _case(runs, name, sid)
    words = _identifying(sc, sid)
    outputs: dict[str, str] = {}
    figures: dict[str, str] = {}
    for audience in ("park", "public"):
        xlsx = render(res, sc, audience)
        outputs[f"{audience} xlsx"] = _xlsx_text(xlsx)
        figures[f"{audience} xlsx"] = _xlsx_text(xlsx, figures=True)
        terminal, doc = _cli(sc, res, audience, tmp_path, monkeypatch, capsys)
        outputs[f"{audience} terminal"] = terminal
        outputs[f"{audience} --json"] = json.dumps(doc, ensure_ascii=False)
        shared, notes = confidential.export_shared(sc, audience)
        path = tmp_path / f"shared-{audience}.ecolca.json"
        scenario_file.save(shared, path)
        outputs[f"{audience} export-shared"] = path.read_text(encoding="utf-8") + "\n" + \
            "\n".join(notes)
    # the detector is not blind: the internal report has them
    internal = _xlsx_text(render(res, sc, "internal"))
    assert sc.site(sid).name in internal and MARK.search(internal)
    for where, text in outputs.items():
        _assert_no_strings(text, words, f"{name}, {sid} confidential, {where}")
        if "export-shared" not in where:   # the shared file holds the site's pooled amounts
            _assert_no_figures(figures.get(where, text), sc, res, sid,
                               f"{name}, {sid} confidential, {where}")
    # a machine path (with the user's name) is no part of a shared output (issue #19, point 3)
    assert "brightway_dir" not in doc["metadata"]


@pytest.mark.parametrize("name,sid", CASES)
def test_no_confidential_figure_can_be_derived_from_the_park_report(runs, name, sid):
    """The adversary, from the park report's cells and its JSON plus the bundled background,
    recomputes no per-site figure of the confidential site (issue #19: gypsum-ash with the
    power station confidential gave its L in all 8 covered methods to 7e-14 and its linear
    cost exactly, by rebuilding the site pooled with it from Input flows)."""
    sc, res = _case(runs, name, sid)
    xlsx = render(res, sc, "park")
    doc = json.loads(json.dumps(confidential.mask(res, sc, "park").results.to_json_dict(
        sensitivity_rows=None), default=str))
    derived, unknown = adversary(xlsx, doc, PROJECT)
    secret = _secret(sc, res, sid)
    totals = {("L", lab): r.linear for r in res.impacts for lab in [method_label(r.method)]}
    totals.update({(w, lab): r.delta for r in res.impacts for lab in [method_label(r.method)]
                   for w in [f"Δ {k}" for k in res.sites.keys]})
    totals.update({(w, lab): r.symbiotic for r in res.impacts
                   for lab in [method_label(r.method)] for w in [f"S {k}" for k in res.sites.keys]})
    totals[("L cost", "")] = res.total_cost("linear")
    totals[("S cost", "")] = res.total_cost("symbiotic")
    totals[("Δ cost", "")] = res.total_cost("delta")
    found, checked = [], []
    sole = 0
    for key, v in secret.items():
        if abs(v) < 1e-12 or key not in derived:
            continue
        t = totals.get(key)
        if t is not None and abs(t - v) <= 1e-9 * abs(v):
            sole += 1     # the only site with a figure: the park total is its figure
            continue
        d = derived[key]
        checked.append(abs(d - v) / abs(v))
        if abs(d - v) <= REL * abs(v):
            found.append((key, v, d))
    assert checked, f"{name}, {sid}: no figure of the site was attacked"
    assert not found, f"{name}, {sid} confidential: derived from the park report " \
        f"({len(found)} figures), e.g. {found[:3]}"


def test_cleared_text_is_shown_and_still_masked(runs, tmp_path):
    """Free text is withheld unless the author clears it for the audience (``cleared_text`` in
    the scenario file); cleared text still has a confidential name masked. A bad entry is
    refused naming the field."""
    sc, res = _case(runs, "kalundborg", "asnaes")
    name = sc.name
    assert confidential.mask(res, sc, "park").scenario.name != name   # withheld by default
    sc.cleared_text = {"park": ["name", "flow names"]}
    path = tmp_path / "c.ecolca.json"
    scenario_file.save(sc, path)
    again = scenario_file.load(path)
    assert again.cleared_text == {"park": ["name", "flow names"]}
    m = confidential.mask(res, again, "park")
    assert m.scenario.name == name
    heat = m.scenario.site("municipality").flows[0].name   # "district heat … from Asnæs …"
    assert "Asnæs" not in heat and confidential.MASK in heat
    assert confidential.mask(res, again, "public").scenario.name != name   # park only
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["cleared_text"] = {"park": ["site names"], "internal": []}
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(Exception) as err:
        scenario_file.load(path)
    assert "cleared_text.park[0]" in str(err.value) and "cleared_text.internal" in str(err.value)
