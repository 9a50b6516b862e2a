"""ecospold2 (ecoinvent 3): a folder of ``.spold`` files, or one file, through bw2io's
``SingleOutputEcospold2Importer(dir, name, use_mp=False)``.

Elementary flows link to biosphere3 by their ecoinvent id. This project's biosphere3 and LCIA
methods are ecoinvent 3.9's (bw2io's bundled data): datasets of ecoinvent 3.10 or later carry flow
ids that are not in it, and the import says so instead of writing a database whose new flows
would score zero. Every ``.spold`` file is checked before lxml parses it: a DOCTYPE or entity
declaration (ecospold2 has none) is refused, so external entities are never resolved.
"""

from __future__ import annotations

import io
import time
from contextlib import redirect_stdout
from pathlib import Path

from ecolca.importers.common import (
    CancelCheck, ImportError_, ImportSummary, Progress, check_path, refuse_xml_declarations,
)

FORMAT = "ecospold2"


def spold_files(p: Path) -> list[Path]:
    files = sorted(f for f in p.iterdir() if f.suffix.lower() == ".spold") if p.is_dir() else [p]
    if not files:
        raise ImportError_(f"'{p}': no .spold files in this folder; ecospold2 takes the folder "
                           "of .spold files (ecoinvent's 'datasets')")
    for f in files:
        if not f.is_file():
            raise ImportError_(f"'{f}' is a folder; .spold entries must be files")
    return files


def _zero_reference_products(files: list[Path]) -> list[str]:
    """Files whose reference product exchange (outputGroup 0) has amount 0 (only looked for
    after bw2io failed to find a reference product)."""
    from lxml import etree

    out = []
    for f in files:
        try:
            root = etree.parse(str(f), etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError:
            continue
        for ex in root.iter("{*}intermediateExchange"):
            group = ex.find("{*}outputGroup")
            if group is not None and (group.text or "").strip() == "0":
                try:
                    zero = float(ex.get("amount", "nan")) == 0.0
                except ValueError:
                    zero = False
                if zero:
                    name = ex.find("{*}name")
                    out.append(f"'{f.name}' ('{(name.text if name is not None else '?')}' "
                               f"amount {ex.get('amount')})")
    return out


def read(path: str | Path, name: str, progress: Progress | None = None,
         cancelled: CancelCheck | None = None):
    import bw2data as bd
    from lxml import etree

    from bw2io.importers import SingleOutputEcospold2Importer
    from ecolca.core.errors import Cancelled

    say = progress or (lambda m, f: None)
    p = check_path(path, "file-or-dir", "an ecospold2 folder of .spold files")
    t0 = time.perf_counter()
    files = spold_files(p)
    say(f"Checking {len(files):,} .spold file(s)", 0.02)
    for i, f in enumerate(files):
        refuse_xml_declarations(f)
        if i % 500 == 0 and cancelled and cancelled():
            raise Cancelled("import cancelled")
    say(f"Reading {len(files):,} .spold file(s) with bw2io", 0.1)
    buf = io.StringIO()
    try:
        with redirect_stdout(buf):
            imp = SingleOutputEcospold2Importer(str(p), name, use_mp=False)
            # bw2io deletes inputs whose activity is not in the data without a word; keep them
            # so that they are counted (and refused unless --allow-unlinked)
            imp.strategies = [s for s in imp.strategies
                              if getattr(s, "__name__", "") != "delete_exchanges_missing_activity"]
            if cancelled and cancelled():
                raise Cancelled("import cancelled")
            say("Applying bw2io's ecospold2 strategies (linking)", 0.4)
            imp.apply_strategies()
    except etree.XMLSyntaxError as exc:
        raise ImportError_(f"'{p}': not valid XML ({exc})") from None
    except UnicodeDecodeError as exc:
        raise ImportError_(f"'{p}': not UTF-8 text (byte {exc.start}); ecospold2 files are "
                           "UTF-8") from None
    except KeyError as exc:
        if exc.args == ("flow",):  # bw2io found no reference product with a non-zero amount
            zero = _zero_reference_products(files)
            if zero:
                raise ImportError_(
                    f"'{p}': {len(zero)} dataset(s) with a production amount of 0 (reference "
                    "product, outputGroup 0), which makes the LCA singular: "
                    + ", ".join(zero[:5]) + ("…" if len(zero) > 5 else "")) from None
        raise ImportError_(f"'{p}': not an ecospold2 activity dataset ({type(exc).__name__}: "
                           f"{exc})") from None
    except (AttributeError, AssertionError, ValueError) as exc:
        raise ImportError_(f"'{p}': not an ecospold2 activity dataset ({type(exc).__name__}: "
                           f"{exc})") from None
    summary = ImportSummary(FORMAT, str(p), name)
    data = {}
    seen: dict[str, str] = {}
    for ds in imp.data:
        ds = dict(ds)
        ds["database"] = name
        # two files with the same activity and product ids make the same code: bw2io refuses
        # them (NonuniqueCode) at its write; a dict would keep the last one without a word
        first = seen.setdefault(ds["code"], str(ds.get("filename", "?")))
        if (name, ds["code"]) in data:
            raise ImportError_(
                f"'{p}': '{first}' and '{ds.get('filename', '?')}' are the same dataset (activity "
                f"id {ds.get('activity', '?')}, product id {ds.get('flow', '?')}: code "
                f"{ds['code']}); remove one of them")
        for e in ds.get("exchanges", []):
            if e.get("type") == "biosphere" and not e.get("input"):
                e.setdefault("flow", e.get("flow"))
        data[(name, ds["code"])] = ds
    # the cause of unlinked elementary flows: ids that this biosphere3 does not have
    bio = {c for (c,) in bd.backends.ActivityDataset.select(bd.backends.ActivityDataset.code)
           .where(bd.backends.ActivityDataset.database == "biosphere3").tuples()}
    unknown = {e.get("flow") for ds in data.values() for e in ds.get("exchanges", [])
               if e.get("type") == "biosphere" and not e.get("input") and e.get("flow")
               and e.get("flow") not in bio}
    n_bio = sum(1 for ds in data.values() for e in ds.get("exchanges", [])
                if e.get("type") == "biosphere" and e.get("input"))
    if n_bio:
        summary.linked_by["exact match"] = n_bio  # by the ecoinvent flow id
    cause = ""
    if unknown:
        cause = (f"{len(unknown):,} elementary flow id(s) are not in this project's biosphere3, "
                 "which is ecoinvent 3.9's (e.g. " + ", ".join(sorted(unknown)[:3]) + "): the "
                 "data were probably made with a newer ecoinvent release (3.10 or later); import "
                 "that release's biosphere and LCIA methods, or map the flows")
    summary.seconds = time.perf_counter() - t0
    meta = {"format": "ecospold2", "ecolca_import_format": FORMAT,
            "ecolca_import_source": p.name}
    return data, summary, meta, cause
