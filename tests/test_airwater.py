"""Air pollutants, effluent nutrients, measured grid SO2/NOx and coal energy content in ecolca-open
(databases/ecolca-open/NOTES_airwater.md): each check fails without that data."""

import pytest

from ecolca.brightway import background

ACID = ("EF v3.1", "acidification", "accumulated exceedance (AE)")
EUTR_FW = ("EF v3.1", "eutrophication: freshwater",
           "fraction of nutrients reaching freshwater end compartment (P)")
EUTR_M = ("EF v3.1", "eutrophication: marine",
          "fraction of nutrients reaching marine end compartment (N)")
ADP = ("EF v3.1", "energy resources: non-renewable",
       "abiotic depletion potential (ADP): fossil fuels")
PM = ("EF v3.1", "particulate matter formation", "impact on human health")

LB = 0.45359237


def _biosphere(code):
    import bw2data as bd

    act = bd.get_activity((background.BUNDLED_NAME, code))
    out: dict[str, float] = {}
    for exc in act.biosphere():
        out[exc.input["name"]] = out.get(exc.input["name"], 0.0) + exc["amount"]
    return out


@pytest.fixture(scope="module")
def scores(_bw_project_built):
    import bw2data as bd

    bd.projects.set_current(_bw_project_built)
    return {m: background.unit_scores(m) for m in (ACID, EUTR_FW, EUTR_M, ADP, PM)}


def test_lorry_emits_nox_pm_nmvoc_per_tkm(bw_project):
    ex = _biosphere("transport-lorry")
    # EMEP/EEA Tier 1 HDV diesel: 25.95 g NOx and 0.55 g PM per kg fuel, 0.0263 kg fuel per t.km
    assert 0.3e-3 < ex["Nitrogen oxides"] < 1.5e-3
    assert 0.5e-5 < ex["Particulate Matter, < 2.5 um"] < 5e-5
    assert ex["NMVOC, non-methane volatile organic compounds"] > 0


@pytest.mark.parametrize("code", [
    "mat-clinker", "mat-quicklime", "mat-steel-eaf", "mat-ammonia", "waste-incineration-municipal",
    "mat-limestone", "elec-biomass"])
def test_industrial_processes_carry_nox(bw_project, code):
    assert _biosphere(code).get("Nitrogen oxides", 0.0) > 0


@pytest.mark.parametrize("code", ["mat-clinker", "mat-quicklime", "mat-steel-bof", "mat-steel-eaf",
                                  "mat-limestone", "mat-sand-gravel", "mat-gypsum-natural",
                                  "waste-incineration-municipal", "elec-biomass"])
def test_industrial_processes_carry_pm25(bw_project, code):
    assert _biosphere(code).get("Particulate Matter, < 2.5 um", 0.0) > 0


def test_us_grid_acidification_matches_egrid_by_hand(scores):
    """eGRID2022 national SO2 0.473 and NOx 0.504 lb/MWh, 5.1 % loss, EF 3.1 factors 1.31 and
    0.74 mol H+-eq/kg: the US grid's acidification is within a factor of 1.5 of that."""
    per_kwh = lambda lb: lb * LB / 1000 / (1 - 0.051)  # noqa: E731
    by_hand = per_kwh(0.473) * 1.31 + per_kwh(0.504) * 0.74
    ratio = scores[ACID]["elec-grid-us"] / by_hand
    assert 1 / 1.5 < ratio < 1.5, ratio


def test_measured_grids_are_below_uncontrolled_tier1(scores):
    # the uncontrolled Tier 1 hard-coal plant stays as the technology process; grids with a
    # measured SO2/NOx figure must come out far below a coal-heavy Tier 1 grid
    for code in ("elec-grid-us", "elec-grid-dk", "elec-grid-jp"):
        assert scores[ACID][code] < 0.25 * scores[ACID]["elec-hard-coal"], code


def test_wastewater_effluent_eutrophies(scores):
    assert scores[EUTR_FW]["waste-wastewater-treatment"] > 1e-3   # kg P-eq per m3 (5.3 g P/m3)
    assert scores[EUTR_M]["waste-wastewater-treatment"] > 1e-2    # kg N-eq per m3 (24 g N/m3)


@pytest.mark.parametrize("code, ncv", [("fuel-hard-coal", 25.8), ("fuel-lignite", 11.9)])
def test_coal_adp_fossil_equals_its_energy_content(scores, code, ncv):
    """1 MJ (NCV) of coal reads as 1 MJ in EF 3.1 ADP fossil, as natural gas does."""
    assert scores[ADP][code] / ncv == pytest.approx(1.0, rel=0.05)
    assert scores[ADP]["fuel-natural-gas"] == pytest.approx(1.0, rel=0.05)
