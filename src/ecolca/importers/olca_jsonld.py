"""openLCA JSON-LD (olca-schema 1, the layout openLCA 1.5–1.11 exports, e.g. US LCI FY17).

bw2io 0.9.17's ``JSONLDImporter`` cannot read this layout (see ``bwcompat`` and
``tests/test_import_bwcompat.py``), so this module reads it itself and reuses bw2io where bw2io
works: its biosphere 2→3 migrations, its unit names (``normalize_units``).

How the data become a Brightway database (``docs/backgrounds.md`` says the same for a reader):

* one activity per process, with the openLCA process ``@id`` as its ``code`` (stable across
  imports: mapping tables refer to it);
* the direction of an exchange comes from ``input``; every amount is converted to the reference
  unit of the flow's reference flow property, and that unit is the exchange's unit;
* the quantitative reference is the activity's one production exchange; other product outputs
  (co-products) and waste outputs are *set aside*: not written, listed in the summary, and the
  process's whole burden stays on its reference product (no allocation);
* a product input is linked by :class:`_Providers` (``defaultProvider``, product flow, the
  project's other databases, product name and unit); an input nobody makes is refused unless
  ``--allow-unlinked``, except ``CUTOFF …`` inputs, inputs of co-products and inputs whose
  producer is in another unit, which carry zero burden as in openLCA and are counted;
* elementary flows are linked to biosphere3 by bw2io's migrations (categories and names from
  ecoinvent 2 to 3), then by name, synonym and compartment, then by top-level compartment, then
  by the reviewed mapping ``databases/mappings/fedefl--biosphere3.csv`` (:mod:`.flowmap`).
  Resources are positive when taken from nature, emissions positive when released. A flow the
  mapping lists with basis ``none`` (biosphere3 has no such flow) is kept: it links to a node of
  the companion database ``<name>-biosphere`` (:func:`companion_database`), which
  ``import_database`` writes before the database itself (``common.write_companion``).
* an exchange's openLCA ``uncertainty`` becomes stats_arrays fields, changed with the amount
  (unit factor, sign); one Brightway cannot sample is left out and counted by reason in the
  summary (:func:`uncertainty_fields`).
"""

from __future__ import annotations

import json
import math
import time
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

from ecolca.importers.common import (
    COMPANION_KEY, DISTRIBUTION_NAMES, BiosphereIndex, CancelCheck, ImportError_, ImportSummary, Progress, Unlinked,
    check_path, ensure_migrations, open_zip,
)

FORMAT = "olca-jsonld"
FOLDERS = ("processes", "flows", "flow_properties", "unit_groups", "categories", "locations")
RESOURCE_TOP = {"resource", "resources", "natural resource"}
_COMPARTMENT_WORDS = (("resource", "natural resource"), ("air", "air"), ("water", "water"),
                      ("soil", "soil"))


class _Source:
    """The JSON documents of a JSON-LD export, from a zip archive or a folder."""

    def __init__(self, path: Path):
        self.path = path
        self.archive: zipfile.ZipFile | None = None
        self.members: dict[str, list[str]] = defaultdict(list)
        if path.is_dir():
            for folder in FOLDERS:
                d = path / folder
                if d.is_dir():
                    self.members[folder] = sorted(str(p.relative_to(path)) for p in d.glob("*.json")
                                                  if p.is_file())
        else:
            if not zipfile.is_zipfile(path):
                raise ImportError_(f"'{path}' is not a zip archive (corrupt, or another format); "
                                   "olca-jsonld takes a JSON-LD zip or its unpacked folder")
            self.archive = open_zip(path)
            for name in self.archive.namelist():
                parts = name.split("/")
                if len(parts) == 2 and parts[0] in FOLDERS and parts[1].endswith(".json"):
                    self.members[parts[0]].append(name)
        if not self.members.get("processes"):
            raise ImportError_(f"'{path}': no 'processes/*.json' found; not an openLCA JSON-LD "
                               "export")

    def read(self, member: str) -> dict:
        try:
            raw = self.archive.read(member) if self.archive else (self.path / member).read_bytes()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise ImportError_(f"'{self.path}': member '{member}' cannot be read ({exc})") from None
        try:
            doc = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise ImportError_(f"'{self.path}': member '{member}' is not UTF-8 text (byte "
                               f"{exc.start}); JSON-LD files are UTF-8") from None
        except json.JSONDecodeError as exc:
            raise ImportError_(f"'{self.path}': member '{member}' is not valid JSON ({exc.msg}, "
                               f"line {exc.lineno})") from None
        if not isinstance(doc, dict):
            raise ImportError_(f"'{self.path}': member '{member}' is not a JSON object")
        return doc

    def all(self, folder: str) -> dict[str, dict]:
        out = {}
        for m in self.members.get(folder, []):
            doc = self.read(m)
            out[doc.get("@id") or m.rsplit("/", 1)[-1][:-5]] = doc
        return out

    def close(self) -> None:
        if self.archive:
            self.archive.close()


def _units(name: str) -> str:
    from bw2io.units import normalize_units

    return normalize_units(name) if name else name


def read(path: str | Path, name: str, progress: Progress | None = None,
         cancelled: CancelCheck | None = None) -> tuple[dict, ImportSummary, dict]:
    """Read a JSON-LD export into ``({(name, code): dataset}, summary, metadata)``; exchanges
    that cannot be linked are in the summary's rows, not in the data."""
    from ecolca.core.errors import Cancelled

    say = progress or (lambda m, f: None)
    stop = cancelled or (lambda: False)
    p = check_path(path, "file-or-dir", "an openLCA JSON-LD export (zip or folder)")
    t0 = time.perf_counter()
    src = _Source(p)
    summary = ImportSummary(FORMAT, str(p), name)
    try:
        say(f"Reading {p.name}", 0.02)
        unit_groups = src.all("unit_groups")
        flow_props = src.all("flow_properties")
        categories = src.all("categories")
        locations = src.all("locations")
        say("Reading flows", 0.08)
        flows = src.all("flows")
        if stop():
            raise Cancelled("import cancelled")
        say(f"Reading {len(src.members['processes']):,} processes", 0.2)
        processes = {}
        for i, m in enumerate(src.members["processes"]):
            doc = src.read(m)
            processes[doc.get("@id", m)] = (m, doc)
            if i % 200 == 0 and stop():
                raise Cancelled("import cancelled")
    finally:
        src.close()

    unit_factor: dict[str, float] = {}
    group_ref: dict[str, str] = {}
    for gid, g in unit_groups.items():
        for u in g.get("units", []):
            unit_factor[u["@id"]] = float(u.get("conversionFactor", 1.0))
            if u.get("referenceUnit"):
                group_ref[gid] = u["name"]
    prop_group = {fid: (fp.get("unitGroup") or {}).get("@id") for fid, fp in flow_props.items()}

    def cat_path(ref: dict | None) -> list[str]:
        out: list[str] = []
        seen = set()
        while ref and ref.get("@id") not in seen:
            seen.add(ref.get("@id"))
            c = categories.get(ref.get("@id"), ref)
            out.insert(0, str(c.get("name", "")).strip())
            ref = c.get("category")
        return out

    flow_info: dict[str, dict] = {}
    for fid, f in flows.items():
        factors = {fp["flowProperty"]["@id"]: float(fp.get("conversionFactor", 1.0))
                   for fp in f.get("flowProperties", []) if fp.get("flowProperty")}
        ref_prop = next((fp["flowProperty"]["@id"] for fp in f.get("flowProperties", [])
                         if fp.get("referenceFlowProperty")), next(iter(factors), None))
        flow_info[fid] = {"factors": factors, "ref_prop": ref_prop,
                          "unit": group_ref.get(prop_group.get(ref_prop), ""),
                          "type": f.get("flowType", ""), "name": str(f.get("name", "")).strip(),
                          "categories": cat_path(f.get("category")), "cas": f.get("cas")}

    def convert(exc: dict, where: str) -> tuple[float, str, float]:
        fid = exc["flow"]["@id"]
        info = flow_info.get(fid)
        amount = float(exc.get("amount", 0.0))
        if info is None:
            raise ImportError_(f"'{p}': {where}: flow '{exc['flow'].get('name')}' ({fid}) is not "
                               "in flows/")
        uf = unit_factor.get((exc.get("unit") or {}).get("@id"), None)
        if uf is None:
            raise ImportError_(f"'{p}': {where}: unit '{(exc.get('unit') or {}).get('name')}' of "
                               f"flow '{info['name']}' is in no unit group")
        prop = (exc.get("flowProperty") or {}).get("@id") or info["ref_prop"]
        pf = info["factors"].get(prop)
        if not pf:
            raise ImportError_(f"'{p}': {where}: flow '{info['name']}' has no factor for flow "
                               f"property '{(exc.get('flowProperty') or {}).get('name')}'")
        return amount * uf / pf, _units(info["unit"]), uf / pf

    # providers: the process whose quantitative reference is the flow
    providers: dict[str, list[str]] = defaultdict(list)
    refs: dict[str, dict] = {}
    for pid, (m, doc) in sorted(processes.items()):
        excs = doc.get("exchanges") or []
        ref = next((e for e in excs if e.get("quantitativeReference")), None)
        if ref is None:
            ref = next((e for e in excs if not e.get("input") and
                        (e.get("flow") or {}).get("flowType") == "PRODUCT_FLOW"), None)
        if ref is None:
            raise ImportError_(f"'{p}': process '{doc.get('name')}' ({m}) has no reference "
                               "product (quantitativeReference)")
        refs[pid] = ref
        providers[ref["flow"]["@id"]].append(pid)
    tech = _Providers(name, processes, refs, providers, flow_info)

    say("Linking elementary flows to biosphere3", 0.35)
    ensure_migrations(["biosphere-2-3-categories", "biosphere-2-3-names"], say)
    bio_link = link_elementary_flows(
        {fid: i for fid, i in flow_info.items() if i["type"] == "ELEMENTARY_FLOW"})
    if stop():
        raise Cancelled("import cancelled")

    say("Building activities", 0.55)
    off_centre: Counter = Counter()

    def dist(exc: dict, k: float) -> dict:
        """The stats_arrays fields of ``exc``'s openLCA uncertainty, for the amount times
        ``k``; an unusable one is counted in the summary, by reason, and gives ``{}``."""
        u = exc.get("uncertainty")
        if not u:
            return {}
        summary.distributions_read += 1
        fields, why, centre = uncertainty_fields(u, k)
        if fields is None:
            if why:
                summary.unusable[why] += 1
            return {}
        amount = float(exc.get("amount", 0.0))
        if centre is not None and not math.isclose(centre, amount, rel_tol=1e-6, abs_tol=0.0):
            off_centre[fields["uncertainty type"]] += 1
        return fields
    from ecolca.importers import flowmap

    linked_by: Counter = Counter()
    data: dict = {}
    # elementary flows biosphere3 has no flow for: one node each in the companion database
    companion_name = companion_database(name)
    companion: dict[str, dict] = {}
    for pid, (m, doc) in sorted(processes.items()):
        ref = refs[pid]
        loc = (doc.get("location") or {})
        location = locations.get(loc.get("@id"), {}).get("code") or loc.get("name") or "GLO"
        pname = str(doc.get("name", "")).strip()
        ref_amount, ref_unit, k = convert(ref, f"process '{pname}'")
        if ref.get("input"):  # a waste treatment: its reference is a waste input
            ref_amount, k = -ref_amount, -k
        exchanges = [{"input": (name, pid), "amount": ref_amount, "type": "production",
                      "unit": ref_unit, "name": flow_info[ref["flow"]["@id"]]["name"],
                      **dist(ref, k)}]
        for e in doc.get("exchanges") or []:
            if e is ref:
                continue
            fid = e["flow"]["@id"]
            info = flow_info.get(fid, {"type": e["flow"].get("flowType", ""),
                                       "name": e["flow"].get("name", "")})
            amount, unit, k = convert(e, f"process '{pname}'")
            is_input = bool(e.get("input"))
            if info["type"] == "ELEMENTARY_FLOW":
                code, bio_name, cats, bio_unit, factor, how = bio_link[fid]
                top = (info["categories"][:1] or [""])[0].lower()
                is_resource = top in RESOURCE_TOP or (cats[:1] == ("natural resource",))
                signed = amount if is_input == is_resource else -amount
                k = k if is_input == is_resource else -k
                if how == "none":  # biosphere3 has no such flow (fedefl--biosphere3.csv):
                    # kept, as a node of the companion database (the US LCI flow itself)
                    kind = "natural resource" if is_resource else "emission"
                    companion.setdefault(fid, {
                        "name": info["name"], "categories": cats, "unit": unit, "type": kind,
                        "CAS number": str(info.get("cas") or ""),
                        "comment": "US LCI elementary flow without a biosphere3 counterpart "
                                   f"(databases/mappings/{flowmap.FILE}, basis 'none'); no "
                                   "installed method characterises it",
                        "exchanges": []})
                    exchanges.append({"type": "biosphere", "amount": signed, "unit": unit,
                                      "flow": fid, "name": info["name"], "categories": cats,
                                      "input": (companion_name, fid), **dist(e, k)})
                    continue
                exc = {"type": "biosphere", "amount": signed * factor, "unit": bio_unit, "flow": fid,
                       "name": bio_name or info["name"], "categories": cats,
                       **dist(e, k * factor)}
                if code:
                    exc["input"] = ("biosphere3", code)
                    linked_by[how] += 1
                exchanges.append(exc)
                continue
            if e.get("avoidedProduct"):
                is_input, amount, k = True, -amount, -k
            if info["type"] == "WASTE_FLOW":
                treat = providers.get(fid)
                if not is_input and treat:
                    exchanges.append({"input": (name, treat[0]), "amount": -amount,
                                      "type": "technosphere", "unit": unit, "name": info["name"],
                                      **dist(e, -k)})
                else:
                    dist(e, k)  # counted: read, not written
                    summary.rows.append(Unlinked(pname, pid, info["name"], "technosphere",
                                                 amount, unit, location, "set aside (waste)", fid))
                continue
            if not is_input:
                dist(e, k)  # counted: read, not written
                summary.rows.append(Unlinked(pname, pid, info["name"], "production", amount, unit,
                                             location, "set aside (co-product)", fid))
                continue
            key, how = tech.find(e, fid, info["name"], unit, loc.get("name"))
            if key is None:
                if how == "unlinked":  # refused unless --allow-unlinked (drop_unlinked counts it)
                    exchanges.append({"amount": amount, "type": "technosphere", "unit": unit,
                                      "name": info["name"], "location": location, "flow": fid,
                                      **dist(e, k)})
                else:
                    dist(e, k)  # counted: read, not written
                    summary.rows.append(Unlinked(pname, pid, info["name"], "technosphere",
                                                 amount, unit, location, how, fid))
                continue
            exchanges.append({"input": key, "amount": amount, "type": "technosphere",
                              "unit": unit, "name": info["name"], **dist(e, k)})
        data[(name, pid)] = {
            "name": pname,
            "reference product": flow_info[ref["flow"]["@id"]]["name"],
            "unit": ref_unit,
            "location": location,
            "type": "process",
            "comment": str(doc.get("description") or ""),
            "categories": tuple(cat_path(doc.get("category"))),
            "olca_process_type": doc.get("processType", ""),
            "olca_ref_flow": ref["flow"]["@id"],
            "exchanges": exchanges,
        }
    if off_centre:
        summary.notes.append(
            "Distributions whose centre differs from the exchange's amount (the amount is the "
            "deterministic value; Monte Carlo samples the distribution as openLCA does): "
            + ", ".join(f"{n:,} {DISTRIBUTION_NAMES[t]} ({_CENTRE[t]} ≠ amount)"
                        for t, n in sorted(off_centre.items())))
    if tech.ambiguous:
        summary.notes.append(f"{tech.ambiguous:,} input(s) had several processes making their "
                             "product and no defaultProvider; the one in the same location, else "
                             "the first by id, was linked")
    t = tech.linked
    summary.notes.append(
        f"Technosphere links: {t['flow']:,} by product flow, {t['defaultProvider']:,} by "
        f"defaultProvider, {t['name']:,} by product name and unit (another flow of the same name "
        f"makes it), {t['other']:,} to other databases of the project"
        + (f" ({', '.join(sorted(tech.other_used))})" if tech.other_used else ""))
    flows_without = len({fid for fid, (code, *_) in bio_link.items() if not code})
    summary.notes.append(f"Elementary flows: {len(bio_link) - flows_without:,} of {len(bio_link):,}"
                         " matched a biosphere3 flow")
    # elementary-flow links by basis, in the words every importer uses (ImportSummary.lines);
    # the technosphere's links have their own note above
    summary.linked_by = {"exact match": linked_by["exact"], "mapping": linked_by["mapping"],
                         "proxy": linked_by["proxy"]}
    if linked_by["mapping"] or linked_by["proxy"]:
        summary.notes.append(f"Elementary flows linked by mapping or proxy: rows of "
                             f"databases/mappings/{flowmap.FILE} (basis and source per row)")
    summary.seconds = time.perf_counter() - t0
    meta = {"format": "openLCA JSON-LD (olca-schema 1)", "ecolca_import_format": FORMAT,
            "ecolca_import_source": p.name}
    if companion:  # taken out of the metadata and written by import_database
        meta[COMPANION_KEY] = {"name": companion_name, "flows": companion}
    return data, summary, meta


_CENTRE = {2: "geomMean", 3: "mean", 4: "", 5: "mode"}


def _number(u: dict, key: str) -> float | None:
    v = u.get(key)
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        return None
    try:
        x = float(v)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def uncertainty_fields(u: dict, k: float = 1.0) -> tuple[dict | None, str, float | None]:
    """openLCA ``Uncertainty`` (olca-schema) → ``(stats_arrays fields, "", centre)`` of the
    exchange whose Brightway amount is the openLCA amount times ``k`` (unit conversion, and -1
    where the direction flips), or ``(None, reason, None)`` when it cannot be used (``reason``
    is "" for "no distribution"). ``centre`` is the openLCA value the distribution is centred
    on (geomMean, mean, mode; None for uniform), to compare with the amount.

    stats_arrays parameterisation (https://stats-arrays.readthedocs.io/en/latest/, "Mapping
    parameter array columns to uncertainty distributions"): lognormal (2) loc = ln(geometric
    mean), scale = ln(geometric standard deviation), ``negative`` for a negative amount with
    loc = ln(|value|); normal (3) loc = mean, scale = standard deviation; uniform (4) minimum,
    maximum; triangular (5) loc = mode, minimum, maximum. A linear change of unit multiplies the
    geometric mean, mean, mode, minimum and maximum by ``k``, the standard deviation by |k|,
    and leaves the geometric standard deviation alone; a negative ``k`` swaps minimum and
    maximum."""
    kind = str(u.get("distributionType") or "")
    if kind in ("", "NO_DISTRIBUTION", "UNDEFINED"):
        return None, "", None
    if kind == "LOG_NORMAL_DISTRIBUTION":
        gm, gsd = _number(u, "geomMean"), _number(u, "geomSd")
        if gm is None or gsd is None:
            return None, "lognormal without a finite geomMean and geomSd", None
        if gsd <= 1:
            return None, "lognormal with geomSd ≤ 1 (no spread; the data give 0 or 1)", None
        if gm == 0:
            return None, "lognormal with geomMean 0", None
        v = gm * k
        return {"uncertainty type": 2, "loc": math.log(abs(v)), "scale": math.log(gsd),
                "negative": v < 0}, "", gm
    if kind == "NORMAL_DISTRIBUTION":
        mean, sd = _number(u, "mean"), _number(u, "sd")
        if mean is None or sd is None:
            return None, "normal without a finite mean and sd", None
        if sd <= 0:
            return None, "normal with sd ≤ 0", None
        return {"uncertainty type": 3, "loc": mean * k, "scale": sd * abs(k)}, "", mean
    if kind in ("TRIANGLE_DISTRIBUTION", "UNIFORM_DISTRIBUTION"):
        tri = kind == "TRIANGLE_DISTRIBUTION"
        word = "triangular" if tri else "uniform"
        lo, hi = _number(u, "minimum"), _number(u, "maximum")
        mode = _number(u, "mode") if tri else None
        if lo is None or hi is None or (tri and mode is None):
            return None, f"{word} without a finite minimum{', mode' if tri else ''} and " \
                         "maximum", None
        if lo > hi:
            return None, f"{word} with minimum > maximum", None
        if lo == hi:
            return None, f"{word} with minimum = maximum (no spread)", None
        if tri and not lo <= mode <= hi:
            return None, "triangular with the mode outside minimum–maximum", None
        lo, hi = sorted((lo * k, hi * k))
        out = {"uncertainty type": 5 if tri else 4, "minimum": lo, "maximum": hi}
        if tri:
            out["loc"] = mode * k
        return out, "", mode
    return None, f"distribution type '{kind}' not read", None


def companion_database(name: str) -> str:
    """The biosphere database that keeps ``name``'s elementary flows without a biosphere3
    counterpart (one node per source flow, its UUID as code)."""
    return f"{name}-biosphere"


class _Providers:
    """Who makes a product input, in this order: the exchange's ``defaultProvider`` (a process
    of the data, or of another database of the project, whose code is the openLCA ``@id``); the
    process of the data whose reference product is the flow; another database's activity whose
    reference flow (``olca_ref_flow``) is the flow; a process of the data, then of another
    database, whose reference product has the flow's name and unit. An input no one makes is a
    ``co-product input`` when a process of the data has it as a co-product (set aside, not
    allocated), ``producer in another unit`` when a process of the data makes a product of that
    name in another unit (kg against m3; the data give no density), ``cut-off`` when its name
    starts with CUTOFF (the publisher's cut-off), else ``unlinked`` (refused unless
    --allow-unlinked, as in the other formats). openLCA leaves all of these without provider."""

    def __init__(self, name, processes, refs, providers, flow_info):
        self.name = name
        self.processes = processes
        self.providers = providers
        self.ref_flow = {pid: r["flow"]["@id"] for pid, r in refs.items()}
        self.ref_unit = {pid: _units(flow_info.get(f, {}).get("unit", ""))
                         for pid, f in self.ref_flow.items()}
        self.by_name: dict[tuple, list[str]] = defaultdict(list)
        self.names: set[str] = set()
        for pid, f in sorted(self.ref_flow.items()):
            n = " ".join(str(flow_info.get(f, {}).get("name", "")).lower().split())
            self.by_name[(n, self.ref_unit[pid])].append(pid)
            self.names.add(n)
        self.coproduct: dict[str, str] = {}
        self.coproduct_name: dict[str, str] = {}
        for pid, (_, doc) in sorted(processes.items()):
            for e in doc.get("exchanges") or []:
                f = e.get("flow") or {}
                if not e.get("input") and f.get("flowType") == "PRODUCT_FLOW" and \
                        f.get("@id") != self.ref_flow[pid]:
                    self.coproduct.setdefault(f["@id"], pid)
                    self.coproduct_name.setdefault(" ".join(str(f.get("name", "")).lower()
                                                            .split()), pid)
        self._other = None
        self.other_used: set[str] = set()
        self.linked: Counter = Counter()
        self.ambiguous = 0

    def other(self) -> dict:
        """Activities of the project's other databases: by code, by reference flow, by name."""
        if self._other is None:
            import bw2data as bd
            from bw2data.backends import ActivityDataset as AD

            from ecolca.importers.common import BACKUP_PREFIX, TEMP_PREFIX

            dbs = [d for d in bd.databases if d not in (self.name, "biosphere3")
                   and not d.startswith((TEMP_PREFIX, BACKUP_PREFIX))]
            by_code, by_flow, by_name = {}, defaultdict(list), defaultdict(list)
            for db, code, data in AD.select(AD.database, AD.code, AD.data).where(
                    AD.database << dbs).order_by(AD.database, AD.code).tuples():
                if data.get("type", "process") in ("emission", "natural resource", "product",
                                                   "economic", "inventory indicator", "social"):
                    continue
                unit = _units(data.get("unit", ""))
                key = (db, code)
                by_code.setdefault(code, (key, unit))
                if data.get("olca_ref_flow"):
                    by_flow[data["olca_ref_flow"]].append((key, unit))
                rp = data.get("reference product") or data.get("name", "")
                by_name[(" ".join(str(rp).lower().split()), unit)].append((key, unit))
            self._other = {"code": by_code, "flow": by_flow, "name": by_name}
        return self._other

    def _use(self, how: str, key: tuple) -> tuple:
        self.linked[how] += 1
        if key[0] != self.name:
            self.other_used.add(key[0])
        return key, how

    def find(self, exc: dict, fid: str, fname: str, unit: str, location) -> tuple:
        dp = (exc.get("defaultProvider") or {}).get("@id")
        if dp and dp in self.processes and self.ref_flow[dp] == fid:
            return self._use("defaultProvider", (self.name, dp))
        prov = self.providers.get(fid)
        if prov:
            if len(prov) > 1:
                self.ambiguous += 1
                same = [q for q in prov if (self.processes[q][1].get("location") or {})
                        .get("name") == location]
                prov = same or prov
            return self._use("flow", (self.name, prov[0]))
        if dp and dp not in self.processes:
            hit = self.other()["code"].get(dp)
            if hit and hit[1] == unit:
                return self._use("other", hit[0])
        hits = [k for k, u in self.other()["flow"].get(fid, []) if u == unit]
        if hits:
            return self._use("other", hits[0])
        n = " ".join(str(fname).lower().split())
        same = self.by_name.get((n, unit))
        if same:
            return self._use("name", (self.name, same[0]))
        hits = [k for k, u in self.other()["name"].get((n, unit), [])]
        if hits:
            return self._use("other", hits[0])
        if n.startswith("cutoff"):
            return None, "cut-off"
        if fid in self.coproduct or n in self.coproduct_name:
            return None, "co-product input"
        if n in self.names:  # made in the data, but per m3 where the input is in kg, etc.
            return None, "producer in another unit"
        return None, "unlinked"


def compartments(path: list[str]) -> tuple[str, ...]:
    """openLCA category path of an elementary flow → biosphere-style categories, e.g.
    ``Elementary flows/air/low population density`` → ``("air", "low population density")``;
    NETL's ``…/NETL Elementary Flows/Emission to air`` → ``("air",)``."""
    parts = [c for c in path if c.lower() not in ("elementary flows", "elementary flow")
             and not c.lower().startswith("netl ") and c.lower() != "uslci elementary flows"]
    if not parts:
        return ()
    top = parts[0].lower()
    if top in ("air", "water", "soil", "resource", "natural resource"):
        return tuple(parts)
    for word, compartment in _COMPARTMENT_WORDS:
        if word in top:
            return (compartment,)
    return tuple(parts)


# US LCI / ecoinvent-2-era names that bw2io's 2→3 migration leaves out, by top compartment. Gases
# of unspecified origin take ecoinvent's fossil flow (US LCI's are mostly combustion); PM10
# ("Particulates, < 10 um") has no biosphere3 equivalent (it would double count PM2.5) and stays
# unlinked. docs/backgrounds.md lists this table.
NAME_TABLE = {
    ("air", "methane"): "Methane, fossil",
    ("air", "carbon dioxide"): "Carbon dioxide, fossil",
    ("air", "carbon monoxide"): "Carbon monoxide, fossil",
    ("air", "particulates, < 2.5 um"): "Particulate Matter, < 2.5 um",
    ("air", "particulates, > 2.5 um, and < 10um"): "Particulate Matter, > 2.5 um and < 10um",
    ("air", "particulates, > 10 um"): "Particulate Matter, > 10 um",
    ("air", "nitrogen oxide"): "Nitrogen oxides",
    ("air", "hydrocarbons (other than methane)"): "NMVOC, non-methane volatile organic compounds",
    ("air", "nmvoc, non-methane volatile organic compounds, unspecified origin"):
        "NMVOC, non-methane volatile organic compounds",
    ("air", "nmvoc, non-methane volatile organic compounds, unspecified"):
        "NMVOC, non-methane volatile organic compounds",
}


def link_elementary_flows(flows: dict[str, dict]) -> dict[str, tuple]:
    """``{flow id: (biosphere3 code or None, name, categories, unit, factor)}`` after bw2io's
    2→3 migrations (some change the unit, e.g. water from kg to m3: ``factor`` converts the
    amount) and a look-up by name, synonym and compartment."""
    from bw2io.strategies import migrate_exchanges

    pseudo = []
    for fid, info in flows.items():
        cats = compartments(info["categories"])
        pseudo.append({"flow": fid, "name": info["name"], "categories": cats,
                       "unit": _units(info["unit"]), "type": "biosphere", "amount": 1.0})
    db = [{"exchanges": pseudo}]
    db = migrate_exchanges(db, "biosphere-2-3-categories")
    # the names migration keys on unspecified-stripped categories
    for e in db[0]["exchanges"]:
        e["categories"] = tuple(c for c in e["categories"] if c not in ("unspecified", ""))
    db = migrate_exchanges(db, "biosphere-2-3-names")
    from ecolca.importers import flowmap

    index = BiosphereIndex()
    table = flowmap.rows()
    out: dict[str, tuple] = {}
    for e in db[0]["exchanges"]:
        cats = tuple(e["categories"])
        name = e["name"]
        code = index.find(name, cats, e["unit"])
        if code is None and cats:
            alt = NAME_TABLE.get((cats[0], " ".join(name.lower().split())))
            if alt is None and name.lower().endswith(", ion"):  # 3.9 spelling: "Copper ion"
                alt = name[:-5] + " ion"
            if alt:
                code = index.find(alt, cats, e["unit"])
                name = alt if code else name
        if code:
            out[e["flow"]] = (code, name, cats, e["unit"], float(e["amount"]), "exact")
            continue
        row = table.get(e["flow"])
        if row is not None and row.code and row.code in index.codes:
            # the table's factor converts the source flow's reference unit (the unit amounts
            # are converted to before linking)
            out[e["flow"]] = (row.code, row.name, row.categories, row.unit, row.factor, row.kind)
        elif row is not None and not row.code:
            out[e["flow"]] = (None, name, cats, e["unit"], float(e["amount"]), "none")
        else:
            out[e["flow"]] = (None, name, cats, e["unit"], float(e["amount"]), "")
    return out


def counts(path: str | Path) -> Counter:
    """Number of documents per folder (for tests and the README)."""
    src = _Source(check_path(path, "file-or-dir", "an openLCA JSON-LD export"))
    try:
        return Counter({k: len(v) for k, v in src.members.items()})
    finally:
        src.close()
