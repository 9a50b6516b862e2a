"""Which inputs move Δ (docs/engine.md, "Sensitivity").

- One at a time: each parameter a term depends on is moved to the ends of its uncertainty range
  (the distribution's 2.5–97.5 % interval, or ±10 % of its value where it has none), the others
  kept at their values, and Δ = S − L is evaluated on the term table (no solve).
- Global: after a Monte Carlo run, each uncertain parameter's first-order share of the variance
  of Δ (Sobol S1), estimated from the same draws with SALib's RBD-FAST (Plischke 2010; Tissot
  and Prieur 2012). The background's own variability is not a parameter: 1 − Σ S1 is the share
  of the background and of interactions.
- Break-even substitution ratio r* of each exchange: the r at which its Δ_e is 0.
"""

from __future__ import annotations

import math

import numpy as np

from ecolca.lca.terms import AVOIDED_SUPPLY, Param, TermTable, sum_rows
from ecolca.lca.results import GlobalShare, Sensitivity, SensitivityRow


def uncertainty_range(p: Param) -> tuple[float, float, str]:
    """The range a parameter is moved across in the one-at-a-time sensitivity: its distribution's
    2.5–97.5 % interval, or ±10 % of its value where it has no uncertainty."""
    u, v = p.uncertainty, p.value
    t = getattr(u, "type", "none")
    if t == "lognormal" and v > 0 and u.gsd and u.gsd > 1:
        s = 1.959963984540054 * math.log(u.gsd)
        return v * math.exp(-s), v * math.exp(s), "lognormal, 2.5–97.5 %"
    if t == "normal" and u.sd:
        return max(v - 1.959963984540054 * u.sd, 0.0), v + 1.959963984540054 * u.sd, \
            "normal, 2.5–97.5 %"
    if t == "uniform" and u.maximum is not None and u.minimum is not None and u.maximum > u.minimum:
        lo, hi = u.minimum + 0.025 * (u.maximum - u.minimum), u.maximum - 0.025 * (u.maximum - u.minimum)
        return lo, hi, "uniform, 2.5–97.5 %"
    if t == "triangular" and u.maximum is not None and u.minimum is not None and u.maximum > u.minimum:
        a, c, bmax = u.minimum, min(max(v, u.minimum), u.maximum), u.maximum
        return _triangular_ppf(0.025, a, c, bmax), _triangular_ppf(0.975, a, c, bmax), \
            "triangular, 2.5–97.5 %"
    return 0.9 * v, 1.1 * v, "±10 %, no distribution given"


def _triangular_ppf(q: float, a: float, c: float, b: float) -> float:
    fc = (c - a) / (b - a)
    if q < fc:
        return a + math.sqrt(q * (b - a) * (c - a))
    return b - math.sqrt((1 - q) * (b - a) * (b - c))


# global shares: at most this many parameters (the largest one-at-a-time swings) enter RBD-FAST
GLOBAL_MAX_PARAMETERS = 30
GLOBAL_MIN_DRAWS = 100
_NO_DISTRIBUTION = uncertainty_range(Param("amount", 1.0, None, "", ""))[2]


def one_at_a_time(table: TermTable, scores: np.ndarray, methods, units) -> list[Sensitivity]:
    """One :class:`Sensitivity` per method, rows sorted by swing (largest first).

    Each parameter enters a term at most once, so every term is linear in each parameter alone:
    Δ with parameter i at x is Δ + slope_i·(x − v_i), where slope_i sums, over the exchange terms
    that contain i, the term per unit of i times its node's score (site terms count in L and S
    alike and cancel in Δ). Exact, and one pass over the table whatever the number of
    parameters."""
    v = table.values
    a = table.amounts(v)
    lin, sym = table.totals(a, scores)
    delta = sym - lin
    used = table.used_params()
    P = np.append(v, 1.0)
    ex = table.part != 0
    legs = []  # per factor slot: the parameter, the term's amount per unit of it, the node
    for s in range(3):
        idx = table.p[:, s]
        m = ex & (idx >= 0)
        if m.any():
            o1, o2 = table.p[m, (s + 1) % 3], table.p[m, (s + 2) % 3]
            legs.append((idx[m], table.const[m] * P[o1] * P[o2], table.key[m]))

    def slope(j: int) -> np.ndarray:
        """d Δ / d parameter for method ``j``, every parameter: made when the method's rows are
        asked for (a (parameters × methods) array was 9 MB at 3,000 sites, kept by the rows)."""
        out = np.zeros(len(v))
        for idx, per_unit, key in legs:
            out += np.bincount(idx, weights=per_unit * scores[key, j], minlength=len(v))
        return out
    used_list = used.tolist()
    cache: dict = {}

    def ranges():
        """(lo, hi, basis) over the used parameters, made once for every method."""
        if "r" not in cache:  # ±10 % (no distribution) as arrays; the others one by one
            vals = v[used]
            lo, hi = 0.9 * vals, 1.1 * vals
            basis = [_NO_DISTRIBUTION] * len(used_list)
            for c, i in enumerate(used_list):
                p = table.params[i]
                if getattr(p.uncertainty, "type", "none") != "none":
                    lo[c], hi[c], basis[c] = uncertainty_range(p)
            cache["r"] = (lo, hi, basis)
        return cache["r"]

    def maker(j):
        def ends():
            lo, hi, basis = ranges()
            sl = slope(j)[used]
            d_lo = delta[j] + sl * (lo - v[used])
            d_hi = delta[j] + sl * (hi - v[used])
            return lo, hi, basis, d_lo, d_hi

        def swings() -> np.ndarray:
            """Every parameter's swing of Δ, as an array (no row is built)."""
            if not used_list:
                return np.zeros(0)
            _, _, _, d_lo, d_hi = ends()
            return np.abs(d_hi - d_lo)

        def make(limit: int | None = None) -> list[SensitivityRow]:
            """The ``limit`` rows of largest swing (all when None), largest first: the swings
            are computed as arrays, and only the rows asked for are built."""
            if not used_list:
                return []
            lo, hi, basis, d_lo, d_hi = ends()
            swing = np.abs(d_hi - d_lo)
            if limit is not None and limit < len(swing):
                pick = np.argpartition(-swing, limit)[:limit]
            else:
                pick = np.arange(len(swing))
            pick = pick[np.argsort(-swing[pick], kind="stable")]
            rows = []
            for c in pick.tolist():
                p = table.params[used_list[c]]
                rows.append(SensitivityRow(p.label, p.item, p.field, p.value, float(lo[c]),
                                           float(hi[c]), basis[c], float(d_lo[c]),
                                           float(d_hi[c])))
            return rows
        make.swings = swings  # Sensitivity.n_moving counts from these
        return make

    return [Sensitivity(tuple(m), units[j], float(delta[j]), make_rows=maker(j),
                        n_parameters=len(used_list))
            for j, m in enumerate(methods)]


def break_even_ratio(table: TermTable, contrib: np.ndarray,
                     scores: np.ndarray | None = None) -> np.ndarray:
    """(n_exchanges, n_methods): r* = −(Δ_e − avoided supply) / (avoided supply per unit r),
    the substitution ratio at which the exchange breaks even; nan where the avoided supply has
    no impact in a method. Avoided supply is linear in r, every other part independent of it.

    With the unit ``scores``, the avoided supply per unit r is the avoided-supply terms with r
    left out (:meth:`TermTable.without_many`), so r* is found for r = 0 too (dividing the
    avoided supply by r gave 0/0 there); without them it is the avoided supply divided by r."""
    n_e, n_m = len(table.exchange_ids), contrib.shape[1]
    ex = table.exchange >= 0
    total = sum_rows(table.exchange[ex], contrib[ex], n_e)
    m = table.part == AVOIDED_SUPPLY
    sup = sum_rows(table.exchange[m], contrib[m], n_e)
    r_index = {p.exchange: i for i, p in enumerate(table.params) if p.kind == "r"}
    with np.errstate(divide="ignore", invalid="ignore"):
        if scores is not None and n_e:
            ts = np.nonzero(m)[0]
            ps = np.array([r_index.get(table.exchange_ids[e], -2)
                           for e in table.exchange[ts].tolist()], dtype=int)
            per_t = table.without_many(ts, ps)[:, None] * scores[table.key[ts]]
            per_r = sum_rows(table.exchange[ts], per_t, n_e)
        else:
            v = table.values
            r = np.array([v[r_index[eid]] for eid in table.exchange_ids]) if n_e else np.zeros(0)
            per_r = sup / r[:, None]
        out = np.where((per_r != 0) & np.isfinite(per_r), -(total - sup) / per_r, np.nan)
    return out


def global_shares(sens: list[Sensitivity], table: TermTable, params: np.ndarray,
                  deltas: np.ndarray, uncertain: list[int], seed: int) -> None:
    """Fill each Sensitivity's ``global_shares`` from the Monte Carlo draws: ``params``
    (n_params, n) and ``deltas`` (n_methods, n)."""
    n = deltas.shape[1]
    if not uncertain:
        for s in sens:
            s.global_note = ("no parameter of the scenario has a distribution: the variance of Δ "
                             "comes from the background alone")
        return
    if n < GLOBAL_MIN_DRAWS:
        for s in sens:
            s.global_note = f"not estimated: {n} draws (at least {GLOBAL_MIN_DRAWS} needed)"
        return
    from SALib.analyze import rbd_fast

    label_to_index = {table.params[i].label: i for i in uncertain}
    for j, s in enumerate(sens):
        chosen = [label_to_index[r.parameter] for r in s.rows if r.parameter in label_to_index]
        chosen = [i for i in chosen if np.ptp(params[i]) > 0][:GLOBAL_MAX_PARAMETERS]
        y = deltas[j]
        if not chosen or not np.ptp(y) > 0:
            s.global_note = "Δ does not vary over the draws"
            continue
        X = params[chosen].T
        problem = {"num_vars": len(chosen), "names": [table.params[i].label for i in chosen],
                   "bounds": [[float(X[:, c].min()), float(X[:, c].max())] for c in range(len(chosen))]}
        res = rbd_fast.analyze(problem, X, y, num_resamples=20, seed=seed, print_to_console=False)
        shares = [GlobalShare(problem["names"][c], float(res["S1"][c]), float(res["S1_conf"][c]))
                  for c in range(len(chosen))]
        shares.sort(key=lambda g: -g.s1)
        s.global_shares = shares
        s.global_note = global_note(shares, n)


def global_note(shares: list[GlobalShare], n: int) -> str:
    """What the first-order indices say, in words. 1 − ΣS1 is what the parameters' own effects
    leave unexplained: the background's variability, interactions and estimation noise. The
    indices are estimates from ``n`` draws, so their sum can exceed 1 (a negative rest): that
    is noise, never a negative share, and the rest is then not estimated (issue #20)."""
    total = sum(max(g.s1, 0.0) for g in shares)
    head = (f"first-order Sobol indices (RBD-FAST, SALib) from {n:,} Monte Carlo draws of the "
            f"{len(shares)} uncertain parameters with the largest one-at-a-time swing")
    rest = 1.0 - total
    if rest < 0:
        return (f"{head}; they sum to {total:.2f}, more than 1, which only the estimation noise "
                f"of {n:,} draws can cause: the share left to the background's variability and "
                "to interactions is not estimated (more draws narrow it)")
    return (f"{head}; they leave {100 * rest:.0f} % of the variance of Δ unexplained "
            "(1 − ΣS1): the background's variability, interactions between parameters and "
            "estimation noise together")
