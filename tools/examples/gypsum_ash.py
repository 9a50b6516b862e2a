"""Generates src/ecolca/examples/gypsum-ash.ecolca.json (run from the repository root:
`.venv/bin/python tools/examples/gypsum_ash.py`). Quantities are illustrative; see the file."""
from ecolca.core.model import *
from ecolca.core import scenario_file
B = "ecolca-open"
def R(code): return ActivityRef(B, code)
CO2 = None
CO2 = "aa7cac3a-3625-41d4-bc54-33e2cf11ec46"  # biosphere3: Carbon dioxide, fossil, air::non-urban air or from high stacks
ILL = "Illustrative round number chosen for this teaching example; not data of a real plant."
sc = Scenario(
    name="Power station by-products: gypsum and fly ash",
    id="example-gypsum-ash",
    description=(
        "A small teaching park: a coal-fired power station's flue-gas desulphurisation (FGD) gypsum "
        "replaces natural gypsum at a plasterboard plant and at a cement plant, and its fly ash "
        "replaces clinker at the cement plant. In the linear configuration both residues go to an "
        "inert landfill and the two plants buy natural gypsum (shipped in) and clinker.\n"
        "Quantities and prices are illustrative round numbers, not data of a real plant; the "
        "substitution ratios follow published practice (see sources). The Kalundborg, Kawasaki and "
        "Phoenix examples are built from published data."),
    reference_year=2023, currency="EUR", calibration="illustrative",
    sources=[
        "Aalborg Portland, 'Resource efficiency' (company web page): FGD gypsum 'replaces an equal quantity of natural gypsum' - basis of the 1:1 gypsum substitution ratio.",
        "EN 197-1:2011 Cement - Part 1, Table 1: CEM II/A-V and II/B-V contain 6-35 % siliceous fly ash in place of clinker by mass - basis of the mass-for-mass fly ash ratio (range 0.7-1.0 as uncertainty, an assumption).",
        "IPCC 2006 Guidelines, Vol. 2, Ch. 1 Table 1.2 (NCV other bituminous coal 25.8 MJ/kg) and Ch. 2 Table 2.2 (94,600 kg CO2/TJ): power station coal use and CO2.",
    ],
    assumptions=[
        "Power station: 3,000 GWh/yr net at 40 % efficiency (illustrative).",
        "FGD gypsum and fly ash are landfilled as inert waste in the linear configuration.",
        "Natural gypsum is shipped 2,000 km to both plants (illustrative).",
        "Prices, fees and distances are illustrative.",
    ],
)
coal_mj = 3.0e9 * 3.6 / 0.40
pp = Site("power", "Coal power station", sector="Electricity generation", location="DK", position=(0, 0),
          description="Coal-fired power station with wet limestone flue-gas desulphurisation.")
pp.flows = [
    Flow("electricity", "product", "electricity, net", 3_000_000, "MWh", category="energy", comment=ILL),
    Flow("coal", "supply", "hard coal", round(coal_mj / 25.8 / 1000), "t", activity=R("fuel-hard-coal"), price=110.0,
         category="energy", comment="3.0e9 kWh × 3.6 MJ/kWh ÷ 0.40 ÷ 25.8 MJ/kg (IPCC 2006 Vol. 2 Table 1.2); price illustrative"),
    Flow("limestone", "supply", "limestone for desulphurisation", 52_300, "t", activity=R("mat-limestone"), price=25.0,
         comment="Stoichiometric CaCO3 for 90,000 t CaSO4·2H2O: 90,000 × 100.09/172.17; price illustrative"),
    Flow("co2", "emission", "CO2 from coal combustion", round(coal_mj * 94.6e-6 * 1000) / 1000 * 1000, "kg",
         activity=ActivityRef("biosphere3", CO2), category="material",
         comment="coal MJ × 94,600 kg/TJ (IPCC 2006 Vol. 2 Table 2.2)"),
    Flow("fgd-gypsum", "residue", "FGD gypsum", 90_000, "t", fate=R("waste-landfill-inert"), price=30.0,
         transport=[Transport(R("transport-lorry"), 25, label="to landfill")], category="by-product",
         comment=ILL + " Fee: illustrative."),
    Flow("fly-ash", "residue", "fly ash", 130_000, "t", fate=R("waste-landfill-inert"), price=30.0,
         transport=[Transport(R("transport-lorry"), 25, label="to landfill")], category="by-product",
         comment=ILL + " Fee: illustrative."),
]
pb = Site("plasterboard", "Plasterboard plant", sector="Building materials", location="DK", position=(460, -110),
          description="Makes gypsum plasterboard from natural or FGD gypsum.")
pb.flows = [
    Flow("boards", "product", "plasterboard", 150_000, "t", comment=ILL),
    Flow("gypsum", "supply", "natural gypsum", 140_000, "t", activity=R("mat-gypsum-natural"), price=20.0,
         transport=[Transport(R("transport-ship"), 2000, label="import by sea")], comment=ILL),
    Flow("power", "supply", "electricity", 15_000, "MWh", activity=R("elec-grid-dk"), price=90.0,
         category="energy", comment=ILL),
]
cem = Site("cement", "Cement plant", sector="Cement", location="DK", position=(460, 130),
           description="Grinds clinker with gypsum and supplementary materials into cement.")
cem.flows = [
    Flow("cement", "product", "cement", 1_200_000, "t", comment=ILL),
    Flow("clinker", "supply", "clinker", 1_000_000, "t", activity=R("mat-clinker"), price=60.0, comment=ILL),
    Flow("gypsum", "supply", "natural gypsum", 50_000, "t", activity=R("mat-gypsum-natural"), price=20.0,
         transport=[Transport(R("transport-ship"), 2000, label="import by sea")], comment=ILL),
    Flow("power", "supply", "electricity", 60_000, "MWh", activity=R("elec-grid-dk"), price=90.0,
         category="energy", comment=ILL),
]
sc.sites = [pp, pb, cem]
sc.exchanges = [
    Exchange("gypsum-to-boards", "power", "fgd-gypsum", "plasterboard", "gypsum", 80_000, 1.0, category="by-product",
             transport=[Transport(R("transport-lorry"), 15, label="power station to plasterboard plant")],
             economics=ExchangeEconomics(price=5.0, transport_cost=4.0),
             ratio_uncertainty=Uncertainty("triangular", minimum=0.95, maximum=1.0),
             description="FGD gypsum replaces natural gypsum 1:1 by mass (Aalborg Portland).",
             source="Aalborg Portland (ratio); quantities illustrative"),
    Exchange("gypsum-to-cement", "power", "fgd-gypsum", "cement", "gypsum", 10_000, 1.0, category="by-product",
             transport=[Transport(R("transport-lorry"), 20, label="power station to cement plant")],
             economics=ExchangeEconomics(price=5.0, transport_cost=4.5),
             description="FGD gypsum as set retarder in cement, replacing natural gypsum 1:1.",
             source="Aalborg Portland (ratio); quantities illustrative"),
    Exchange("ash-to-cement", "power", "fly-ash", "cement", "clinker", 120_000, 1.0, category="by-product",
             transport=[Transport(R("transport-lorry"), 20, label="power station to cement plant")],
             processing=[Processing(R("elec-grid-dk"), 5.0, "kWh", name="classifying and conveying (illustrative)")],
             economics=ExchangeEconomics(price=10.0, transport_cost=4.5, processing_cost=1.0,
                                         processing_paid_by="supplier"),
             ratio_uncertainty=Uncertainty("triangular", minimum=0.7, maximum=1.0),
             description="Siliceous fly ash replaces clinker mass for mass in CEM II/A-V (EN 197-1).",
             source="EN 197-1 (ratio); quantities illustrative"),
]
# The basis of every amount (issue #20.4): "sourced" only where the named source states the number,
# "estimated" where it is computed from sourced figures, "assumed" otherwise (what the comment says
# is assumed or illustrative, a 1 item or 0 placeholder, a figure of another year).
# tests/test_examples_bases.py checks the file this writes.
SOURCED = set()  # a teaching example: quantities illustrative
ESTIMATED = set()
for s in sc.sites:
    for f in s.flows:
        f.amount_basis = ("sourced" if (s.id, f.id) in SOURCED
                          else "estimated" if (s.id, f.id) in ESTIMATED else "assumed")
for e in sc.exchanges:
    e.amount_basis = ("sourced" if e.id in SOURCED else "estimated" if e.id in ESTIMATED
                      else "assumed")

OUT = "src/ecolca/examples/gypsum-ash.ecolca.json"
scenario_file.save(sc, OUT)
print(scenario_file.load(OUT).name)
