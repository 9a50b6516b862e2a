"""Per-site figures: each site's stand-alone (linear) impact and its symbiotic impact under every
attribution key (methodology §3, methodology-notes §3)."""

from __future__ import annotations

import numpy as np

from ecolca.lca.economics import _economic_weight
from ecolca.lca.terms import sum_rows
from ecolca.core.model import ATTRIBUTION_KEYS, Scenario, supplier_pays


def site_symbiotic(sc: Scenario, site_lin: np.ndarray, parts: dict[str, np.ndarray],
                   gains: dict[str, tuple[float, float]]) -> dict[str, np.ndarray]:
    """{key: (n_sites, n_methods)}: each site's linear impact plus its share of every exchange's
    Δ_e under the key. ``parts`` are the per-exchange parts (n_exchanges, n_methods)."""
    sidx = {s.id: i for i, s in enumerate(sc.sites)}
    fate, sup, tr, pr = (parts[p] for p in ("avoided_fate", "avoided_supply", "transport",
                                           "processing"))
    total = fate + sup + tr + pr
    from_idx = np.array([sidx[e.from_site] for e in sc.exchanges], dtype=int)
    to_idx = np.array([sidx[e.to_site] for e in sc.exchanges], dtype=int)
    t_sup = np.array([supplier_pays(e.economics.transport_paid_by) for e in sc.exchanges], dtype=bool)
    p_sup = np.array([supplier_pays(e.economics.processing_paid_by) for e in sc.exchanges], dtype=bool)
    w_sup = np.array([_economic_weight(*gains[e.id]) for e in sc.exchanges], dtype=float)
    out: dict[str, np.ndarray] = {}
    for key in ATTRIBUTION_KEYS:
        if key == "physical":
            a = fate + np.where(t_sup[:, None], tr, 0.0) + np.where(p_sup[:, None], pr, 0.0)
        elif key == "50/50":
            a = total / 2
        elif key == "receiver":
            a = np.zeros_like(total)
        elif key == "supplier":
            a = total
        else:  # economic
            a = total * w_sup[:, None]
        share = np.zeros_like(site_lin)
        if len(sc.exchanges):
            share += sum_rows(from_idx, a, len(share))
            share += sum_rows(to_idx, total - a, len(share))
        out[key] = site_lin + share
    return out
