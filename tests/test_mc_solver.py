"""Monte Carlo's factorisation in one fill-reducing order (preordered.PreorderedSolver): the same
numbers as SciPy's default solve on real background draws, the ordering's block triangular
form, and the fallback to the default solve on a draw that fails the residual check."""

from __future__ import annotations

import warnings

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import spsolve

from ecolca.lca import uncertainty
from ecolca.lca.preordered import MC_RESIDUAL_BOUND, PreorderedSolver, fill_reducing_order

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
ACID = ("EF v3.1", "acidification", "accumulated exceedance (AE)")


def _looped_lca_matrix(n: int = 400, seed: int = 3) -> sparse.csr_matrix:
    """An LCA-like technosphere matrix: production 1 on the diagonal, inputs −(0.01–0.2) taken
    mostly from lower-numbered activities, a few from higher ones (loops)."""
    rng = np.random.default_rng(seed)
    entries = [(j, j, 1.0) for j in range(n)]
    for j in range(1, n):
        for i in rng.choice(j, size=min(j, 4), replace=False):
            entries.append((int(i), j, -rng.uniform(0.01, 0.2)))
    for j in rng.choice(n, size=40, replace=False):  # loops: inputs from later activities
        i = int(rng.integers(0, n))
        if i != j:
            entries.append((i, int(j), -rng.uniform(0.01, 0.05)))
    rows, cols, vals = zip(*entries)
    A = sparse.csr_matrix((vals, (rows, cols)), shape=(n, n))
    A.sum_duplicates()
    return A


def test_the_order_is_block_triangular_by_loops_and_solves_as_the_default():
    A = _looped_lca_matrix()
    p = fill_reducing_order(A)
    assert sorted(p.tolist()) == list(range(A.shape[0]))
    ncomp, lab = connected_components(A, directed=True, connection="strong")
    sizes = np.bincount(lab)
    assert sizes.max() >= 3, "the test matrix must have a loop the minimum degree step orders"
    P = A[p][:, p].tocoo()
    # above the diagonal only entries inside one loop (diagonal block): block lower triangular
    upper = P.row < P.col
    assert upper.any()
    assert np.all(lab[p][P.row[upper]] == lab[p][P.col[upper]])
    # and each loop's activities are contiguous in the order
    lp = lab[p]
    assert len(np.unique(lp)) == np.count_nonzero(np.r_[True, lp[1:] != lp[:-1]])

    B = np.zeros((A.shape[0], 3))
    B[[5, 200, 399], [0, 1, 2]] = 1.0
    s = PreorderedSolver()
    X = s(A, B)
    ref = spsolve(A.tocsc(), B)
    assert np.allclose(X, ref, rtol=1e-12, atol=1e-15)
    assert s.last_residual <= 1e-14 and s.fallbacks == 0
    X1 = s(A, B[:, 0])  # one demand as a vector, the same plan
    assert X1.shape == (A.shape[0],) and np.allclose(X1, ref[:, 0], rtol=1e-12, atol=1e-15)


def test_a_draw_that_fails_the_residual_check_is_solved_the_default_way():
    # a tiny production amount on the diagonal: forced to pivot on it (threshold 0), the
    # factorisation is wrong by far more than the bound; the default solve pivots it away
    A = sparse.csr_matrix(np.array([[1e-17, 1.0, 0.0], [1.0, 1.0, -0.1], [0.0, -0.2, 1.0]]))
    b = np.array([1.0, 2.0, 0.5])
    forced = PreorderedSolver(diag_pivot_thresh=0.0)
    x = forced(A, b)
    assert forced.fallbacks == 1
    assert forced.last_residual > MC_RESIDUAL_BOUND  # the preordered solution, rejected
    assert np.array_equal(x, spsolve(A, b))
    assert np.linalg.norm(A @ x - b) <= 1e-14 * np.linalg.norm(b)
    # with the default threshold the same matrix needs no fallback
    usual = PreorderedSolver()
    assert np.allclose(usual(A, b), x, rtol=1e-12) and usual.fallbacks == 0


def test_background_draws_give_the_default_solves_scores_to_1e_9(bw_project):
    """uncertainty.background_chunk (preordered solves) against bw2calc's own MultiLCA with
    distributions, the same seed, SciPy's default solve, on every activity of ecolca-open."""
    import bw2data as bd

    from ecolca.brightway import bwcompat

    ids = sorted(a.id for a in bd.Database("ecolca-open"))
    methods = [GWP, ACID]
    n = 3
    got = uncertainty.background_chunk(None, bw_project, ids, methods, 12345, n)
    assert uncertainty.LAST_CHUNK_SOLVES == {"solves": n, "fallbacks": 0}

    demands = {f"n{i}": {nid: 1.0} for i, nid in enumerate(ids)}
    config = {"impact_categories": methods}
    mlca = bwcompat.scores_multilca()(
        demands=demands, method_config=config, use_distributions=True, seed_override=12345,
        data_objs=bd.get_multilca_data_objs(functional_units=demands, method_config=config))
    ref = np.zeros_like(got)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlca.lci()
        mlca.lcia()
        for it in range(n):
            if it:
                next(mlca)
            for j, m in enumerate(methods):
                for i in range(len(ids)):
                    ref[i, j, it] = mlca.scores[(m, f"n{i}")]
    assert np.abs(ref).max() > 0 and np.count_nonzero(ref) > len(ids)
    assert not np.array_equal(ref[:, :, 0], ref[:, :, 1]), "the draws must differ"
    scale = np.abs(ref).max(axis=0, keepdims=True)  # per method and draw
    assert np.all(np.abs(got - ref) <= 1e-9 * np.maximum(np.abs(ref), 1e-6 * scale))
