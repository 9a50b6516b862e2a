"""Generates src/ecolca/examples/phoenix.ecolca.json (run from the repository root:
`.venv/bin/python tools/examples/phoenix.py`).

An ILLUSTRATIVE Phoenix-area park. No quantified industrial-symbiosis LCA of Phoenix was found, so
the park is assembled from two exchanges that really exist and are documented in public sources
(reclaimed effluent cooling Palo Verde; digester biogas sold as renewable natural gas), with US
background data. Every number below names its source or is listed as an assumption with its
reason; see docs/validation.md (Phoenix section) for the comparison with published figures.
"""
import math
from ecolca.core.model import *
from ecolca.core import scenario_file

B = "ecolca-open"
# biosphere3 "Water", emission to air (unspecified): water evaporated. In bw2io's ecoinvent-3.9.1
# LCIA data it is the only flow that EF v3.1 water use (AWARE, 42.95 m3 world-eq/m3) and ReCiPe
# 2016 water consumption (WCP, 1 m3/m3) characterise (see databases/ecolca-open/NOTES_wwt.md).
WATER_TO_AIR = "075e433b-4be4-448e-9510-9a5029c1ce94"
WCP = ("ReCiPe 2016 v1.03, midpoint (H)", "water use", "water consumption potential (WCP)")


def R(code):
    return ActivityRef(B, code)


# --- unit conversions (exact or standard) ------------------------------------------------------
GAL_M3 = 3.785411784e-3          # US gallon, 231 in³ (exact)
AF_M3 = 325_851 * GAL_M3         # acre-foot = 325,851 US gallons (azcentral 2009 quotes the same)
MMBTU_GJ = 1.055056              # 1 MMBtu (International Table Btu) = 1.055056 GJ
MIN_PER_YEAR = 525_600           # 365 d × 1,440 min

# --- published figures ----------------------------------------------------------------------
# Palo Verde cooling make-up water, Cronkite News 2019 (plant manager, Palo Verde Water Resources):
# up to 40,000 gpm in winter, up to 60,000 gpm in summer.
PV_WINTER_GPM, PV_SUMMER_GPM = 40_000, 60_000
# SROG-APS-SRP effluent contract (2010): up to an annual allotment of 26 billion gallons.
CONTRACT_GAL = 26e9
# 91st Avenue WWTP average flow 145 mgd (Treatment Plant Operator, Sept. 2019).
WWTP_MGD = 145
# RNG plant at 91st Avenue: "over 600,000 mmbtu of methane annually" (Glendale Star, June 2019,
# quoting Phoenix Deputy Water Services Director P. Kennedy); raw methane "about $1 per mmbtu".
RNG_MMBTU = 600_000
RNG_USD_PER_MMBTU = 1.0
# Contract effluent price: about $58/AF initially (2010), adjusted annually to about $300/AF in 2026.
P2010, P2026 = 58.0, 300.0
# Ratios already used by ecolca-open's heat-natural-gas / fuel-natural-gas processes:
LHV_PER_HHV = 0.90     # IPCC 2006 Vol. 2 Ch. 1 s. 1.4.1.2: NCV of natural gas ≈ GCV − 10 %
BOILER_EFF = 0.805     # midpoint of 75–86 % combustion efficiency (ASHRAE 1994, as in heat-natural-gas)
# EPRI (2002) activated sludge 1,322 kWh/MG, as in waste-wastewater-treatment (0.349235 kWh/m³).
WWTP_KWH_PER_M3 = 1322 / (1e6 * GAL_M3)
# Energy of wastewater reuse, 1–2.5 kWh/m³ (Hoff 2011; Mohtar & Daher 2012, table in IWA Publishing).
REUSE_KWH_LOW, REUSE_KWH_HIGH = 1.0, 2.5

# --- derived quantities ---------------------------------------------------------------------
pv_flow_avg_m3 = (PV_WINTER_GPM + PV_SUMMER_GPM) / 2 * MIN_PER_YEAR * GAL_M3   # 99.5 Mm³
contract_m3 = CONTRACT_GAL * GAL_M3                                             # 98.4 Mm³
pv_winter_m3 = PV_WINTER_GPM * MIN_PER_YEAR * GAL_M3                            # 79.6 Mm³
effluent_to_pv = round(min(pv_flow_avg_m3, contract_m3), -3)                   # capped by the contract
wwtp_effluent = round(WWTP_MGD * 1e6 * 365 * GAL_M3, -3)                       # 200.3 Mm³
wwtp_kwh = wwtp_effluent * WWTP_KWH_PER_M3
rng_gj = round(RNG_MMBTU * MMBTU_GJ)                                            # 633,034 GJ (HHV)
r_rng = round(LHV_PER_HHV * BOILER_EFF, 4)                                      # GJ heat per GJ RNG (HHV)
heat_replaced = math.ceil(rng_gj * BOILER_EFF)  # room for r up to 0.805 (LHV reading)
price_2019_af = P2010 + (P2026 - P2010) * (2019 - 2010) / (2026 - 2010)         # linear schedule
price_2019_m3 = round(price_2019_af / AF_M3, 4)

SRC_CRONKITE = ("Cronkite News (2019), 'Why Palo Verde, the country's largest nuclear plant, is cutting its "
                "wastewater use' (R. Lange, plant manager, Palo Verde Water Resources: up to 40,000 gpm in "
                "winter, up to 60,000 gpm in summer, 'and that makes up for the evaporation rate of the "
                "cooling towers')")
SRC_ZLD = ("innotap.com (January 2016), 'Palo Verde nuclear power plant continues to defy desert' (M. "
           "McLaughlin, Palo Verde general manager: 'If we bring a drop of water to Palo Verde, it either "
           "evaporates off or it stays here forever ... We're a zero-discharge station')")
SRC_CONTRACT = ("Reliable Plant / RP news wires (2010), 'Contract provides Palo Verde nuclear plant with power "
                "production cooling water': SROG cities (Glendale, Mesa, Phoenix, Scottsdale, Tempe), APS and "
                "SRP, 40-year contract, up to 26 billion gallons/yr of treated effluent from the 91st Avenue "
                "WWTP; about $58/acre-foot initially, adjusted annually to about $300/acre-foot in 2026")
SRC_TPO = ("Treatment Plant Operator (TPO) magazine (Sept. 2019), 'An Arizona plant can now claim full capture "
           "and reuse of clean-water plant resources': 91st Avenue WWTP 145 mgd average; effluent used for "
           "irrigation, Tres Rios wetlands and Palo Verde cooling; biogas mostly flared before the RNG plant")
SRC_GLENDALE = ("Glendale Star (June 2019), 'Wastewater plant opens natural gas facility' (P. Kennedy, Phoenix "
                "Deputy Water Services Director: over 600,000 mmbtu of methane annually, raw methane about "
                "$1 per mmbtu; methane previously burned off in flares)")
SRC_BIOMAG = ("Biodiesel Magazine (3 Feb 2017), 'Ameresco, City of Phoenix break ground on RNG project': biogas "
              "mostly flared, a small part used as boiler fuel; RNG injected into the Kinder Morgan interstate "
              "pipeline for sale to third parties; 3,250 scfm capacity")
SRC_HOFF = ("Hoff H. (2011) and Mohtar R. & Daher B. (2012), energy intensity of water production, as tabulated "
            "in IWA Publishing (iwaponline.com, 'Energy intensity of clean water production', Table 3): "
            "groundwater 0.48 kWh/m³, wastewater reuse 1-2.5 kWh/m³")
SRC_APS_GEN = ("APS via Power News Wire (2016), 'Palo Verde nuclear plant no. 1 U.S. power producer for 24th "
               "year in a row': 32.5 million MWh net in 2015")
ASSUME_NOTE = "Assumption (see scenario assumptions)."

sc = Scenario(
    name="Phoenix (illustrative): reclaimed effluent for Palo Verde and biogas to RNG",
    id="example-phoenix",
    description=(
        "ILLUSTRATIVE park in the Phoenix area (Arizona, USA) for the reference year 2019. No quantified "
        "industrial-symbiosis LCA of Phoenix was found, so this is not a replication of a published study: "
        "it is assembled from two exchanges that really exist and are documented, with quantities from "
        "public news, utility and contract sources and US background data (eGRID subregion AZNM grid, EPRI "
        "water-energy figures). It is labelled illustrative because the site boundaries, the linear "
        "reference (what each site would do alone) and several conversion factors are assumptions, not "
        "operator data.\n"
        "(1) Treated effluent from the 91st Avenue Wastewater Treatment Plant (owned by the five SROG cities, "
        "operated by Phoenix) is piped about 36 miles to the Palo Verde Generating Station, where it is "
        "treated further and used as cooling-tower make-up water. In the linear reference Palo Verde pumps "
        "groundwater and the plant discharges its effluent, with its phosphorus, to the Salt River (Tres "
        "Rios); Palo Verde is a zero-discharge station, so the effluent it takes never reaches a river.\n"
        "(2) Digester biogas of the same plant, formerly flared, is upgraded to renewable natural gas (RNG) "
        "by Ameresco and injected into the interstate pipeline; the buyers are represented by a proxy of "
        "natural-gas heat users. In the linear reference the biogas is flared (biogenic CO2, no burden) "
        "and the buyers burn fossil natural gas.\n"
        "Documented but not modelled (no annual quantity found): biosolids land-applied to hay and cotton, "
        "effluent for irrigation and the Tres Rios wetlands."),
    reference_year=2019, currency="USD", calibration="illustrative",
    sources=[SRC_CRONKITE, SRC_ZLD, SRC_CONTRACT, SRC_TPO, SRC_GLENDALE, SRC_BIOMAG, SRC_HOFF, SRC_APS_GEN,
             "Ameresco (2019), American City & County 2019 Crown Communities Awards: 91st Avenue RNG plant, "
             "expected to reduce 44,671 t CO2/yr (compared in docs/validation.md (Phoenix section); not used as input).",
             "Arizona Republic (12 Nov 2019), 'State rejects APS request to pump water for Palo Verde': APS "
             "sought up to 10,000 acre-feet/yr of Buckeye groundwater to blend with effluent (context for the "
             "groundwater linear reference).",
             "ecolca-open: water-groundwater and waste-wastewater-treatment (EPRI 2002 via Wilbanks et al. "
             "2012), waste-effluent-discharge (effluent P proxy: Pew Oceans Commission 2001; Rawat et al. "
             "2011 after Metcalf & Eddy 1991), grid water consumption (Macknick et al. 2012, ERL 7 045802), "
             "heat-natural-gas (IPCC 2006, ASHRAE 1994 boiler efficiency), elec-grid-us-aznm (EPA "
             "eGRID2019 AZNM)."],
    assumptions=[
        f"Effluent to Palo Verde: the mean of the winter and summer make-up rates (50,000 gpm) over a year "
        f"gives {pv_flow_avg_m3/1e6:.1f} Mm³; it is capped at the contract allotment of 26 billion gallons "
        f"({contract_m3/1e6:.2f} Mm³), so {effluent_to_pv/1e6:.2f} Mm³ is used. Range for Monte Carlo: "
        f"40,000 gpm all year ({pv_winter_m3/1e6:.1f} Mm³) to the allotment. Reason: no published annual "
        "delivery for 2019 was found; the two published figures agree within 1 %.",
        "All effluent used at Palo Verde is attributed to the 91st Avenue WWTP; a smaller share comes from "
        "the Tolleson WWTP (not quantified in the sources found).",
        "Linear reference for Palo Verde: the same make-up volume from pumped groundwater (ecolca-open "
        "water-groundwater, EPRI 2002 US average 0.48 kWh/m³, US grid). Reason: the brief's stand-alone "
        "case; a groundwater-cooled plant was the alternative APS itself explored in 2019. Real Arizona "
        "pumping lifts may be deeper (see sensitivity).",
        "Linear fate of the effluent: discharge to the Salt River / Tres Rios wetlands, modelled with "
        "ecolca-open waste-effluent-discharge: the effluent's phosphorus reaches freshwater (5.3 mg/L total "
        "P, a PROXY for activated-sludge secondary effluent without P removal, Pew Oceans Commission 2001 "
        "and Metcalf & Eddy via Rawat et al. 2011; range about 2.7-10 mg/L). No measured total P of the "
        "91st Avenue effluent was found (AZPDES/NPDES AZ0020524 monitoring data were not readable in the "
        "sources searched), so freshwater eutrophication is indicative. The treatment happens in both "
        "configurations and is not part of the exchange; the effluent sent to Palo Verde ends in its "
        "evaporation ponds (zero discharge), so its P never reaches a river. Effluent nitrogen is not "
        "modelled (the plant's denitrification share is not sourced). Return-flow credits to surface water "
        "are not modelled.",
        f"Reclaimed-water route (pipeline pumping and Palo Verde's own tertiary treatment): "
        f"{REUSE_KWH_LOW} kWh/m³ of AZNM grid electricity, the low end of the published 1-2.5 kWh/m³ for "
        "wastewater reuse (Hoff 2011), because Palo Verde's treatment is non-potable softening/filtration, "
        "not reverse osmosis; range 1-2.5 kWh/m³ for Monte Carlo. Treatment chemicals (lime) are not "
        "modelled (no sourced figure).",
        "Linear fate of the biogas: flared; its CO2 is biogenic (no GWP) and flare methane slip is not "
        "modelled (no sourced destruction efficiency in ecolca-open), so the avoided-fate term is zero.",
        f"RNG is counted at the quoted 600,000 MMBtu/yr = {rng_gj:,} GJ and taken as higher heating "
        "value (US gas practice); the biogas otherwise flared is taken as equal to the RNG sold "
        "(upgrading losses, methane slip and upgrading/compression electricity are not modelled: no "
        "sourced figure). This overstates the benefit somewhat.",
        f"RNG buyers: represented by natural-gas boiler heat users (ecolca-open heat-natural-gas), sized so that r may reach 0.805. Substitution "
        f"ratio {r_rng} GJ heat per GJ RNG (HHV) = 0.90 LHV/HHV × 0.805 boiler efficiency, the same factors "
        "as the background process. Reason: the actual buyers (transport fuel, per Biodiesel Magazine 2017) "
        "are not modelled in ecolca-open; combustion of RNG is taken as biogenic CO2, its small CH4/N2O "
        "is ignored. The boiler efficiency cancels in the result; the ratio range 0.7245-0.805 covers the "
        "case that the 600,000 MMBtu were meant on a lower-heating-value basis.",
        f"Effluent price in 2019: linear interpolation of the contract schedule, $58/AF (2010) to $300/AF "
        f"(2026): ${price_2019_af:.0f}/AF = ${price_2019_m3}/m³. Groundwater pumping cost and natural-gas "
        "price are not given (no sourced 2019 figure), so Δcost is partial.",
        "Water consumption (EF v3.1 water use, ReCiPe 2016 WCP): as in ecoinvent's water balance, the "
        "consumption is booked where water evaporates. Palo Verde is a zero-discharge station (innotap.com "
        "2016), so all its make-up water evaporates in the cooling towers and evaporation ponds: an emission "
        "of 'Water' to air equal to the make-up volume, in BOTH configurations (the effluent is evaporated in "
        "place of the groundwater). The water-supply background processes evaporate nothing (they deliver "
        "what they withdraw) and the effluent's linear fate is a release to the Salt/Gila river (a return, "
        "not consumption). Hence the effluent exchange leaves the on-site consumption these methods see "
        "unchanged: what changes is which source is depleted (groundwater withdrawal -q; q less effluent "
        "returned to the river), which a consumption indicator with one global factor does not weigh "
        "(docs/validation.md). "
        "What does change is the water evaporated to generate electricity: the reuse route's AZNM "
        "electricity (1 kWh/m³) exceeds the wells' (0.48 kWh/m³ of US grid), and ecolca-open's grid "
        "processes carry operational cooling-water consumption (Macknick et al. 2012 medians, "
        "cooling-tower basis), so Δ water use is small and positive.",
        "Palo Verde net generation taken as 32.5 TWh (2015 record, APS); 2019 output was not found. It "
        "only defines the functional unit and does not change any Δ.",
        "Reference year 2019: RNG plant's first full year, the Cronkite/TPO/Glendale Star figures, and the "
        "eGRID2019 year of elec-grid-us-aznm.",
    ],
)

pv = Site("palo-verde", "Palo Verde Generating Station", sector="Electricity generation (nuclear)",
          location="Tonopah, AZ, US", position=(0, 0),
          description="Three-unit nuclear station about 50 miles west of Phoenix, cooled by wet cooling towers; "
                      "zero-discharge site (evaporation ponds). Operated by APS.")
pv.flows = [
    Flow("electricity", "product", "electricity, net", 32_500_000, "MWh", category="energy",
         source=SRC_APS_GEN, comment="2015 net generation; 2019 not found (assumption, functional unit only)."),
    Flow("cooling-water", "supply", "cooling-tower make-up water", effluent_to_pv, "m3",
         activity=R("water-groundwater"), category="water",
         uncertainty=Uncertainty("triangular", minimum=round(pv_winter_m3, -3), maximum=effluent_to_pv),
         source=SRC_CRONKITE + "; " + SRC_CONTRACT,
         comment=f"50,000 gpm mean × {MIN_PER_YEAR} min × 3.7854 L = {pv_flow_avg_m3/1e6:.1f} Mm³, capped at "
                 "the 26-billion-gallon allotment. Linear case: pumped groundwater (assumption)."),
    Flow("evaporation", "emission", "water evaporated in cooling towers and evaporation ponds (zero discharge)",
         effluent_to_pv, "m3", activity=ActivityRef("biosphere3", WATER_TO_AIR), category="water",
         uncertainty=Uncertainty("triangular", minimum=round(pv_winter_m3, -3), maximum=effluent_to_pv),
         source=SRC_ZLD + "; " + SRC_CRONKITE,
         comment="Zero-discharge station: the make-up water 'either evaporates off or it stays here forever', so "
                 "evaporation = make-up volume (the water held in pond solids is not quantified and is neglected). "
                 "The same volume in both configurations: it scores in L and S and adds nothing to Δ."),
]

wwtp = Site("wwtp-91st", "91st Avenue Wastewater Treatment Plant", sector="Wastewater treatment",
            location="Phoenix/Tolleson, AZ, US", position=(-420, 0),
            description="Largest wastewater plant in Arizona (about 2.5 million people), owned by the SROG "
                        "cities (Glendale, Mesa, Phoenix, Scottsdale, Tempe), operated by the City of Phoenix; "
                        "activated sludge with anaerobic digestion.")
wwtp.flows = [
    Flow("wastewater-treated", "product", "municipal wastewater treated", wwtp_effluent, "m3", category="water",
         source=SRC_TPO, comment="145 mgd × 365 d × 3.7854 L/gal."),
    Flow("electricity", "supply", "electricity", round(wwtp_kwh / 1000), "MWh", activity=R("elec-grid-us-aznm"),
         category="energy",
         source="EPRI (2002) via Wilbanks et al. (2012) Table 3: activated sludge 1,322 kWh/MG (as in "
                "ecolca-open waste-wastewater-treatment)",
         comment="US average intensity applied to the 145 mgd flow; identical in both configurations."),
    Flow("effluent", "residue", "treated effluent (secondary/tertiary)", wwtp_effluent, "m3",
         fate=R("waste-effluent-discharge"), category="water", source=SRC_TPO,
         comment="Linear fate: discharged to the Salt River / Tres Rios wetlands (assumption), with its "
                 "phosphorus to freshwater (ecolca-open waste-effluent-discharge: 5.3 mg/L total P, a proxy "
                 "for secondary effluent without P removal; the plant's own figure was not found). A release "
                 "to the same river basin is a return, not water consumption (AWARE/WULCA definition; "
                 "ecoinvent gives releases to water a factor of 0)."),
    Flow("biogas", "residue", "digester biogas (methane content, HHV)", rng_gj, "GJ", fate=None,
         category="energy", source=SRC_GLENDALE + "; " + SRC_BIOMAG,
         comment="600,000 MMBtu × 1.055056 GJ/MMBtu. Linear fate: flared, biogenic CO2, no burden "
                 "(assumption; flare methane slip not modelled)."),
]

gas = Site("gas-users", "Natural-gas heat users (proxy for RNG buyers)", sector="Industrial heat (proxy)",
           location="US pipeline grid", position=(420, 200),
           description="Proxy, not a real firm: the buyers of the pipeline RNG, represented as natural-gas "
                       "boiler heat users. The RNG was reportedly sold as transport fuel.")
gas.flows = [
    Flow("heat-product", "product", "useful process heat", heat_replaced, "GJ", category="energy",
         comment=ASSUME_NOTE + " Sized to the heat the RNG can provide."),
    Flow("heat", "supply", "heat from natural-gas boilers", heat_replaced, "GJ", activity=R("heat-natural-gas"),
         category="energy",
         comment=f"{rng_gj:,} GJ RNG (HHV) × {r_rng} (0.90 LHV/HHV × 0.805 boiler efficiency). " + ASSUME_NOTE),
]

sc.methods = list(sc.methods) + [WCP]

sc.sites = [wwtp, pv, gas]
sc.exchanges = [
    Exchange("effluent-to-palo-verde", "wwtp-91st", "effluent", "palo-verde", "cooling-water",
             effluent_to_pv, 1.0, category="water",
             processing=[Processing(R("elec-grid-us-aznm"), REUSE_KWH_LOW, "kWh",
                                    name="pipeline pumping (36 miles) and tertiary treatment at Palo Verde",
                                    uncertainty=Uncertainty("triangular", minimum=REUSE_KWH_LOW,
                                                            maximum=REUSE_KWH_HIGH))],
             economics=ExchangeEconomics(price=price_2019_m3, processing_paid_by="receiver"),
             amount_uncertainty=Uncertainty("triangular", minimum=round(pv_winter_m3, -3), maximum=effluent_to_pv),
             description="Treated municipal effluent replaces pumped groundwater 1 m³ per m³ as cooling-tower "
                         "make-up water (volume for volume: it covers the same evaporation).",
             source=SRC_CRONKITE + "; " + SRC_CONTRACT + "; processing: " + SRC_HOFF),
    Exchange("biogas-to-rng", "wwtp-91st", "biogas", "gas-users", "heat", rng_gj, r_rng, category="energy",
             economics=ExchangeEconomics(price=round(RNG_USD_PER_MMBTU / MMBTU_GJ, 4)),
             # The boiler efficiency cancels (RNG is burnt in the same boiler as the gas it replaces);
             # the open question is the heating-value basis of the 600,000 MMBtu: if it were LHV, r = 0.805.
             ratio_uncertainty=Uncertainty("triangular", minimum=r_rng, maximum=BOILER_EFF),
             description="Digester biogas, formerly flared, upgraded to RNG and sold into the interstate "
                         "pipeline; it replaces fossil natural gas burned in boilers (proxy buyers).",
             source=SRC_GLENDALE + "; " + SRC_BIOMAG + "; ratio: IPCC 2006 Vol. 2 Ch. 1 (LHV/HHV) and "
                    "ASHRAE 1994 boiler efficiency 75-86 % (as in ecolca-open heat-natural-gas)"),
]

# The basis of every amount (issue #20.4): "sourced" only where the named source states the number,
# "estimated" where it is computed from sourced figures, "assumed" otherwise (what the comment says
# is assumed or illustrative, a 1 item or 0 placeholder, a figure of another year).
# tests/test_examples_bases.py checks the file this writes.
SOURCED = {("wwtp-91st", "wastewater-treated"), ("wwtp-91st", "biogas"), "biogas-to-rng"}
ESTIMATED = {("wwtp-91st", "electricity"), ("wwtp-91st", "effluent"), ("palo-verde", "cooling-water"),
             ("palo-verde", "evaporation"), "effluent-to-palo-verde"}
for s in sc.sites:
    for f in s.flows:
        f.amount_basis = ("sourced" if (s.id, f.id) in SOURCED
                          else "estimated" if (s.id, f.id) in ESTIMATED else "assumed")
for e in sc.exchanges:
    e.amount_basis = ("sourced" if e.id in SOURCED else "estimated" if e.id in ESTIMATED
                      else "assumed")

OUT = "src/ecolca/examples/phoenix.ecolca.json"
scenario_file.save(sc, OUT)
print(scenario_file.load(OUT).name)
print(f"effluent to PV {effluent_to_pv:,.0f} m3; WWTP effluent {wwtp_effluent:,.0f} m3; RNG {rng_gj:,} GJ; "
      f"r {r_rng}; heat {heat_replaced:,} GJ; price {price_2019_m3} $/m3 ({price_2019_af:.1f} $/AF)")
