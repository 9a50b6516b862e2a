"""The mapping table of `ecolca rebase`: strict reading, and the shipped ecolca-open → uslci table
(covers every activity the examples use; checked against the real US LCI zip when it is there)."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest

from ecolca.core import examples, units
from ecolca.park.rebase import COLUMNS, MappingError, parse_mapping, read_mapping, uses

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "databases" / "mappings" / "ecolca-open--uslci.csv"
# the shipped copy (databases/uslci/), else the shared test data beside the project
USLCI_ZIP = next((p for p in (ROOT / "databases" / "uslci" / "uslci-fy17-olca1.5-jsonld.zip",
                              ROOT.parent / "shared" / "data" / "lci" / "uslci-fy17-olca1.5-jsonld.zip")
                  if p.exists()), ROOT / "databases" / "uslci" / "uslci-fy17-olca1.5-jsonld.zip")
HEADER = ",".join(COLUMNS) + "\n"


def problems(text: str) -> list[str]:
    with pytest.raises(MappingError) as exc:
        parse_mapping(text.encode(), "m.csv")
    return [str(p) for p in exc.value.problems]


def test_a_valid_table_reads_with_extra_columns_ignored():
    m = parse_mapping((
        "from_database,from_code,to_database,to_code,match,unit_factor,note,reviewer\n"
        "a,x,b,y,exact,,,me\n"
        "a,z,b,w,close,0.5,\"heat → gas, via η\",me\n"
        "\n"
        "a,q,b,,none,,no counterpart,me\n").encode())
    assert len(m) == 3
    assert m.get(("a", "z")).unit_factor == 0.5 and m.get(("a", "z")).to_key == ("b", "w")
    assert m.get(("a", "q")).to_key is None
    assert m.get(("a", "z")).line == 3 and m.get(("a", "q")).line == 5
    assert len(m.sha256) == 64


def test_missing_and_duplicate_columns_are_named():
    (p,) = problems("from_database,from_code,to_database,to_code,note\n")
    assert "field 'match, unit_factor'" in p and "missing" in p
    (p,) = problems(HEADER.strip() + ",note\n")
    assert "field 'note'" in p and "more than once" in p
    (p,) = problems("")
    assert "is empty" in p


def test_each_bad_row_names_its_line_and_field():
    got = problems(HEADER
                   + "a,x,b,y,same,,\n"  # line 2: unknown match
                   + "a,y,b,y2,close,abc,\n"  # 3: not a number
                   + "a,z,b,z2,close,-2,\n"  # 4: negative
                   + "a,w,b,w2,close,0,\n"  # 5: zero
                   + "a,v,b,v2,close,inf,\n"  # 6: not finite
                   + "a,y,b,y3,exact,,\n"  # 7: duplicate of line 3
                   + "a,u,b,u2,,,\n"  # 8: empty match
                   + "a,t,a,t,exact,,\n"  # 9: onto itself
                   + "a,s,b,s2,none,,\n"  # 10: none with a target code
                   + "a,r,,,close,,\n"  # 11: close without a target
                   + ",q,b,q2,exact,,\n"  # 12: no from_database
                   + "a,p,b,p2,exact,,,extra\n")  # 13: one cell too many
    joined = "\n".join(got)
    assert "line 2, field 'match': must be one of exact, close, proxy, none, got 'same'" in joined
    assert "line 3, field 'unit_factor': must be a number, got 'abc'" in joined
    assert "line 4, field 'unit_factor': must be > 0" in joined
    assert "line 5, field 'unit_factor': must be > 0" in joined
    assert "line 6, field 'unit_factor': must be finite" in joined
    assert "line 7, field 'from_code': 'a:y' is already mapped at line 3" in joined
    assert "line 8, field 'match': is empty" in joined
    assert "line 9, field 'to_code': maps the activity onto itself" in joined
    assert "line 10, field 'to_code': must be empty when match is none" in joined
    assert "line 11, field 'to_database': is empty (match is close)" in joined
    assert "line 11, field 'to_code': is empty (match is close)" in joined
    assert "line 12, field 'from_database': is empty" in joined
    assert "line 13: has 8 cells, the header 7" in joined


def test_hostile_files_are_refused_with_one_sentence(tmp_path):
    with pytest.raises(MappingError, match="not a regular file"):
        read_mapping(tmp_path)
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(HEADER.encode() + "a,é,b,y,exact,,\n".encode("latin-1"))
    with pytest.raises(MappingError, match="is not UTF-8"):
        read_mapping(bad)
    nul = tmp_path / "nul.csv"
    nul.write_bytes(HEADER.encode() + b"a,\x00,b,y,exact,,\n")
    with pytest.raises(MappingError, match="NUL"):
        read_mapping(nul)
    with pytest.raises(MappingError, match="cannot be read"):
        read_mapping(tmp_path / "absent.csv")


# --- the shipped ecolca-open → uslci mapping -------------------------------------------------

def _shipped_rows() -> list[dict]:
    with open(SHIPPED, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_shipped_mapping_reads_and_every_row_is_reviewed():
    m = read_mapping(SHIPPED)
    rows = _shipped_rows()
    assert len(m) == len(rows)
    for r in rows:
        assert r["from_database"] == "ecolca-open" and r["to_database"] == "uslci"
        assert len(r["note"]) > 60, f"{r['from_code']}: the note says why (or why nothing fits)"
        assert "unreviewed" not in r["note"]


@pytest.mark.parametrize("name", examples.available())
def test_shipped_mapping_covers_every_activity_the_examples_use(name):
    """Fails when an example gains a background activity without a row (mapped or none)."""
    m = read_mapping(SHIPPED)
    sc = examples.load(name)
    missing = sorted({f"{u.ref} ({u.where})" for u in uses(sc)
                      if u.ref.database == "ecolca-open" and m.get(u.ref.key) is None})
    assert not missing, f"add rows to {SHIPPED.name} for: " + "; ".join(missing)


def _ecolca_open_units() -> dict[str, str]:
    out = {}
    for p in (ROOT / "databases" / "ecolca-open").glob("processes_*.csv"):
        with open(p, encoding="utf-8", newline="") as f:
            out.update({r["code"]: r["unit"] for r in csv.DictReader(f)})
    return out


def _uslci_processes() -> dict[str, dict]:
    """@id -> name, location and the reference flow's reference unit, read from the zip."""
    z = zipfile.ZipFile(USLCI_ZIP)
    names = set(z.namelist())

    def load(kind, id_):
        return json.loads(z.read(f"{kind}/{id_}.json"))

    out = {}
    for n in names:
        if not (n.startswith("processes/") and n.endswith(".json")):
            continue
        d = json.loads(z.read(n))
        ref = [e for e in d.get("exchanges", []) if e.get("quantitativeReference")]
        unit = ""
        if ref:
            flow = load("flows", ref[0]["flow"]["@id"])
            fp = [x for x in flow["flowProperties"] if x.get("referenceFlowProperty")][0]
            ug = load("unit_groups", load("flow_properties", fp["flowProperty"]["@id"])
                      ["unitGroup"]["@id"])
            unit = [u["name"] for u in ug["units"] if u.get("referenceUnit")][0]
        out[d["@id"]] = {"name": d["name"], "unit": unit,
                         "location": (d.get("location") or {}).get("name", "")}
    return out


@pytest.mark.skipif(not USLCI_ZIP.exists(), reason=f"{USLCI_ZIP} is absent (US LCI test data)")
def test_shipped_mapping_against_the_real_us_lci():
    """Every target is a US LCI process; a unit_factor is given exactly where the units lie in
    different dimensions; the test stub's names and units are the real ones."""
    import _uslci_stub

    procs = _uslci_processes()
    assert len(procs) == 766
    eo = _ecolca_open_units()
    for r in _shipped_rows():
        if r["match"] == "none":
            continue
        p = procs.get(r["to_code"])
        assert p is not None, f"{r['from_code']}: {r['to_code']} is not a US LCI process"
        assert p["name"].split(",")[0].lower() in r["note"].lower(), r["from_code"]
        same = units.dimension(eo[r["from_code"]]) == units.dimension(p["unit"])
        assert same == (r["unit_factor"] == ""), (r["from_code"], eo[r["from_code"]], p["unit"])
    for code, (name, unit, loc, _) in _uslci_stub.ACTIVITIES.items():
        assert (procs[code]["name"].strip(), procs[code]["unit"], procs[code]["location"]) == \
            (name, unit, loc)


def test_shipped_unit_factors_follow_their_derivation():
    """The heat rows' factors recomputed from the sources named in their notes: 1/0.805 MJ of
    fuel (LHV) per MJ of heat, AP-42 heating values (HHV), IPCC NCV = GCV − 10 % (gas), − 5 %
    (oil)."""
    rows = {r["from_code"]: r for r in _shipped_rows()}
    btu_kj = 1.05505585
    gas_lhv = 0.90 * 1020 * btu_kj / 0.028316846592 / 1000  # MJ per m3 (1,020 Btu/scf)
    oil_lhv = 0.95 * 150_000 * btu_kj / 3.785411784  # kJ per l = MJ per m3 (150 MMBtu/kgal)
    assert gas_lhv == pytest.approx(34.204, rel=1e-4) and oil_lhv == pytest.approx(39717, rel=1e-4)
    assert float(rows["heat-natural-gas"]["unit_factor"]) == pytest.approx(
        1 / 0.805 / gas_lhv, rel=1e-5)
    assert float(rows["heat-heavy-fuel-oil"]["unit_factor"]) == pytest.approx(
        1 / 0.805 / oil_lhv, rel=1e-5)
