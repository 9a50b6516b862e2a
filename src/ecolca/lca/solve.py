"""What only a Brightway solve gives: the unit score of every background activity a scenario uses
(per method), the characterization factor of every direct emission, the key elementary flows of
one unit of each activity, the coverage of each method, and L and S of the foreground database
(the cross-check of the term table).

One :class:`bw2calc.MultiLCA` covers every demand for every method: the technosphere matrix is
factorised once. Unit scores are cached per background state and method in the project folder
(:mod:`ecolca.lca.cache`).
"""

from __future__ import annotations

import datetime as _dt
import sqlite3
import warnings
from dataclasses import dataclass, field

import numpy as np

from ecolca.lca.results import PRECISION_RTOL  # noqa: F401  (its home; used here and by the callers of solve)
from ecolca.brightway import bwcompat
from ecolca.lca.project_check import _Lookup
from ecolca.lca.terms import TermTable

# key elementary flows summed for the Inventory view: (label, flow names, top-level category)
KEY_FLOWS: list[tuple[str, tuple[str, ...], str]] = [
    ("Carbon dioxide, fossil (to air)", ("Carbon dioxide, fossil",), "air"),
    ("Carbon dioxide, non-fossil (to air)", ("Carbon dioxide, non-fossil",), "air"),
    ("Methane, fossil (to air)", ("Methane, fossil",), "air"),
    ("Methane, non-fossil (to air)", ("Methane, non-fossil",), "air"),
    ("Dinitrogen monoxide (to air)", ("Dinitrogen monoxide",), "air"),
    ("Sulfur dioxide (to air)", ("Sulfur dioxide",), "air"),
    ("Nitrogen oxides (to air)", ("Nitrogen oxides",), "air"),
    ("Particulate matter, < 2.5 um (to air)", ("Particulate Matter, < 2.5 um",), "air"),
]
WATER_WITHDRAWAL_LABEL = "Water withdrawal (natural resource, in water)"
INVENTORY_LABELS = [k[0] for k in KEY_FLOWS] + [WATER_WITHDRAWAL_LABEL]
INVENTORY_UNITS = ["kilogram"] * len(KEY_FLOWS) + ["cubic meter"]

# uncovered processes named per category; the rest are counted
COVERAGE_NAMES = 8



def _flow_label(name: str, categories: tuple, unit: str) -> int | None:
    """The Inventory row an elementary flow counts in, or None."""
    for i, (_, names, top) in enumerate(KEY_FLOWS):
        if name in names and categories[:1] == (top,):
            return i
    if categories[:2] == ("natural resource", "in water") and name.startswith("Water") \
            and unit == "cubic meter":
        return len(KEY_FLOWS)
    return None


@dataclass
class Solved:
    """The numbers of one solve, aligned with a term table's keys."""

    methods: list[tuple[str, ...]]
    scores: np.ndarray              # (n_keys, n_methods): unit scores, then CFs of direct emissions
    inventory: np.ndarray           # (n_keys, n_inventory_rows): key flows per unit of each node
    coverage: dict = field(default_factory=dict)
    foreground: dict = field(default_factory=dict)  # {"linear": (n_methods,), "symbiotic": …}
    park: dict = field(default_factory=dict)  # park_breakdown(): full inventory, contributions
    notes: list[str] = field(default_factory=list)
    computed: str = ""              # when the solve ran (ISO time); a reused solve keeps it
    # (n_keys, n_methods) bool: the node's supply chain reaches a flow the method characterises,
    # through non-zero entries of the matrices (the pattern, not the solved values; a direct
    # emission: its factor is not 0). Where False, the score is 0 by structure: "not covered"
    reach: np.ndarray | None = None


def reach_of(solved: Solved) -> np.ndarray:
    """``solved.reach``, or (a record without it) where the score is not 0."""
    r = getattr(solved, "reach", None)
    return r if r is not None and r.shape == solved.scores.shape else solved.scores != 0


class Pattern:
    """The non-zero pattern of a background's technosphere as a graph of activities (matrix
    columns): j → a when activity j takes an input of the product activity a makes. Which
    activities' supply chains reach a characterised flow is a reachability question on it
    (breadth-first, once per method), answered from the structure, never from solved values,
    which carry rounding noise of about 1e-20 where the exact value is 0 (US LCI)."""

    def __init__(self, technosphere, product: dict, activity: dict):
        from scipy import sparse

        A = sparse.coo_matrix(technosphere)
        n = A.shape[1]
        col_of_row = np.full(A.shape[0], -1, dtype=np.int64)
        for nid, r in product.items():
            c = activity.get(nid)
            if c is not None:
                col_of_row[r] = c
        # a product that is no activity (bw2data product nodes): made by the columns where its
        # row is positive
        src, dst = A.col.astype(np.int64), col_of_row[A.row]
        lone = dst < 0
        if lone.any():
            made = (A.data > 0) & lone
            maker = dict(zip(A.row[made].tolist(), A.col[made].tolist()))
            dst = dst.copy()
            dst[lone] = [maker.get(r, -1) for r in A.row[lone].tolist()]
        keep = (dst >= 0) & (src != dst) & (A.data != 0)
        self.n = n
        self.src, self.dst = src[keep], dst[keep]

    def _bfs(self, seeds: np.ndarray, reverse: bool) -> np.ndarray:
        from scipy import sparse
        from scipy.sparse import csgraph

        n = self.n
        out = np.zeros(n, dtype=bool)
        starts = np.nonzero(seeds)[0]
        if not len(starts):
            return out
        a, b = (self.dst, self.src) if reverse else (self.src, self.dst)
        g = sparse.csr_matrix((np.ones(len(a) + len(starts), dtype=np.int8),
                               (np.r_[a, np.full(len(starts), n)], np.r_[b, starts])),
                              shape=(n + 1, n + 1))
        order = csgraph.breadth_first_order(g, n, directed=True, return_predecessors=False)
        out[order[order < n]] = True
        return out

    def reaching(self, seeds: np.ndarray) -> np.ndarray:
        """(n,) bool: the activities from whose supply chain an activity in ``seeds`` is
        reachable (``seeds`` included)."""
        return self._bfs(seeds, reverse=True)

    def chain(self, seeds: np.ndarray) -> np.ndarray:
        """(n,) bool: the supply chain of ``seeds`` (``seeds`` included)."""
        return self._bfs(seeds, reverse=False)


def characterised(biosphere, cf: np.ndarray) -> np.ndarray:
    """(n_activities,) bool: the activity exchanges a flow with a non-zero factor in ``cf``."""
    from scipy import sparse

    Bb = sparse.csc_matrix(biosphere)
    Bb = sparse.csc_matrix((np.ones(Bb.nnz, dtype=np.int32) * (Bb.data != 0), Bb.indices,
                            Bb.indptr), shape=Bb.shape)
    return np.asarray(Bb.T @ (cf != 0).astype(np.int32)).ravel() > 0


def solve(table: TermTable, lookup: _Lookup, methods: list[tuple[str, ...]],
          fg_ids: dict[str, int] | None = None) -> Solved:
    """Solve the background demands of ``table`` (and the foreground's two configurations when
    ``fg_ids`` is given) for every method."""
    import bw2data as bd

    bg_keys = table.keys[:table.n_background]
    bio_keys = table.keys[table.n_background:]
    demands: dict[str, dict[int, float]] = {}
    if fg_ids is not None:
        demands["linear"] = {fg_ids["park:linear"]: 1.0}
        demands["symbiotic"] = {fg_ids["park:symbiotic"]: 1.0}
    for k in bg_keys:
        demands[f"bg:{k[0]}|{k[1]}"] = {lookup.ids[k]: 1.0}
    config = {"impact_categories": methods}
    keep = ("linear", "symbiotic") if fg_ids is not None else ()
    data_objs = bd.get_multilca_data_objs(functional_units=demands, method_config=config)
    mlca = bwcompat.scores_multilca(keep_inventories=keep)(
        demands=demands, method_config=config, data_objs=data_objs)
    from bw2calc.errors import EmptyBiosphere

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            mlca.lci()
            mlca.lcia()
        except EmptyBiosphere:
            from ecolca.core.errors import EcolcaError

            named = ", ".join(f"{k[0]}:{k[1]}" for k in bg_keys[:5])
            raise EcolcaError(
                "nothing in this park reaches an elementary flow: the background activities it "
                f"uses ({named or 'none'}{', …' if len(bg_keys) > 5 else ''}) and everything "
                "they depend on exchange no elementary flow with nature, and the sites declare "
                "no emission, so L and S have nothing to count; check the background database "
                "(is its biosphere linked?)") from None
    notes = [f"{w.message}: no elementary flow of this inventory has a characterization factor "
             "in this method, so its result is 0" for w in caught
             if "characterization matrix" in str(w.message)]
    sc = mlca.scores
    U = np.zeros((len(table.keys), len(methods)))
    reach = np.zeros(U.shape, dtype=bool)
    pattern = Pattern(mlca.technosphere_matrix, mlca.dicts.product, mlca.dicts.activity)
    cols = np.array([mlca.dicts.activity[lookup.ids[k]] for k in bg_keys], dtype=np.int64)
    S = np.vstack([mlca.supply_arrays[f"bg:{k[0]}|{k[1]}"] for k in bg_keys]).T if len(bg_keys) \
        else np.zeros((pattern.n, 0))
    absB = abs(mlca.biosphere_matrix).tocsc()
    fg_structural = {}
    for j, m in enumerate(methods):
        cf = np.asarray(mlca.characterization_matrices[m].diagonal()).ravel()
        reaching = pattern.reaching(characterised(mlca.biosphere_matrix, cf))
        size = np.asarray(absB.T @ np.abs(cf)).ravel()     # Σ |c·b| per activity
        mag = size @ np.abs(S) if len(bg_keys) else np.zeros(0)
        for i, k in enumerate(bg_keys):
            u = sc[(m, f"bg:{k[0]}|{k[1]}")]
            reach[i, j] = bool(reaching[cols[i]])
            # 0 by structure, or below the precision of the contributions it adds up
            U[i, j] = u if reach[i, j] and abs(u) > PRECISION_RTOL * mag[i] else 0.0
        for i, k in enumerate(bio_keys, start=len(bg_keys)):
            row = mlca.dicts.biosphere.get(lookup.ids[k])
            U[i, j] = 0.0 if row is None else float(mlca.characterization_matrices[m][row, row])
            reach[i, j] = U[i, j] != 0
        if fg_ids is not None:
            fg_structural[m] = _foreground_scores(mlca, pattern, cf, size, fg_ids)
    inv = _key_flow_inventory(mlca, table, lookup)
    try:  # kept for the app's live results and the synergy finder; a failure costs only speed
        from ecolca.lca import cache

        # A background node's unit score depends on its databases and the method only, but the
        # solve's last bits depend on the whole matrix, foreground included (1e-16 relative):
        # the score kept by this background's first solve is used again, so that an edit of the
        # foreground moves no other figure by rounding, and the CLI's edits of numbers without
        # a solve (lca/fastpath.py) give exactly a full run's numbers
        cached, found = cache.lookup(list(bg_keys), methods)
        if len(bg_keys):
            U[:len(bg_keys)] = np.where(found, cached, U[:len(bg_keys)])
        if len(bg_keys) and not found.all():
            cache.store(list(bg_keys), methods, U[:len(bg_keys)])
        # the key-flow inventories of one unit of each node likewise (kept as pseudo-methods)
        rows = [INVENTORY_CACHE + (label,) for label in INVENTORY_LABELS]
        cached, found = cache.lookup(list(bg_keys), rows)
        if len(bg_keys):
            inv[:len(bg_keys)] = np.where(found, cached, inv[:len(bg_keys)])
        if len(bg_keys) and not found.all():
            cache.store(list(bg_keys), rows, inv[:len(bg_keys)])
    except (OSError, sqlite3.Error):
        pass
    out = Solved(methods, U, inv, notes=notes, reach=reach,
                 computed=_dt.datetime.now().astimezone().isoformat(timespec="seconds"))
    if fg_ids is not None:
        out.foreground = {c: np.array([fg_structural[m][c] for m in methods])
                          for c in ("linear", "symbiotic", "linear_magnitude",
                                    "symbiotic_magnitude")}
        out.coverage = _coverage(mlca, methods, set(fg_ids.values()), bg_keys, lookup, pattern)
        out.park = park_breakdown(mlca, methods, fg_ids, pattern=pattern)
    return out


def _foreground_scores(mlca, pattern: Pattern, cf: np.ndarray, size: np.ndarray,
                       fg_ids: dict[str, int]) -> dict[str, float]:
    """L and S of the foreground database as Σ (c·b)ⱼ·sⱼ over the processes of each one's supply
    chain (by structure: a supply the solve gives a process outside it is rounding noise), and
    the sum of the absolute values added (the precision of the comparison with the term
    table)."""
    from scipy import sparse

    memo = mlca.__dict__.setdefault("_ecolca_fg", {})  # per solve, not per method
    if "BT" not in memo:
        memo["BT"] = sparse.csr_matrix(sparse.csc_matrix(mlca.biosphere_matrix).T)
        for c in ("linear", "symbiotic"):
            seeds = np.zeros(pattern.n, dtype=bool)
            seeds[mlca.dicts.activity[fg_ids[f"park:{c}"]]] = True
            memo[c] = np.where(pattern.chain(seeds), mlca.supply_arrays[c], 0.0)
    g = np.asarray(memo["BT"] @ cf).ravel()
    out = {}
    for c in ("linear", "symbiotic"):
        # the supply array within the configuration's chain (the same for every method)
        s = memo[c]
        out[c] = float(g @ s)
        out[f"{c}_magnitude"] = float(size @ np.abs(s))
    return out


# the key-flow inventories' rows in the unit-score cache: (INVENTORY_CACHE + (label,)) stands
# for a method there (no LCIA method has this name)
INVENTORY_CACHE = ("ecolca key-flow inventory per unit",)


# processes named per method in the contribution analysis; the rest are summed
CONTRIBUTION_TOP = 10


def park_breakdown(mlca, methods, fg_ids: dict[str, int], top: int = CONTRIBUTION_TOP,
                   pattern: "Pattern | None" = None) -> dict:
    """The park's full elementary-flow inventory and, per method, the contribution of each
    process of the supply chain to L and S, from the solve already made (no second
    factorisation).

    A process's contribution is its own elementary flows, characterised, times its amount in the
    supply array: ``(cfᵀ·B)ⱼ · sⱼ``; over all processes they sum to the score ``cfᵀ·B·s``. The
    inventory is ``B·s`` of the two foreground demands. Returns ``{"flows": [dict], 
    "contributions": [dict per method]}``; a foreground node (a site's direct emissions) carries
    ``site`` (the site id)."""
    from bw2data.backends import ActivityDataset as AD
    from scipy import sparse

    names, bs = mlca.biosphere_supply
    col = {n: i for i, n in enumerate(names)}
    inv_l = np.asarray(bs[:, col["linear"]]).ravel()
    inv_s = np.asarray(bs[:, col["symbiotic"]]).ravel()
    rev_bio = {r: nid for nid, r in mlca.dicts.biosphere.items()}
    rows = np.nonzero((inv_l != 0) | (inv_s != 0))[0]
    meta = {r.id: r for r in AD.select(AD.id, AD.database, AD.code, AD.name, AD.data)
            .where(AD.id.in_([rev_bio[r] for r in rows.tolist()]))} if len(rows) else {}
    flows = []
    for r in rows.tolist():
        m = meta.get(rev_bio[r])
        data = m.data if m is not None and isinstance(m.data, dict) else {}
        flows.append({"name": m.name if m is not None else str(rev_bio[r]),
                      "categories": tuple(data.get("categories", ())),
                      "unit": data.get("unit", ""), "cas": data.get("CAS number") or "",
                      "database": m.database if m is not None else "",
                      "code": m.code if m is not None else "",
                      "linear": float(inv_l[r]), "symbiotic": float(inv_s[r])})

    B = sparse.csr_matrix(mlca.biosphere_matrix)
    s_l, s_s = mlca.supply_arrays["linear"], mlca.supply_arrays["symbiotic"]
    if pattern is not None:  # a supply outside a configuration's chain is rounding noise
        for c in ("linear", "symbiotic"):
            seeds = np.zeros(pattern.n, dtype=bool)
            seeds[mlca.dicts.activity[fg_ids[f"park:{c}"]]] = True
            chain = pattern.chain(seeds)
            if c == "linear":
                s_l = np.where(chain, s_l, 0.0)
            else:
                s_s = np.where(chain, s_s, 0.0)
    rev_act = {c: nid for nid, c in mlca.dicts.activity.items()}
    site_of = {nid: code[5:] for code, nid in fg_ids.items() if code.startswith("site:")}
    picked: list[tuple[np.ndarray, np.ndarray, np.ndarray, int]] = []
    for m in methods:
        g = B.T @ np.asarray(mlca.characterization_matrices[m].diagonal()).ravel()
        c_l, c_s = g * s_l, g * s_s
        nz = np.nonzero((c_l != 0) | (c_s != 0))[0]
        size = np.maximum(np.abs(c_l[nz]), np.abs(c_s[nz]))
        order = nz[np.argsort(-size, kind="stable")][:top]
        picked.append((order, c_l, c_s, len(nz)))
    ids = sorted({rev_act[c] for order, *_ in picked for c in order.tolist()})
    acts = {r.id: r for r in AD.select(AD.id, AD.database, AD.name, AD.location)
            .where(AD.id.in_(ids))} if ids else {}
    contributions = []
    for m, (order, c_l, c_s, n) in zip(methods, picked):
        procs = []
        for c in order.tolist():
            nid = rev_act[c]
            a = acts.get(nid)
            procs.append({"name": a.name if a is not None else str(nid),
                          "database": a.database if a is not None else "",
                          "location": (a.location or "") if a is not None else "",
                          "site": site_of.get(nid),
                          "linear": float(c_l[c]), "symbiotic": float(c_s[c])})
        rest = np.ones(len(c_l), dtype=bool)
        rest[order] = False
        contributions.append({
            "method": m, "processes": procs, "rest_count": n - len(procs),
            "rest_linear": float(c_l[rest].sum()), "rest_symbiotic": float(c_s[rest].sum()),
            "linear": float(c_l.sum()), "symbiotic": float(c_s.sum())})
    return {"flows": flows, "contributions": contributions}


def _key_flow_inventory(mlca, table: TermTable, lookup: _Lookup) -> np.ndarray:
    """(n_keys, n_inventory_rows): the key elementary flows of one unit of each background
    activity (from the solve) and of each direct emission (itself)."""
    from bw2data.backends import ActivityDataset as AD

    rev = {v: k for k, v in mlca.dicts.biosphere.items()}  # matrix row -> node id
    meta = {row.id: (row.name, tuple(row.data.get("categories", ())), row.data.get("unit", ""))
            for row in AD.select(AD.id, AD.name, AD.data).where(AD.id.in_(list(rev.values())))}
    label_of_row = {}
    for r, nid in rev.items():
        lab = _flow_label(*meta.get(nid, ("", (), "")))
        if lab is not None:
            label_of_row[r] = lab
    inv = np.zeros((len(table.keys), len(INVENTORY_LABELS)))
    names, bs = mlca.biosphere_supply
    col = {n: i for i, n in enumerate(names)}
    rows = np.array(sorted(label_of_row), dtype=int)
    labs = np.array([label_of_row[r] for r in rows.tolist()], dtype=int)
    for i, k in enumerate(table.keys[:table.n_background]):
        c = col[f"bg:{k[0]}|{k[1]}"]
        if len(rows):
            vals = np.asarray(bs[rows, c]).ravel()
            np.add.at(inv[i], labs, vals)
    for i, k in enumerate(table.keys[table.n_background:], start=table.n_background):
        node = lookup.nodes.get(k, {})
        lab = _flow_label(node.get("name", ""), tuple(node.get("categories", ())), node.get("unit", ""))
        if lab is not None:
            inv[i, lab] = 1.0
    return inv


def _coverage(mlca, methods, fg_ids: set[int], bg_keys, lookup: _Lookup,
              pattern: Pattern | None = None) -> dict:
    """{method: Coverage} (docs/methodology-notes.md, "Coverage").

    The supply chain is every background process reachable from L or S through non-zero
    entries of the technosphere matrix (its pattern: a supply the solve gives a process outside
    it is rounding noise, not a use); of those
    that exchange at least one elementary flow, a process is *covered* for a method when one of
    its own elementary flows has a characterization factor in it. Processes with no elementary
    flow at all (pure markets) do not count. The sites' direct emissions count apart."""
    from bw2data.backends import ActivityDataset as AD
    from scipy import sparse

    from ecolca.lca.results import Coverage

    col_of = mlca.dicts.activity
    fg_cols = np.array(sorted(col_of[i] for i in fg_ids if i in col_of), dtype=int)
    pattern = pattern or Pattern(mlca.technosphere_matrix, mlca.dicts.product, col_of)
    seeds = np.zeros(pattern.n, dtype=bool)
    seeds[fg_cols] = True
    B = sparse.csc_matrix(mlca.biosphere_matrix)
    has_flow = np.diff(B.indptr) > 0
    chain = pattern.chain(seeds) & has_flow
    is_fg = np.zeros(pattern.n, dtype=bool)
    is_fg[fg_cols] = True
    bg_cols = np.nonzero(chain & ~is_fg)[0]
    fg_with_flows = np.nonzero(chain & is_fg)[0]
    rev = {c: nid for nid, c in col_of.items()}
    nodes = {row.id: (row.name, row.database) for row in AD.select(AD.id, AD.name, AD.database)
             .where(AD.id.in_([rev[c] for c in bg_cols.tolist()]))} if len(bg_cols) else {}
    own = {lookup.ids[k] for k in bg_keys}
    databases = sorted({db for _, db in nodes.values()})
    Bb = (B != 0).astype(np.int32)
    out = {}
    for m in methods:
        cf = np.asarray(mlca.characterization_matrices[m].diagonal() != 0, dtype=np.int32)
        hits = Bb.T @ cf                       # per activity: characterised flows it exchanges
        covered_cols = hits[bg_cols] > 0
        direct = bool(len(fg_with_flows) and (hits[fg_with_flows] > 0).any())
        n, k = len(bg_cols), int(covered_cols.sum())
        missing_ids = [rev[c] for c in bg_cols[~covered_cols].tolist()]
        missing_ids.sort(key=lambda i: (i not in own, nodes.get(i, ("", ""))[0]))
        names = [nodes.get(i, (str(i), ""))[0] for i in missing_ids]
        status = "covered" if k == n else "not covered" if k == 0 and not direct else "partial"
        if k == n and n == 0 and not direct:
            status = "not covered"
        out[m] = Coverage(status, n, k, databases, names[:COVERAGE_NAMES],
                          max(0, len(names) - COVERAGE_NAMES), direct)
    return out


def method_units(methods: list[tuple[str, ...]]) -> dict[tuple[str, ...], str]:
    import bw2data as bd

    return {m: bd.methods.get(m, {}).get("unit", "") for m in methods}


# ---- more demands on the same background, after a run (the app's live results) ----------
# An edit in the app that points a supply or a fate at another background activity needs that
# activity's unit scores, nothing else: the demand of that one node on the background the run
# used. KeptSolver holds that background's matrices and, from the first such demand on, the
# factorisation of its technosphere matrix; each further node is a back-substitution. It is
# valid while the databases it was built from are unchanged (cache.database_state).

FACTORISATIONS = [0]  # technosphere matrices factorised by _factorise in this process (tests)


def _factorise(matrix):
    """A solver ``x = f(b)`` for ``matrix · x = b`` (one LU factorisation)."""
    from scipy.sparse.linalg import factorized

    FACTORISATIONS[0] += 1
    return factorized(matrix.tocsc())


@dataclass
class KeptSolver:
    """A background's matrices (bw2calc) and, once needed, its factorisation."""

    technosphere: object            # scipy sparse (products × activities)
    biosphere: object               # scipy sparse (elementary flows × activities)
    product: dict                   # node id -> row of the technosphere matrix
    biosphere_rows: dict            # elementary flow id -> row of the biosphere matrix
    cfs: dict                       # method -> characterization factor per biosphere row
    label_rows: np.ndarray          # biosphere rows counted in the Inventory view …
    label_of: np.ndarray            # … and the Inventory row of each
    states: dict                    # database -> cache.database_state when built
    solver: object = None           # x = solver(b), made on first use
    activity: dict = field(default_factory=dict)  # node id -> column
    reaching: dict = field(default_factory=dict)  # method -> (columns,) bool (Pattern.reaching)
    solves: int = 0                 # demands solved with it

    def current(self) -> bool:
        """True while every database it was built from is unchanged."""
        from ecolca.lca import cache

        return all(cache.database_state(db) == st for db, st in self.states.items())

    def has(self, keys, lookup: _Lookup, n_background: int) -> bool:
        """True when it can solve ``keys`` (background activities first) of ``lookup``."""
        return all(lookup.ids.get(k) in self.product for k in keys[:n_background])


def keep_solver(keys: list[tuple[str, str]], lookup: _Lookup,
                methods: list[tuple[str, ...]]) -> KeptSolver:
    """The matrices of the background of activities ``keys`` (every database they depend on)
    and the characterization factors of ``methods``, read by bw2calc; nothing is solved or
    factorised yet."""
    import bw2calc
    import bw2data as bd
    from bw2data.backends import ActivityDataset as AD
    from scipy import sparse

    from ecolca.lca import cache

    demands = {f"bg:{k[0]}|{k[1]}": {lookup.ids[k]: 1.0} for k in keys}
    config = {"impact_categories": methods}
    data_objs = bd.get_multilca_data_objs(functional_units=demands, method_config=config)
    mlca = bw2calc.MultiLCA(demands=demands, method_config=config, data_objs=data_objs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlca.load_lci_data()
        mlca.load_lcia_data()
    rev = {v: k for k, v in mlca.dicts.biosphere.items()}
    meta = {row.id: (row.name, tuple(row.data.get("categories", ())), row.data.get("unit", ""))
            for row in AD.select(AD.id, AD.name, AD.data).where(AD.id.in_(list(rev.values())))}
    pairs = sorted((r, lab) for r, nid in rev.items()
                   if (lab := _flow_label(*meta.get(nid, ("", (), "")))) is not None)
    pattern = Pattern(mlca.technosphere_matrix, mlca.dicts.product, mlca.dicts.activity)
    cfs = {m: np.asarray(mlca.characterization_matrices[m].diagonal()).ravel() for m in methods}
    return KeptSolver(
        activity=dict(mlca.dicts.activity),
        reaching={m: pattern.reaching(characterised(mlca.biosphere_matrix, cfs[m]))
                  for m in methods},
        technosphere=sparse.csc_matrix(mlca.technosphere_matrix),
        biosphere=sparse.csr_matrix(mlca.biosphere_matrix),
        product=dict(mlca.dicts.product), biosphere_rows=dict(mlca.dicts.biosphere),
        cfs=cfs,
        label_rows=np.array([p[0] for p in pairs], dtype=int),
        label_of=np.array([p[1] for p in pairs], dtype=int),
        states={db: cache.database_state(db) for db in {k[0] for k in keys}})


def solve_more(kept: KeptSolver, keys: list[tuple[str, str]], n_background: int,
               lookup: _Lookup, methods: list[tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """(scores, inventory) of ``keys`` as :func:`solve` gives them: the unit score per method of
    each background activity (``keys[:n_background]``), the characterization factor of each
    elementary flow after them, and the key flows of one unit of each. The technosphere matrix
    is factorised on the first call only."""
    U = np.zeros((len(keys), len(methods)))
    inv = np.zeros((len(keys), len(INVENTORY_LABELS)))
    absB = abs(kept.biosphere)
    if n_background and kept.solver is None:
        kept.solver = _factorise(kept.technosphere)
    for i, k in enumerate(keys[:n_background]):
        b = np.zeros(kept.technosphere.shape[0])
        b[kept.product[lookup.ids[k]]] = 1.0
        x = kept.solver(b)
        kept.solves += 1
        g = kept.biosphere @ x
        ga = absB @ np.abs(x)
        col = kept.activity.get(lookup.ids[k])
        for j, m in enumerate(methods):
            u = float(kept.cfs[m] @ g)
            reach = m not in kept.reaching or col is None or bool(kept.reaching[m][col])
            # as solve(): 0 by structure, or below the precision of what it adds up
            U[i, j] = u if reach and abs(u) > PRECISION_RTOL * float(np.abs(kept.cfs[m]) @ ga) \
                else 0.0
        if len(kept.label_rows):
            np.add.at(inv[i], kept.label_of, g[kept.label_rows])
    for i, k in enumerate(keys[n_background:], start=n_background):
        row = kept.biosphere_rows.get(lookup.ids[k])
        for j, m in enumerate(methods):
            U[i, j] = 0.0 if row is None else float(kept.cfs[m][row])
        node = lookup.nodes.get(k, {})
        lab = _flow_label(node.get("name", ""), tuple(node.get("categories", ())),
                          node.get("unit", ""))
        if lab is not None:
            inv[i, lab] = 1.0
    return U, inv


def kept_reach(kept: KeptSolver, keys: list[tuple[str, str]], n_background: int,
               lookup: _Lookup, methods: list[tuple[str, ...]], U: np.ndarray) -> np.ndarray:
    """(len(keys), len(methods)) bool as :attr:`Solved.reach`: the background activities
    ``keys[:n_background]`` by the pattern of ``kept``'s matrices, the elementary flows after
    them by their factor (``U``)."""
    out = U != 0
    for i, k in enumerate(keys[:n_background]):
        col = kept.activity.get(lookup.ids[k])
        for j, m in enumerate(methods):
            if col is not None and m in kept.reaching:
                out[i, j] = bool(kept.reaching[m][col])
    return out
