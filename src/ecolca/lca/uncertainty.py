"""Paired Monte Carlo over the term table (methodology §3).

Each iteration draws one background sample (the stored distributions, via bw2calc) and one
foreground sample (flow amounts, q, r, distances, processing amounts), and evaluates L and S on
that same sample with :meth:`TermTable.totals`, the function the deterministic run uses.

Iterations run in chunks of :data:`CHUNK`. Chunk *i* draws from the *i*-th child of
``numpy.random.SeedSequence(seed)``, whatever runs it: this process, a local process pool, or a
Dask cluster. So the numbers depend on the seed and the number of iterations only, never on the
number of workers.
"""

from __future__ import annotations

import math
import os
import threading
import time
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ecolca.core.errors import Cancelled, EcolcaError  # noqa: F401 (Cancelled: its home was here)
from ecolca.lca.terms import TermTable
from ecolca.core.model import Scenario

CHUNK = 100
# --iterations auto: stop when, for every method, the standard error of P(Δ<0) and of the mean Δ
# (relative to |mean Δ|) are below these, or at AUTO_MAX iterations
AUTO_SE_PROBABILITY = 0.005
AUTO_SE_MEAN_RELATIVE = 0.01
AUTO_MIN = 200
AUTO_MAX = 20_000


def _sample(rng: np.random.Generator, value: float, u, n: int) -> np.ndarray:
    """n draws of a foreground quantity with uncertainty ``u`` (model.Uncertainty)."""
    t = getattr(u, "type", "none")
    if t == "lognormal" and value > 0 and u.gsd:
        return rng.lognormal(math.log(value), math.log(u.gsd), n)
    if t == "normal" and u.sd:
        return np.maximum(rng.normal(value, u.sd, n), 0.0)
    if t == "uniform":
        return rng.uniform(u.minimum, u.maximum, n)
    if t == "triangular" and u.maximum > u.minimum:
        mode = min(max(value, u.minimum), u.maximum)
        return rng.triangular(u.minimum, mode, u.maximum, n)
    return np.full(n, float(value))


def uncertain(table: TermTable) -> list[int]:
    """Indices of the parameters that have a distribution and that a term depends on."""
    used = set(table.used_params().tolist())
    return [i for i, p in enumerate(table.params)
            if i in used and getattr(p.uncertainty, "type", "none") != "none"]


def _caps(sc: Scenario, table: TermTable) -> list[tuple[int | None, float, list, str]]:
    """Physical limits per draw: the exchanges of one residue never take more than the drawn
    residue, nor do r·q of one supply exceed the drawn supply. [(available parameter, its value,
    [(q parameter, r parameter or None), …], "residue" | "supply"), …]"""
    amount = {(p.site, p.flow): i for i, p in enumerate(table.params) if p.kind == "amount"}
    q = {p.exchange: i for i, p in enumerate(table.params) if p.kind == "q"}
    r = {p.exchange: i for i, p in enumerate(table.params) if p.kind == "r"}
    out = []
    for side in ("residue", "supply"):
        groups: dict[tuple[str, str], list] = {}
        for e in sc.exchanges:
            key = (e.from_site, e.from_flow) if side == "residue" else (e.to_site, e.to_flow)
            groups.setdefault(key, []).append((q[e.id], None if side == "residue" else r[e.id]))
        for (sid, fid), members in groups.items():
            out.append((amount.get((sid, fid)), float(sc.site(sid).flow(fid).amount), members,
                        side))
    return out


def draw_parameters(table: TermTable, caps, rng: np.random.Generator, n: int,
                    clamped: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """(n_params, n) foreground draws, in parameter order, kept physical (see :func:`_caps`;
    where a group would exceed its available amount its q are scaled down together). With
    ``clamped``, its "residue" and "supply" entries are set to the (n,) masks of the draws in
    which some q was cut to the drawn residue, or some r·q to the drawn supply."""
    V = np.empty((len(table.params), n))
    for i, p in enumerate(table.params):
        V[i] = _sample(rng, p.value, p.uncertainty, n)
    masks = {"residue": np.zeros(n, dtype=bool), "supply": np.zeros(n, dtype=bool)}
    for avail_i, avail_v, members, side in caps:
        avail = V[avail_i] if avail_i is not None else np.full(n, avail_v)
        used = sum(V[qi] * (1.0 if ri is None else V[ri]) for qi, ri in members)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(used > avail, avail / np.where(used > 0, used, 1.0), 1.0)
        # counted with a relative margin: r·q equal to the supply by design differs from it by
        # rounding (validation._TOL), and a cut of 1e-16 is no cut
        masks[side] |= used > avail * (1 + 1e-9)
        for qi, _ in members:
            V[qi] = V[qi] * scale
    if clamped is not None:
        clamped.update(masks)
    return V


# one PreorderedSolver per thread (a Dask worker may run chunks in threads): its ordering is kept
# for the next chunk this process runs on the same background
_SOLVERS = threading.local()
# the solver's counters after the last chunk run in this process (solves, fallbacks)
LAST_CHUNK_SOLVES: dict[str, int] = {}


def _solver():
    from ecolca.lca.preordered import PreorderedSolver

    s = getattr(_SOLVERS, "solver", None)
    if s is None:
        s = _SOLVERS.solver = PreorderedSolver()
    return s


def _background_multilca(bw_dir: str | None, project: str, node_ids: list[int],
                         methods: list[tuple[str, ...]], seed: int):
    """bw2calc's MultiLCA with distributions of ``node_ids`` (one demand each) and ``methods``,
    in ``project`` (this process, a pool process or a Dask worker opens it itself), and its
    method config."""
    if bw_dir:
        os.environ["BRIGHTWAY_DIR"] = bw_dir
        os.environ["BRIGHTWAY2_DIR"] = bw_dir
    from ecolca.brightway import bwcompat
    from ecolca.brightway.project import activate

    activate(project)
    import bw2data as bd

    demands = {f"n{i}": {nid: 1.0} for i, nid in enumerate(node_ids)}
    config = {"impact_categories": [tuple(m) for m in methods]}
    data_objs = bd.get_multilca_data_objs(functional_units=demands, method_config=config)
    mlca = bwcompat.scores_multilca()(demands=demands, method_config=config, data_objs=data_objs,
                                      use_distributions=True, seed_override=seed)
    return mlca, config


def background_chunk(bw_dir: str | None, project: str, node_ids: list[int],
                     methods: list[tuple[str, ...]], seed: int, n: int,
                     each: Callable[[int], None] | None = None) -> np.ndarray:
    """(n_nodes, n_methods, n) unit scores of ``node_ids`` on ``n`` draws of the background's
    stored distributions (bw2calc), seeded by ``seed``. Runs in this process, a pool process or
    a Dask worker: it opens the project itself."""
    mlca, config = _background_multilca(bw_dir, project, node_ids, methods, int(seed))
    # the draws' factorisations in one fill-reducing order, checked (preordered.PreorderedSolver)
    solver = _solver()
    solves, fallbacks = solver.solves, solver.fallbacks
    mlca._spsolve = solver
    out = np.zeros((len(node_ids), len(methods), n))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlca.lci()
        mlca.lcia()
        for it in range(n):
            if it:
                next(mlca)
            s = mlca.scores
            for j, m in enumerate(config["impact_categories"]):
                for i in range(len(node_ids)):
                    out[i, j, it] = s[(m, f"n{i}")]
            if each is not None:  # in this process only: progress and cancel per iteration
                each(it + 1)
    LAST_CHUNK_SOLVES.update(solves=solver.solves - solves, fallbacks=solver.fallbacks - fallbacks)
    return out


def background_distributions(bw_dir: str | None, project: str, node_ids: list[int],
                             methods: list[tuple[str, ...]]) -> dict[str, int]:
    """How many entries of the matrices a background draw samples carry a distribution
    (stats_arrays uncertainty type 2 or more; 0 "undefined" and 1 "no uncertainty" are fixed),
    counted from the matrices bw2calc builds for ``node_ids`` and ``methods`` (the same data as
    :func:`background_chunk`, no solve): {"technosphere": n, "biosphere": n,
    "characterization": n}. A background without distributions gives 0 everywhere: its draws
    would all be the deterministic scores."""
    mlca, _config = _background_multilca(bw_dir, project, node_ids, methods, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlca.load_lci_data()
        mlca.load_lcia_data()

    def count(mm) -> int:
        n = 0
        for g in mm.groups:
            if g.empty or not g.has_distributions:
                continue
            kinds = g.apply_masks(np.asarray(g.get_resource_by_suffix("distributions")
                                             ["uncertainty_type"]))
            n += int(np.count_nonzero(kinds >= 2))
        return n

    return {"technosphere": count(mlca.technosphere_mm), "biosphere": count(mlca.biosphere_mm),
            "characterization": sum(count(mm) for mm in mlca.characterization_mm_dict.values())}


# why a Monte Carlo run stopped (Draws.stopped; metadata.monte_carlo.stopped)
STOPPED = {
    "requested": "the requested number of iterations was run",
    "converged": "--iterations auto: the standard errors of P(Δ<0) and of the mean Δ fell below "
                 "their targets",
    "nothing varies": "--iterations auto: Δ is the same in every draw of every method, so more "
                      "draws cannot change the statistics",
    "maximum": "--iterations auto: the maximum number of iterations was reached before the "
               "standard errors fell below their targets",
    "nothing sampled": "no distribution in the scenario's parameters nor in the background's "
                       "matrices: every draw would be the deterministic result, so none was run",
}


@dataclass
class Draws:
    linear: np.ndarray       # (n_methods, n)
    symbiotic: np.ndarray    # (n_methods, n)
    parameters: np.ndarray   # (n_params, n) foreground draws
    seconds: float
    workers: str
    # what was sampled: parameters with a distribution that a term uses; matrix entries with a
    # distribution in the background (by matrix; empty when the background was not sampled)
    foreground_distributions: int = 0
    background_distributions: dict[str, int] | None = None
    # draws in which some q was cut to the drawn residue / some r·q to the drawn supply
    clamped_residue: int = 0
    clamped_supply: int = 0
    clamped: int = 0          # draws with either cut
    stopped: str = "requested"  # a key of STOPPED

    @property
    def sampled(self) -> bool:
        return self.stopped != "nothing sampled"


def _chunks_of(total: int) -> list[int]:
    return [min(CHUNK, total - i) for i in range(0, total, CHUNK)]


def run(sc: Scenario, table: TermTable, scores: np.ndarray, node_ids: list[int], project: str,
        bw_dir: str | None, methods: list[tuple[str, ...]], iterations: int | str, seed: int,
        background: bool = True, workers: int = 1, dask: str | None = None,
        say: Callable[[str, float], None] = lambda m, f: None,
        stop: Callable[[], bool] = lambda: False) -> Draws:
    """Paired draws of L and S. ``scores`` are the deterministic unit scores and factors
    (n_keys, n_methods); with ``background`` the background rows are drawn per iteration.
    ``iterations`` is a number or ``"auto"`` (see :data:`AUTO_SE_PROBABILITY`)."""
    t0 = time.perf_counter()
    auto = iterations == "auto"
    target = AUTO_MAX if auto else int(iterations)
    root = np.random.SeedSequence(int(seed))
    caps = _caps(sc, table)
    nb = table.n_background
    n_fg = len(uncertain(table))
    n_bg = background_distributions(bw_dir, project, node_ids, methods) \
        if background and nb > 0 else None
    # a background without a single distribution draws its deterministic scores every time
    sample_bg = n_bg is not None and sum(n_bg.values()) > 0
    if n_fg == 0 and not sample_bg:
        empty = np.zeros((len(methods), 0))
        return Draws(empty, empty.copy(), np.zeros((len(table.params), 0)),
                     time.perf_counter() - t0, "nothing run", 0, n_bg, stopped="nothing sampled")
    clamps = {"residue": 0, "supply": 0, "any": 0}
    stopped = "maximum" if auto else "requested"
    pool = client = None
    how = "this process"
    if sample_bg and dask:
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - the extra is in the test set
            raise EcolcaError("--dask needs the 'cluster' extra: pip install 'ecolca[cluster]'") from exc
        try:
            client = Client(dask, timeout="10s") if isinstance(dask, str) else dask
        except (OSError, TimeoutError) as exc:
            raise EcolcaError(f"cannot reach the Dask scheduler at {dask}: {exc}") from exc
        how = f"Dask cluster {client.scheduler.address}" if hasattr(client, "scheduler") else "Dask"
    elif sample_bg and workers > 1:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        from ecolca.brightway.bwcompat import worker_init

        # worker_init: nothing a worker (Brightway) prints reaches stdout (`run --json`)
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"),
                                   initializer=worker_init)
        how = f"{workers} local processes"
    lin_parts, sym_parts, par_parts = [], [], []
    done = 0
    try:
        while done < target:
            # a batch of chunks: every chunk at once, or (auto) two per worker between checks
            n_batch = target - done if not auto else max(AUTO_MIN if done == 0 else 0,
                                                         CHUNK * max(2, 2 * workers))
            sizes = _chunks_of(min(n_batch, target - done))
            children = root.spawn(len(sizes))
            bg_seeds = [int(c.generate_state(1)[0]) for c in children]
            fg_rngs = [np.random.default_rng(c.spawn(1)[0]) for c in children]
            bg: list = [None] * len(sizes)
            if sample_bg:
                args = [(bw_dir, project, node_ids, methods, s, n) for s, n in zip(bg_seeds, sizes)]
                if client is not None:
                    futs = [client.submit(background_chunk, *a, pure=False) for a in args]
                    bg = client.gather(futs)
                elif pool is not None:
                    futs = [pool.submit(background_chunk, *a) for a in args]
                    for i, f in enumerate(futs):
                        while True:
                            try:
                                bg[i] = f.result(timeout=0.2)
                                break
                            except TimeoutError:
                                if stop():
                                    for g in futs:
                                        g.cancel()
                                    raise Cancelled() from None
                else:
                    for i, a in enumerate(args):
                        before = done + sum(sizes[:i])

                        def each(k, before=before):
                            if stop():
                                raise Cancelled()
                            say(f"Monte Carlo iteration {before + k}/{'auto' if auto else target}",
                                0.7 + 0.28 * (before + k) / target)

                        bg[i] = background_chunk(None, *a[1:], each=each)
            finished = False
            for i, n in enumerate(sizes):
                cut: dict[str, np.ndarray] = {}
                V = draw_parameters(table, caps, fg_rngs[i], n, cut)
                clamps["residue"] += int(cut["residue"].sum())
                clamps["supply"] += int(cut["supply"].sum())
                clamps["any"] += int((cut["residue"] | cut["supply"]).sum())
                A = table.amounts(V)
                U = np.repeat(scores[:, :, None], n, axis=2)
                if bg[i] is not None:
                    U[:nb] = bg[i]
                lin, sym = table.totals(A, U)
                lin_parts.append(lin)
                sym_parts.append(sym)
                par_parts.append(V)
                done += n
                # the stopping rule is checked after every chunk, in chunk order: where it stops
                # does not depend on how many chunks ran at once
                if auto:
                    d = np.hstack(sym_parts) - np.hstack(lin_parts)
                    if not varies(d):
                        stopped, finished = "nothing varies", True
                        break
                    if done >= AUTO_MIN and converged(d):
                        stopped, finished = "converged", True
                        break
            if stop():
                raise Cancelled()
            say(f"Monte Carlo iteration {done}/{'auto' if auto else target}",
                0.7 + 0.28 * done / target)
            if finished:
                break
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        if client is not None and isinstance(dask, str):
            client.close()
    return Draws(np.hstack(lin_parts), np.hstack(sym_parts), np.hstack(par_parts),
                 time.perf_counter() - t0, how, n_fg, n_bg,
                 clamps["residue"], clamps["supply"], clamps["any"], stopped)


def standard_errors(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per method (rows of ``d``): standard error of P(Δ<0) and of the mean Δ."""
    n = d.shape[1]
    p = (d < 0).mean(axis=1)
    return np.sqrt(p * (1 - p) / n), d.std(axis=1, ddof=1) / math.sqrt(n) if n > 1 else np.full(len(d), np.inf)


def varies(d: np.ndarray) -> bool:
    """Whether Δ (rows: methods, columns: draws) differs between draws in some method beyond
    rounding (1e-12 of its magnitude)."""
    if d.shape[1] < 2:
        return True  # not known yet
    spread = np.ptp(d, axis=1)
    return bool(np.any(spread > 1e-12 * np.maximum(np.abs(d).max(axis=1), 1e-300)))


def converged(d: np.ndarray) -> bool:
    se_p, se_m = standard_errors(d)
    mean = np.abs(d.mean(axis=1))
    ok_m = (se_m <= AUTO_SE_MEAN_RELATIVE * mean) | (se_m == 0)
    return bool(np.all(se_p <= AUTO_SE_PROBABILITY) and np.all(ok_m))


def stats(a: np.ndarray) -> dict[str, float]:
    return {"mean": float(np.mean(a)), "median": float(np.median(a)),
            "p2.5": float(np.percentile(a, 2.5)), "p97.5": float(np.percentile(a, 97.5))}


# at most this many parameters at an end of their range are evaluated for the explanation
EXPLAIN_MAX_PARAMETERS = 200


def parameter_words(sc: Scenario, p) -> str:
    """A term-table parameter in words, without internal ids: 'the substitution ratio r of
    coal fly ash → clinker', 'the amount of flow 'hard coal' at site 'Asnæs'', …"""
    if p.exchange:
        e = sc.exchange(p.exchange)
        a, b = (sc.site(e.from_site), sc.site(e.to_site)) if e is not None else (None, None)
        fa = a.flow(e.from_flow) if a is not None else None
        fb = b.flow(e.to_flow) if b is not None else None
        what = f"{fa.name if fa else e.from_flow} → {fb.name if fb else e.to_flow}" \
            if e is not None else p.item
    else:
        s = sc.site(p.site)
        f = s.flow(p.flow) if s is not None else None
        what = f"flow '{f.name if f else p.flow}' at site '{s.name if s else p.site}'"
    if p.kind == "q":
        return f"the exchanged amount q of {what}"
    if p.kind == "r":
        return f"the substitution ratio r of {what}"
    if p.kind == "amount":
        return f"the amount of {what}"
    if p.kind == "distance":
        k = p.field.split("[", 1)[1].split("]", 1)[0] if "[" in p.field else "?"
        return f"the distance of transport leg {k} of {what}"
    if p.kind == "processing" and p.exchange:
        k = int(p.field.split("[", 1)[1].split("]", 1)[0]) if "[" in p.field else 0
        e = sc.exchange(p.exchange)
        name = e.processing[k - 1].name if e is not None and 0 < k <= len(e.processing) else ""
        return f"the amount per unit of processing input '{name or k}' of {what}"
    return f"{p.field} of {what}"


def at_end_shifts(sc: Scenario, table: TermTable, scores: np.ndarray) -> list[dict]:
    """The parameters whose point value sits at an end of their own distribution
    (:func:`ecolca.core.validation.range_end`), each with the change of Δ (one value per method) when
    it is moved from its point value to its distribution's mean, the others kept: what that
    end alone moves the Monte Carlo statistics away from the deterministic Δ."""
    from ecolca.core.validation import distribution_mean, end_words, range_end

    used = set(table.used_params().tolist())
    found = []
    for i, p in enumerate(table.params):
        end = range_end(p.value, p.uncertainty) if i in used else None
        if end is not None:
            found.append((i, p, end))
        if len(found) >= EXPLAIN_MAX_PARAMETERS:
            break
    if not found:
        return []
    v = table.values
    lin, sym = table.totals(table.amounts(v), scores)
    base = sym - lin
    out = []
    for i, p, end in found:
        w = v.copy()
        w[i] = distribution_mean(p.value, p.uncertainty)
        l2, s2 = table.totals(table.amounts(w), scores)
        words = parameter_words(sc, p)
        out.append({"parameter": end_words(words, p.value, end), "item": p.item,
                    "field": p.field, "value": p.value, "distribution": p.uncertainty.type,
                    "minimum": end[1], "maximum": end[2], "end": end[0],
                    "mean_of_draws": float(w[i]), "delta_shift": (s2 - l2 - base)})
    return out


def outside(deterministic: float, stats_d: dict[str, float]) -> str | None:
    """'below' or 'above' when the deterministic Δ lies outside the Monte Carlo 2.5–97.5 %
    interval of Δ, else None."""
    if deterministic < stats_d["p2.5"]:
        return "below"
    if deterministic > stats_d["p97.5"]:
        return "above"
    return None


def causes_for(shifts: list[dict], j: int, side: str | None, limit: int = 5) -> list[dict]:
    """The parameters at an end of their range that move method ``j``'s Δ toward the interval
    the deterministic value lies ``side`` of (largest move first), with that method's shift."""
    if side is None:
        return []
    sign = 1.0 if side == "below" else -1.0  # below the interval: the mean draw is higher
    picked = [dict(s, delta_shift=float(s["delta_shift"][j])) for s in shifts
              if sign * float(s["delta_shift"][j]) > 0]
    picked.sort(key=lambda s: -abs(s["delta_shift"]))
    return picked[:limit]
