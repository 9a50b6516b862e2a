"""Monte Carlo's solves of the background: one fill-reducing ordering for every draw
(:class:`PreorderedSolver`, used by :mod:`ecolca.lca.uncertainty`; docs/performance.md,
"Monte Carlo on the background")."""

from __future__ import annotations

import numpy as np

# ---- Monte Carlo: one fill-reducing ordering for every draw ------------------------------
# Every Monte Carlo draw changes the values of the technosphere matrix, never its sparsity
# pattern. SciPy's solver (SuperLU, as bw2calc calls it) orders the columns (COLAMD) and pivots
# by rows again for each draw, and on an ecoinvent-like matrix its factors fill to 10–15× the
# matrix. :class:`PreorderedSolver` computes a symmetric ordering once per pattern
# (:func:`fill_reducing_order`) and factorises each draw with it, keeping the diagonal (the
# production amounts) as pivots where it is not small against its column; every solution is
# checked by its residual and solved again the default way when the check fails
# (docs/performance.md, "Monte Carlo on the background").

# SuperLU takes the diagonal as pivot when it is at least this fraction of the column's largest
# entry (threshold partial pivoting; 1.0 is plain partial pivoting, SciPy's default)
MC_DIAG_PIVOT_THRESH = 0.01
# a preordered solve is kept when max over demands of ‖A·x − b‖ / ‖b‖ is at most this (a
# default factorisation gives about 1e-15 on the matrices of docs/performance.md)
MC_RESIDUAL_BOUND = 1e-10


def fill_reducing_order(A) -> np.ndarray:
    """A permutation ``p`` of the square matrix ``A`` such that ``A[p][:, p]`` is block lower
    triangular, its diagonal blocks the strongly connected components of ``A``'s graph (loops
    of the supply chain), each ordered inside by SuperLU's minimum degree on ``B + Bᵀ``.

    Components come consumers first, suppliers last: factorising a block triangular matrix fills
    only inside its diagonal blocks, and a supply chain without loops (a triangular matrix after
    permutation) does not fill at all. It depends on the sparsity pattern only."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components
    from scipy.sparse.linalg import splu

    A = sparse.csr_matrix(A)
    n = A.shape[0]
    ncomp, lab = connected_components(A, directed=True, connection="strong")
    # condensation: component of the supplier (row) → component of the consumer (column)
    coo = A.tocoo()
    cross = lab[coo.row] != lab[coo.col]
    E = sparse.csr_matrix((np.ones(int(cross.sum())), (lab[coo.row[cross]], lab[coo.col[cross]])),
                          shape=(ncomp, ncomp))
    E.sum_duplicates()
    indptr, indices = E.indptr, E.indices
    indeg = np.bincount(indices, minlength=ncomp)
    stack = np.nonzero(indeg == 0)[0].tolist()
    rank = np.empty(ncomp, dtype=np.int64)
    k = 0
    while stack:  # Kahn's topological order of the components, suppliers first
        u = stack.pop()
        rank[u] = k
        k += 1
        for v in indices[indptr[u]:indptr[u + 1]].tolist():
            indeg[v] -= 1
            if indeg[v] == 0:
                stack.append(v)
    if k != ncomp:  # cannot happen for a condensation (it has no cycle)
        raise RuntimeError("the component graph has a cycle")
    key = (ncomp - 1 - rank)[lab]  # consumers first, suppliers last: block lower triangular
    p = np.argsort(key, kind="stable")
    sorted_key = key[p]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    ends = np.r_[starts[1:], n]
    for s, e in zip(starts.tolist(), ends.tolist()):
        if e - s < 3:
            continue
        idx = p[s:e]
        block = A[idx][:, idx].tocsc()
        try:
            lu = splu(block, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                      options={"SymmetricMode": True})
        except RuntimeError:  # a singular block: keep its order (the solve will say)
            continue
        p[s:e] = idx[np.argsort(lu.perm_c)]
    return p


class PreorderedSolver:
    """``solver(A, B)`` solves ``A·X = B`` (B: one demand per column) like
    :func:`scipy.sparse.linalg.spsolve`, factorising ``Aᵀ`` (as bw2calc does) in the order of
    :func:`fill_reducing_order`, computed once per sparsity pattern and kept.

    Each solution's residual is checked; above ``bound`` the draw is solved again with
    ``spsolve`` (SciPy's default ordering and pivoting) and counted in ``fallbacks``."""

    def __init__(self, diag_pivot_thresh: float = MC_DIAG_PIVOT_THRESH,
                 bound: float = MC_RESIDUAL_BOUND):
        self.diag_pivot_thresh = diag_pivot_thresh
        self.bound = bound
        self.solves = 0
        self.fallbacks = 0
        self.last_residual = float("nan")
        self._pattern: tuple | None = None   # (indptr, indices) of the CSR matrix the plan is for
        self._order: np.ndarray | None = None
        self._take: np.ndarray | None = None  # A.data[take] = data of Pᵀ·Aᵀ·P in CSC
        self._indices = self._indptr = None

    def _plan(self, A) -> None:
        from scipy import sparse

        p = fill_reducing_order(A)
        template = sparse.csr_matrix((np.arange(A.nnz, dtype=np.float64), A.indices, A.indptr),
                                     shape=A.shape)
        # Aᵀ permuted symmetrically, in CSC: the transpose of the permuted CSR matrix
        M = template[p][:, p].T.tocsc()
        M.sort_indices()
        self._take = M.data.astype(np.int64)
        self._indices, self._indptr = M.indices, M.indptr
        self._order = p
        self._pattern = (A.indptr.copy(), A.indices.copy())

    def __call__(self, A, B: np.ndarray) -> np.ndarray:
        from scipy import sparse
        from scipy.sparse.linalg import splu, spsolve

        A = sparse.csr_matrix(A, dtype=np.float64)
        A.sum_duplicates()
        B = np.asarray(B, dtype=np.float64)
        vector = B.ndim == 1
        B2 = B.reshape(len(B), -1)
        if self._pattern is None or not (np.array_equal(self._pattern[0], A.indptr)
                                         and np.array_equal(self._pattern[1], A.indices)):
            self._plan(A)
        self.solves += 1
        X = None
        try:
            M = sparse.csc_matrix((A.data[self._take], self._indices, self._indptr), shape=A.shape)
            lu = splu(M, permc_spec="NATURAL", diag_pivot_thresh=self.diag_pivot_thresh,
                      options={"SymmetricMode": True})
            p = self._order
            X = np.empty_like(B2)
            X[p] = lu.solve(np.ascontiguousarray(B2[p]), trans="T")
            res = self.residual(A, X, B2)
        except RuntimeError:  # exactly singular in this order
            res = float("inf")
        self.last_residual = res
        if not res <= self.bound:
            self.fallbacks += 1
            X = spsolve(A, B2).reshape(B2.shape)
        return X.ravel() if vector else X

    @staticmethod
    def residual(A, X: np.ndarray, B: np.ndarray) -> float:
        """max over columns of ‖A·x − b‖ / ‖b‖ (inf when not finite)."""
        r = np.linalg.norm(A @ X - B, axis=0) / np.maximum(np.linalg.norm(B, axis=0), 1e-300)
        m = float(np.max(r)) if r.size else 0.0
        return m if np.isfinite(m) else float("inf")
