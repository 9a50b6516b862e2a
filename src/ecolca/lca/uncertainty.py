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


def _caps(sc: Scenario, table: TermTable) -> list[tuple[int | None, float, list[tuple[int, int | None]]]]:
    """Physical limits per draw: the exchanges of one residue never take more than the drawn
    residue, nor do r·q of one supply exceed the drawn supply. [(available parameter, its value,
    [(q parameter, r parameter or None), …]), …]"""
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
            out.append((amount.get((sid, fid)), float(sc.site(sid).flow(fid).amount), members))
    return out


def draw_parameters(table: TermTable, caps, rng: np.random.Generator, n: int) -> np.ndarray:
    """(n_params, n) foreground draws, in parameter order, kept physical (see :func:`_caps`;
    where a group would exceed its available amount its q are scaled down together)."""
    V = np.empty((len(table.params), n))
    for i, p in enumerate(table.params):
        V[i] = _sample(rng, p.value, p.uncertainty, n)
    for avail_i, avail_v, members in caps:
        avail = V[avail_i] if avail_i is not None else np.full(n, avail_v)
        used = sum(V[qi] * (1.0 if ri is None else V[ri]) for qi, ri in members)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(used > avail, avail / np.where(used > 0, used, 1.0), 1.0)
        for qi, _ in members:
            V[qi] = V[qi] * scale
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


def background_chunk(bw_dir: str | None, project: str, node_ids: list[int],
                     methods: list[tuple[str, ...]], seed: int, n: int,
                     each: Callable[[int], None] | None = None) -> np.ndarray:
    """(n_nodes, n_methods, n) unit scores of ``node_ids`` on ``n`` draws of the background's
    stored distributions (bw2calc), seeded by ``seed``. Runs in this process, a pool process or
    a Dask worker: it opens the project itself."""
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
                                      use_distributions=True, seed_override=int(seed))
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


@dataclass
class Draws:
    linear: np.ndarray       # (n_methods, n)
    symbiotic: np.ndarray    # (n_methods, n)
    parameters: np.ndarray   # (n_params, n) foreground draws
    seconds: float
    workers: str


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
    sample_bg = background and nb > 0
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
                V = draw_parameters(table, caps, fg_rngs[i], n)
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
                if auto and done >= AUTO_MIN and converged(np.hstack(sym_parts) - np.hstack(lin_parts)):
                    finished = True
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
                 time.perf_counter() - t0, how)


def standard_errors(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per method (rows of ``d``): standard error of P(Δ<0) and of the mean Δ."""
    n = d.shape[1]
    p = (d < 0).mean(axis=1)
    return np.sqrt(p * (1 - p) / n), d.std(axis=1, ddof=1) / math.sqrt(n) if n > 1 else np.full(len(d), np.inf)


def converged(d: np.ndarray) -> bool:
    se_p, se_m = standard_errors(d)
    mean = np.abs(d.mean(axis=1))
    ok_m = (se_m <= AUTO_SE_MEAN_RELATIVE * mean) | (se_m == 0)
    return bool(np.all(se_p <= AUTO_SE_PROBABILITY) and np.all(ok_m))


def stats(a: np.ndarray) -> dict[str, float]:
    return {"mean": float(np.mean(a)), "median": float(np.median(a)),
            "p2.5": float(np.percentile(a, 2.5)), "p97.5": float(np.percentile(a, 97.5))}
