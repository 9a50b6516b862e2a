"""Confidential sites never leak from a report for the park or the public (issue #12, point 3),
and `ecolca export-shared` writes a scenario that reproduces the park totals."""

from __future__ import annotations

import bisect
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
from ecolca import lca
from ecolca.core.model import ATTRIBUTION_KEYS
from ecolca.report import render

# one site per bundled example, each with exchanges in both directions where the park has them
CONF = {"gypsum-ash": "power", "kalundborg": "asnaes", "kawasaki": "jfe",
        "phoenix": "wwtp-91st"}
MARK = re.compile(r"ZQ\d+Q")


def _marked(name: str):
    """The example with the confidential site's flow names tagged by unique markers, so that any
    path by which a flow name reaches the file is caught (a real flow name such as "hard coal"
    is also the name of a background process, which a report may legitimately name)."""
    sc = examples.load(name)
    site = sc.site(CONF[name])
    for i, f in enumerate(site.flows):
        f.name = f"{f.name} ZQ{i}Q"
    return sc


@pytest.fixture(scope="module")
def runs(_bw_project_built):
    """One comparison per example (confidentiality changes no figure: the flag is set after)."""
    out = {}
    for name in CONF:
        sc = _marked(name)
        out[name] = (sc, lca.compare(sc, project=PROJECT))
    return out


def _with_conf(sc, *ids):
    sc = copy.deepcopy(sc)
    for i in ids:
        sc.site(i).confidential = True
    return sc


def _parts(data: bytes) -> dict[str, str]:
    """Every part of the xlsx package as text (cells, shared strings, sheet names in
    workbook.xml, chart XML, defined names, comments, docProps), XML entities decoded."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: html.unescape(z.read(n).decode("utf-8", "replace")) for n in z.namelist()}


_NUM = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _numbers(parts: dict[str, str]) -> list[float]:
    """Every number written in the package, except in the theme and the styles (the same fixed
    template in every workbook: colour modulations, font sizes, no data)."""
    vals = set()
    for name, text in parts.items():
        if name.startswith("xl/theme/") or name == "xl/styles.xml":
            continue
        for m in _NUM.finditer(text):
            try:
                vals.add(float(m.group().replace(",", "")))
            except ValueError:
                pass
    return sorted(vals)


def _near(sorted_vals: list[float], x: float, rel: float = 1e-6) -> bool:
    tol = rel * abs(x)
    i = bisect.bisect_left(sorted_vals, x - tol)
    return i < len(sorted_vals) and sorted_vals[i] <= x + tol


def _secret_numbers(sc, res, site_id: str) -> list[float]:
    """The confidential site's own figures: L, S and Δ under every key and method, its costs, and
    every flow amount (as declared, and in the report's units: products as the report writes
    them, mass flows in tonnes as the Disclosure sheet writes them), compared by magnitude (a
    sign does not hide a figure). Left out only:

    - zeros and whole numbers up to 100 (they occur everywhere);
    - the park totals (Impacts, Inventory), which a report must show; they equal the site's
      figure where it is the only contributor (e.g. the only supplier, under the supplier key);
    - the named sites' own declared flow amounts (Input flows), which a report must show; one
      equals a confidential amount when an exchange replaces the whole of it, but the report no
      longer says how much is exchanged (q, r and the partner's S are withheld)."""
    public = sorted(abs(x) for r in res.impacts for x in (r.linear, r.symbiotic, r.delta)
                    if x == x)
    public += [abs(x) for i in res.inventory for x in (i.linear, i.symbiotic, i.delta)]
    public += [abs(f.amount) for s in sc.sites if s.id != site_id for f in s.flows]
    public.sort()
    st = res.sites
    i = st.site_ids.index(site_id)
    secret = st.linear[i].tolist()
    for k in st.keys:
        secret += st.symbiotic[k][i].tolist()
        secret += (st.symbiotic[k][i] - st.linear[i]).tolist()
    for e in res.economics:
        if e.site_id == site_id:
            secret += [e.linear_cost, e.symbiotic_cost, e.delta]
    secret += _flow_amounts(sc, site_id)
    return [abs(x) for x in secret
            if x == x and abs(x) > 1e-6 and not (float(x).is_integer() and abs(x) <= 100)
            and not _near(public, abs(x))]


def _flow_amounts(sc, site_id: str) -> list[float]:
    """Every flow amount of the site as declared and in the units a report writes it."""
    from ecolca.core import units
    from ecolca.report.common import product_amount

    out = []
    for f in sc.site(site_id).flows:
        out.append(f.amount)
        shown = product_amount(f.amount, f.unit)[0] if f.kind == "product" else f.amount
        if isinstance(shown, float):
            out.append(shown)
        try:
            out.append(units.convert(f.amount, f.unit, "t"))
        except Exception:  # not a mass
            pass
    return out


@pytest.fixture(scope="module")
def reports(runs):
    """The internal and park reports of every example with its one site confidential, written
    once for the tests below."""
    out = {}
    for name, (sc0, res) in runs.items():
        sc = _with_conf(sc0, CONF[name])
        out[name] = (sc, res, render(res, sc, "internal"), render(res, sc, "park"))
    return out


@pytest.mark.parametrize("name", list(CONF))
def test_park_report_never_names_or_figures_the_confidential_site(reports, name):
    sc, res, internal_b, park_b = reports[name]
    sid = CONF[name]
    site = sc.site(sid)
    internal, park = _parts(internal_b), _parts(park_b)
    text_in, text_park = "\n".join(internal.values()), "\n".join(park.values())
    # the detector sees them in the internal report ...
    assert site.name in text_in and MARK.search(text_in)
    secret = _secret_numbers(sc, res, sid)
    nums_in, nums_park = _numbers(internal), _numbers(park)
    assert secret and any(_near(nums_in, x) for x in secret)
    assert any(_near(nums_in, abs(x)) for x in _flow_amounts(sc, sid) if abs(x) > 100)
    # ... and nowhere in any part of the park report
    for part, text in park.items():
        assert site.name not in text, f"{name}: site name in {part}"
        assert not MARK.search(text), f"{name}: a flow name of the site in {part}: " \
            + MARK.search(text).group()
        if site.description:
            assert site.description not in text, f"{name}: site description in {part}"
        if len(sid) >= 4 and sid not in confidential._GENERIC:
            assert not re.search(rf"(?<![\w-]){re.escape(sid)}(?![\w-])", text), \
                f"{name}: site id in {part}"
    leaked = [x for x in secret if _near(nums_park, x)]
    assert not leaked, f"{name}: per-site numbers or flow amounts of the confidential site: " \
        f"{leaked[:5]}"
    # a single confidential site: its aggregate is suppressed with one more site, and the
    # report says why
    assert confidential.suppression_reason(1) in text_park
    assert confidential.complement_reason("site") in text_park
    assert "Confidentiality" in park["xl/workbook.xml"]


def _rows(data: bytes, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def _num(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _sum(xs) -> float:
    """The sum of the figures shown (an empty cell is a figure not shown)."""
    return sum(x for x in xs if _num(x))


def _differs(derived: float, secret: float) -> bool:
    """True when ``derived`` does not give ``secret`` (to 1e-9 relative)."""
    return abs(derived - secret) > 1e-9 * max(abs(secret), abs(derived))


def _heading(r, labels) -> str | None:
    """The method whose block a subheading row opens ("<method label> [unit/year]")."""
    if r and isinstance(r[0], str) and all(x is None for x in r[1:]):
        return next((lab for lab in labels if r[0].startswith(f"{lab} [")), None)
    return None


@pytest.mark.parametrize("name", list(CONF))
def test_no_confidential_figure_by_subtraction(reports, name):
    """Complementary suppression: in the park report, for every method and key, the park total
    minus the sum of the per-site figures shown (Sites, all keys; Sites; Economics) is not the
    confidential site's figure, and no figure shown is; the same for the exchanges (the Σ row
    minus the rows shown is not a part of Δ_e of an exchange with the confidential site)."""
    from ecolca.lca.results import method_label

    sc, res, _, park = reports[name]
    sid = CONF[name]
    st = res.sites
    i = st.site_ids.index(sid)
    m = confidential.mask(res, sc, "park")
    hidden = m.results.metadata["audience"]["suppressed_sites"]
    assert len(hidden) >= 2 and hidden[0]["id"] == confidential.OTHER_SITES_ID
    labels = {method_label(r.method): r for r in res.impacts if r.covered}
    checked = 0
    # Sites, all keys: L and Δ under every key, one block per method
    rows = _rows(park, "Sites, all keys")
    head = next(r for r in rows if r and r[0] == "Site id")
    keys = [c.split("key ", 1)[1].split(" [")[0] for c in head[4:] if c]
    assert set(keys) == set(st.keys)
    block, shown = None, {}
    for r in rows[rows.index(head) + 1:]:
        lab = _heading(r, labels)
        if lab:
            block = lab
            shown[block] = []
        elif block and r and _num(r[3]):
            shown[block].append(r)
    assert shown
    for lab, rs in shown.items():
        imp = labels[lab]
        j = st.methods.index(imp.method)
        all_shown = [x for r in rs for x in r[3:4 + len(keys)] if _num(x)]
        secret = st.linear[i, j]
        if secret and _differs(imp.linear, secret):   # 0, or the only contributor: skipped
            assert _differs(imp.linear - _sum(r[3] for r in rs), secret), f"{name} {lab}: L"
            checked += 1
        assert all(_differs(x, secret) for x in all_shown if secret)
        for c, k in enumerate(keys):
            secret = st.symbiotic[k][i, j] - st.linear[i, j]
            # 0: fixed by the key's definition (a supplier under 'receiver'); the park's Δ: the
            # confidential site is the only one with a Δ under this key (the report says so)
            if secret and _differs(imp.delta, secret):
                assert _differs(imp.delta - _sum(r[4 + c] for r in rs), secret), \
                    f"{name} {lab} key {k}: Δ by subtraction"
                assert all(_differs(x, secret) for x in all_shown)
                checked += 1
    # Sites: L and S under the scenario's key
    rows = _rows(park, "Sites")
    key = res.attribution_key
    for lab, imp in labels.items():
        rs = [r for r in rows if r and r[0] == key and r[1] == lab and _num(r[5])]
        if not rs:  # every named site pooled with the confidential one: nothing to subtract
            pooled = {h.get("id") for h in hidden} | {h.get("name") for h in hidden}
            assert all(s.id in pooled or s.name in pooled for s in sc.sites if s.id != sid), \
                f"{name} {lab}: no site shown, yet not every site is pooled"
            continue
        j = st.methods.index(imp.method)
        for col, total, secret in ((5, imp.linear, st.linear[i, j]),
                                   (6, imp.symbiotic, st.symbiotic[key][i, j])):
            if secret and _differs(total, secret):
                assert _differs(total - _sum(r[col] for r in rs), secret), f"{name} {lab}: Sites"
                checked += 1
    # Economics: the total minus the costs shown
    conf = next(e for e in res.economics if e.site_id == sid)
    if res.prices_given and not conf.missing_prices:
        rows = _rows(park, "Economics")
        total = next(r for r in rows if r and r[0] == "Total")
        rs = [r for r in rows if r and _num(r[2]) and r[0] != "Total"]
        for col, secret in ((2, conf.linear_cost), (3, conf.symbiotic_cost), (4, conf.delta)):
            if secret:
                assert _differs(total[col] - sum(r[col] for r in rs), secret), \
                    f"{name}: cost by subtraction"
                assert all(_differs(r[col], secret) for r in rs)
                checked += 1
    # Exchanges: the Σ row minus the rows shown, per part and method
    t = res.exchanges
    touching = [e.id for e in sc.exchanges if sid in (e.from_site, e.to_site)]
    if len(touching) == 1:
        ti = t.ids.index(touching[0])
        rows = _rows(park, "Exchanges")
        block, rs = None, []
        for r in rows:
            lab = _heading(r, labels)
            if lab:
                block, rs = lab, []
            elif block and r and r[0] == "Σ":
                j = t.methods.index(labels[block].method)
                # (Σ, name, Unit, the four parts, Δ_e): the Unit column of the number policy
                assert all(x is None for x in r[3:7]), "Σ parts with a confidential partner"
                secret = t.totals()[ti, j]
                if secret and _differs(r[7], secret):
                    assert _differs(r[7] - _sum(x[7] for x in rs), secret), \
                        f"{name} {block}: Δ_e of the exchange by subtraction"
                    assert all(_differs(x[7], secret) for x in rs)
                    checked += 1
            elif block and r and _num(r[7]):
                rs.append(r)
    assert checked


def _sheet(data: bytes, name: str) -> list[tuple]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [tuple(r) for r in wb[name].iter_rows(values_only=True)]


def test_two_confidential_sites_aggregate_and_park_totals_stay(runs):
    """gypsum-ash with both receivers confidential: one "other sites" row with their sum, under
    every key; Impacts, Exchanges totals and the economics total as in the internal report."""
    sc0, res = runs["gypsum-ash"]
    sc = _with_conf(sc0, "plasterboard", "cement")
    internal = render(res, sc, "internal")
    park = render(res, sc, "park")
    text = "\n".join(_parts(park).values())
    for s in ("plasterboard", "cement"):
        assert sc.site(s).name not in text
    # the same figures; the coverage column counts, but does not name, the processes it
    # misses (a process only a confidential site uses says what it is: issue #19)
    assert [r[:-1] for r in _sheet(internal, "Impacts")] == \
        [r[:-1] for r in _sheet(park, "Impacts")]
    m = confidential.mask(res, sc, "park")
    assert m.suppressed is None and m.confidential == 2
    st = res.sites
    idx = [st.site_ids.index("plasterboard"), st.site_ids.index("cement")]
    other = m.results.sites.site_ids.index(confidential.OTHER_SITES_ID)
    np.testing.assert_allclose(m.results.sites.linear[other], st.linear[idx].sum(axis=0))
    for k in ATTRIBUTION_KEYS:
        np.testing.assert_allclose(m.results.sites.symbiotic[k][other],
                                   st.symbiotic[k][idx].sum(axis=0))
        # Σ sites under any key is still the park's S
        np.testing.assert_allclose(m.results.sites.symbiotic[k].sum(axis=0),
                                   [r.symbiotic for r in res.impacts], rtol=1e-9)
    assert m.results.total_cost_linear == pytest.approx(res.total_cost_linear)
    assert m.results.total_cost_symbiotic == pytest.approx(res.total_cost_symbiotic)
    rows = _sheet(park, "Sites")
    assert any(confidential.OTHER_SITES_NAME in r for r in rows)


def test_public_withholds_exchange_money_and_masks_free_text(runs):
    sc0, res = runs["kalundborg"]
    sc = _with_conf(sc0, "gyproc")
    m = confidential.mask(res, sc, "public")
    touching = [e for e in m.scenario.exchanges if confidential.PLACEHOLDER_ID in
                (e.from_site, e.to_site)]
    assert touching and all(e.economics.price != e.economics.price for e in touching)  # NaN
    assert all(e.description == confidential.WITHHELD for e in touching)
    # free text (which names Gyproc) is withheld, not word-masked: a word list cannot find what
    # identifies a site (issue #19); the Confidentiality notes say what was withheld
    assert all("Gyproc" not in x for x in [m.scenario.description, *m.scenario.sources,
                                          *m.scenario.assumptions])
    assert m.scenario.description == confidential.TEXT_WITHHELD
    assert m.scenario.sources == [confidential.TEXT_WITHHELD]
    assert any("Free text is not shared" in n for n in m.notes)
    # internal: nothing changes
    same = confidential.mask(res, sc, "internal")
    assert same.results is res and same.scenario is sc


def test_export_shared_reproduces_park_totals(runs, tmp_path):
    """The shared file (asnaes pooled) gives the park's L, S and Δ to float32 precision, and
    names none of the confidential site's flows."""
    sc0, res = runs["kalundborg"]
    sc = _with_conf(sc0, "asnaes")
    shared, notes = confidential.export_shared(sc, "park")
    path = tmp_path / "shared.ecolca.json"
    scenario_file.save(shared, path)
    text = path.read_text(encoding="utf-8")
    assert sc.site("asnaes").name not in text and not MARK.search(text)
    assert any("Only one confidential site" in n for n in notes)
    again = scenario_file.load(path)
    res2 = lca.compare(again, project=PROJECT)
    for a, b in zip(res.impacts, res2.impacts):
        assert a.method == b.method
        for x, y in ((a.linear, b.linear), (a.symbiotic, b.symbiotic), (a.delta, b.delta)):
            assert y == pytest.approx(x, rel=2e-7 * 8, abs=1e-6 * max(1.0, abs(a.linear)))


def test_cli_audience_and_export_shared(bw_project, tmp_path, monkeypatch, capsys):
    from ecolca import cli

    monkeypatch.setenv("ECOLCA_PROJECT", PROJECT)
    sc = examples.load("phoenix")
    sc.site("wwtp-91st").confidential = True
    src = tmp_path / "p.ecolca.json"
    scenario_file.save(sc, src)
    out = tmp_path / "p.xlsx"
    assert cli.main(["run", str(src), "--report", str(out), "--audience", "public"]) == 0
    err = capsys.readouterr().err
    assert "masked in" in err   # the free text that named the site is reported
    assert sc.site("wwtp-91st").name not in "\n".join(_parts(out.read_bytes()).values())
    shared = tmp_path / "s.ecolca.json"
    assert cli.main(["export-shared", str(src), "-o", str(shared)]) == 0
    data = json.loads(shared.read_text(encoding="utf-8"))
    assert confidential.POOLED_ID in [s["id"] for s in data["sites"]]
    assert cli.main(["export-shared", str(src), "-o", str(shared)]) == 1   # exists: refused


def test_app_export_asks_the_audience_and_writes_it(runs, tmp_path, monkeypatch):
    """File ▸ Export Excel report: with a confidential site the app asks who the report is for
    (park first) and the worker writes that audience's report."""
    from types import SimpleNamespace

    from PySide6.QtWidgets import QApplication, QInputDialog

    from ecolca.app.window.running import WindowRunning
    from ecolca.app.worker import report_job

    QApplication.instance() or QApplication([])
    sc0, res = runs["gypsum-ash"]
    asked = []

    def get_item(parent, title, label, items, current, editable):
        asked.append(items)
        return items[current], True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(get_item))
    fake = SimpleNamespace(doc=SimpleNamespace(scenario=sc0))
    assert WindowRunning._ask_audience(fake) == "internal" and not asked  # none confidential
    sc = _with_conf(sc0, "power")
    fake.doc.scenario = sc
    assert WindowRunning._ask_audience(fake) == "park"
    assert asked[-1][0] == confidential.AUDIENCE_LABELS["park"]
    out = tmp_path / "app.xlsx"
    job = report_job(res, sc, out, "park")
    assert job._fn(lambda *a: None, lambda: False) == out   # the thread body, run here
    assert sc.site("power").name not in "\n".join(_parts(out.read_bytes()).values())


@pytest.mark.parametrize("name", ["kalundborg", "gypsum-ash"])
def test_cli_run_audience_masks_summary_and_json(reports, name, tmp_path, monkeypatch, capsys):
    """`ecolca run --audience park` masks the terminal summary and --json as the report: no
    name, no flow name, no per-site figure or flow amount of the confidential site; the
    suppressed rows are listed with their reason and no figure. The internal run shows them
    (the detector is not blind). The comparison is the cached one (no solve)."""
    import ecolca.lca
    from ecolca import cli

    sc, res, _, _ = reports[name]
    sid = CONF[name]
    monkeypatch.setattr(ecolca.lca, "compare", lambda *a, **k: res)
    src = tmp_path / "s.ecolca.json"
    scenario_file.save(sc, src)
    secret = _secret_numbers(sc, res, sid)
    outputs = {}
    for audience in ("internal", "park"):
        for extra in ([], ["--json"]):
            assert cli.main(["run", str(src), "--audience", audience, "--sensitivity", "all",
                             *extra]) == 0
            got = capsys.readouterr()
            outputs[(audience, bool(extra))] = got.out
            if audience == "park":
                assert "masked in the report, the summary and --json" in got.err
    site = sc.site(sid)
    assert site.name in outputs[("internal", True)]
    assert any(_near(_numbers({"j": outputs[("internal", True)]}), x) for x in secret)
    for as_json in (False, True):
        text = outputs[("park", as_json)]
        assert site.name not in text and not MARK.search(text)
        if sid not in confidential._GENERIC:
            assert not re.search(rf"(?<![\w-]){re.escape(sid)}(?![\w-])", text)
        leaked = [x for x in secret if _near(_numbers({"t": text}), x)]
        assert not leaked, f"{name} --json={as_json}: {leaked[:5]}"
    doc = json.loads(outputs[("park", True)])
    hidden = [s for s in doc["sites"] if s.get("suppressed")]
    assert hidden and all(s["linear"] is None and s["symbiotic"] is None for s in hidden)
    assert doc["metadata"]["audience"]["audience"] == "park"
    # the park totals are the internal ones
    inside = json.loads(outputs[("internal", True)])
    assert [(r["linear"], r["symbiotic"], r["delta"]) for r in doc["impacts"]] == \
        [(r["linear"], r["symbiotic"], r["delta"]) for r in inside["impacts"]]
    assert doc["economics"]["total"] == inside["economics"]["total"]


def test_masked_json_and_exchange_rows_hold_no_group_parts(reports):
    """Kalundborg with Asnæs confidential: every exchange touches it, so they are one row,
    'exchanges with confidential partners (6)', with its Δ_e and no parts (the sum of a part
    over all of them is one of Asnæs's own figures), and the Σ row gives Δ_e only."""
    sc, res, _, park = reports["kalundborg"]
    m = confidential.mask(res, sc, "park")
    t = m.results.exchanges
    assert t.ids == [confidential.PARTNERS_ID] and t.labels == [confidential.partners_name(6)]
    np.testing.assert_allclose(t.totals()[0], res.exchanges.totals().sum(axis=0), rtol=1e-12)
    assert all(np.isnan(t.parts[p]).all() for p in t.PARTS)
    rows = [r for r in _sheet(park, "Exchanges") if r and r[0] == "Σ"]
    # (Σ, name, Unit, the four parts, Δ_e): the Unit column of the number policy
    assert rows and all(r[3:7] == (None,) * 4 and r[7] is not None for r in rows)
    q = [r for r in _sheet(park, "Input exchanges") if r and str(r[0]).startswith(
        "confidential-exchange-")]
    assert len(q) == 6 and all(r[5] == "withheld" and r[7] == "withheld" for r in q)
