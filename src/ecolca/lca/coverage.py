"""What a category can see, per exchange side and per site, and which figures are below
numerical precision (docs/engine.md, "Coverage and precision").

A term is *covered* for a method when its node's supply chain reaches a flow the method
characterises (:attr:`ecolca.lca.solve.Solved.reach`, from the matrices' pattern). An exchange
has two sides: the *added* side (transport, processing: what the exchange adds, lost output
included) and the *avoided* side (avoided supply, avoided fate). When one side has terms but no
data for a category and the other has, the covered side alone sets the sign of Δ_e: the exchange
is *one-sided* for that category, and every figure of it says so in words.

A figure whose magnitude is at most :data:`ecolca.lca.solve.PRECISION_RTOL` of the sum of the
absolute contributions it adds up is reported as 0, "below numerical precision", and never as a
break-even distance, a ratio or a Δ %.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecolca.lca.results import PRECISION_RTOL, SIDE_MISSING, SITE_NOT_COVERED  # noqa: F401
from ecolca.lca.terms import EXCHANGE_PARTS, SITE, TermTable, sum_rows

ADDED_PARTS = ("transport", "processing")
AVOIDED_PARTS = ("avoided_fate", "avoided_supply")

BELOW_PRECISION = "below numerical precision"
EXCHANGE_NOT_COVERED = ("not covered: no process of this exchange's supply chains has a flow "
                        "this category characterises")
LEG_NOT_COVERED = "not covered: the transport has no data for this category"


@dataclass
class ExchangeCoverage:
    """Per exchange (and site) and method: which parts and sides have data."""

    part_has: dict[str, np.ndarray]        # part -> (n_e,) bool: non-zero terms of this part
    part_covered: dict[str, np.ndarray]    # part -> (n_e, n_m) bool: one of them is covered
    one_sided: np.ndarray                  # (n_e, n_m) object: None, "avoided" or "added" (the
    # side without data while the other has)
    not_covered: np.ndarray                # (n_e, n_m) bool: terms, none covered
    below_precision: np.ndarray            # (n_e, n_m) bool: Δ_e is rounding noise (shown 0)
    scale: np.ndarray                      # (n_e, n_m): Σ |contribution| of the exchange's terms
    site_covered: np.ndarray               # (n_sites, n_m) bool: a site term is covered
    site_has: np.ndarray                   # (n_sites,) bool: the site has non-zero terms

    def part_missing(self, part: str) -> np.ndarray:
        """(n_e, n_m) bool: the part has terms and no data (its 0 is not a result)."""
        return self.part_has[part][:, None] & ~self.part_covered[part]

    def note(self, i: int, j: int) -> str | None:
        """Why exchange ``i``'s Δ_e for method ``j`` is not a plain result, in words."""
        if self.not_covered[i, j]:
            return EXCHANGE_NOT_COVERED
        if self.one_sided[i, j] is not None:
            return SIDE_MISSING[self.one_sided[i, j]]
        if self.below_precision[i, j]:
            return BELOW_PRECISION
        return None

    def site_note(self, i: int, j: int) -> str | None:
        return SITE_NOT_COVERED if self.site_has[i] and not self.site_covered[i, j] else None


def of_terms(table: TermTable, amounts: np.ndarray, reach: np.ndarray,
             contrib: np.ndarray) -> ExchangeCoverage:
    """The coverage of every exchange part and side and of every site, for every method."""
    n_e, n_s, n_m = len(table.exchange_ids), len(table.site_ids), contrib.shape[1]
    has = amounts != 0
    cov = (reach[table.key] & has[:, None]).astype(float)
    part_has, part_cov = {}, {}
    for idx, name in enumerate(EXCHANGE_PARTS, start=1):
        m = table.part == idx
        part_has[name] = np.bincount(table.exchange[m], weights=has[m].astype(float),
                                     minlength=n_e)[:n_e] > 0
        part_cov[name] = sum_rows(table.exchange[m], cov[m], n_e) > 0

    def side(names):
        h = np.zeros(n_e, dtype=bool)
        c = np.zeros((n_e, n_m), dtype=bool)
        for p in names:
            h |= part_has[p]
            c |= part_cov[p]
        return h, c

    av_h, av_c = side(AVOIDED_PARTS)
    ad_h, ad_c = side(ADDED_PARTS)
    one = np.full((n_e, n_m), None, dtype=object)
    one[av_h[:, None] & ~av_c & ad_c] = "avoided"
    one[ad_h[:, None] & ~ad_c & av_c] = "added"
    ex = table.exchange >= 0
    scale = sum_rows(table.exchange[ex], np.abs(contrib[ex]), n_e)
    tot = sum_rows(table.exchange[ex], contrib[ex], n_e)
    below = (tot != 0) & (np.abs(tot) <= PRECISION_RTOL * scale)
    s = table.part == SITE
    site_has = np.bincount(table.site[s], weights=has[s].astype(float), minlength=n_s)[:n_s] > 0
    site_cov = sum_rows(table.site[s], cov[s], n_s) > 0
    return ExchangeCoverage(part_has, part_cov, one,
                            (av_h | ad_h)[:, None] & ~(av_c | ad_c), below, scale, site_cov,
                            site_has)


def mark_impacts(impacts, cover: ExchangeCoverage, scale: np.ndarray,
                 labels: list[str]) -> None:
    """Flag, on each :class:`~ecolca.lca.results.MethodResult`, a Δ below numerical precision (of
    ``scale``, the sum of the absolute contributions per method) and the one-sided exchanges."""
    for j, r in enumerate(impacts):
        d = r.symbiotic - r.linear
        r.scale = float(scale[j])
        r.below_precision = bool(d != 0 and abs(d) <= PRECISION_RTOL * scale[j])
        r.one_sided = [(labels[i], cover.one_sided[i, j])
                       for i in np.nonzero(cover.one_sided[:, j] != None)[0].tolist()]  # noqa: E711


def break_even_reasons(cover: ExchangeCoverage, ix: np.ndarray, leg_reach: np.ndarray,
                       per_km: np.ndarray, rest: np.ndarray) -> dict[tuple[int, int], str]:
    """{(exchange, method): why there is no break-even distance} where it would be computed from
    no data, from one side only, or from figures below numerical precision."""
    out: dict[tuple[int, int], str] = {}
    for r, i in enumerate(ix.tolist()):
        for j in range(per_km.shape[1]):
            note = cover.note(i, j)
            if note is not None and note != BELOW_PRECISION:
                out[(i, j)] = note
            elif not leg_reach[r, j]:
                out[(i, j)] = LEG_NOT_COVERED
            elif per_km[r, j] != 0 and abs(rest[r, j]) <= PRECISION_RTOL * cover.scale[i, j]:
                out[(i, j)] = BELOW_PRECISION
    return out


def ratio_where_meaningful(cover: ExchangeCoverage, ratio: np.ndarray) -> np.ndarray:
    """The break-even substitution ratios, NaN where the exchange is not covered, one-sided,
    below precision, or its avoided supply has no data."""
    bad = (cover.not_covered | (cover.one_sided != None) | cover.below_precision  # noqa: E711
           | cover.part_missing("avoided_supply"))
    return np.where(bad, np.nan, ratio)
