"""Generates src/ecolca/examples/kalundborg.ecolca.json (run from the repository root:
`.venv/bin/python tools/examples/kalundborg.py`).

Kalundborg Symbiosis, reference year 2008 (the Kalundborg Symbiosis inventory of 2008), built from
published figures. Every amount names its source; where no source could be confirmed the amount is
an assumption and says so (flow `comment`, exchange `description` and the scenario `assumptions`).
The validation note is docs/validation.md (Kalundborg section).
"""
from ecolca.core.model import *
from ecolca.core import scenario_file

B = "ecolca-open"


def R(code):
    return ActivityRef(B, code)


CO2 = "aa7cac3a-3625-41d4-bc54-33e2cf11ec46"  # biosphere3: Carbon dioxide, fossil, air::non-urban air or from high stacks
WCP = ("ReCiPe 2016 v1.03, midpoint (H)", "water use", "water consumption potential (WCP)")
S_WULCA = ("WULCA, 'AWARE - FAQ' (wulca-waterlca.org/aware/faq): water consumption is 'a use of water where release "
           "into the original watershed does not occur because of evaporation, product integration, or discharge into "
           "different watersheds or the sea' (after Bayart et al. 2010)")
S_NAP = ("'The Industrial Symbiosis at Kalundborg, Denmark', in: The Greening of Industrial Ecosystems, National "
         "Academy Press, Washington DC (1994), pp. 117-123: in 1961 'a pipeline was constructed from Lake Tissø to "
         "provide water for its [the refinery's] operation' - the refinery's cooling water is Tissø freshwater")

# --- published figures and constants (each used below with its source) -------------------------
S_INV2008 = ("Kalundborg Symbiosis 2008 inventory, as reported on voresomstilling.dk, project page "
             "'Kalundborg Symbiosis' (ca. 2014): 'En opgørelse i 2008 viste ... vandbesparelse på 3 mio. m3, "
             "heraf 2 mio. m3 grundvand ... ca. 100.000 tons naturgips og 20.000 tons olie ... CO2-besparelse på "
             "ca. 275.000 tons per år'")
S_KOMMUNE = ("'Den Industrielle Symbiose - når miljø og forretning går hånd i hånd' (Kalundborg business page, "
             "59550055.dk/projekter/den-industrielle-symbiose, ca. 2009, partners incl. DONG Energy and StatoilHydro): "
             "section 'Bi-produktsamarbejdet': Asnæs gypsum 'hvert år omkring 100.000 tons' used by Gyproc; section "
             "'Energisamarbejdet': Kalundborg power CO2 about 4.3 million t/yr")
S_SYMB2010 = ("Kalundborg Symbiosis web site (symbiosis.dk/en, 'Result examples (2010)'): CO2 reduced by "
              "275,000 t/yr; 3 million m3 water saved; 150,000 t FGD gypsum replaces imported natural gypsum")
S_FIKSEL = ("Fiksel, J. Design for Environment: A Guide to Sustainable Product Development, 2nd ed., McGraw-Hill "
            "(2009/2012), p. 163 (Kalundborg, 1990s figures after Ehrenfeld & Gertler 1997): 'A local cement "
            "company uses 135,000 tons per year of fly ash from the power plant'; oil consumption reduced by "
            "19,000 t/yr; CO2 by 130,000 t/yr")
S_WIKI = ("Wikipedia, 'Kalundborg Eco-industrial Park' (rev. 2020): 'Statoil pipes 700,000 cubic meters of "
          "cooling water per year to Asnaes' (1990s figure, after Ehrenfeld & Gertler 1997)")
S_ORSTED = ("Biomass Magazine, 'Orsted inaugurates biomass-fired Asnæs Power Station' (21 Aug 2020): the unit that "
            "took over the coal unit's steam and district-heat deliveries has 'a district heating and process steam "
            "production capacity of 129 MW'")
S_IPCC = ("IPCC 2006 Guidelines, Vol. 2 Energy, Ch. 1 Table 1.2 (NCV: other bituminous coal 25.8 TJ/Gg, residual "
          "fuel oil 40.4 TJ/Gg) and Ch. 2 Table 2.2 (other bituminous coal 94,600 kg CO2/TJ)")
S_STEAM = ("Çengel, Y.A., Boles, M.A. Thermodynamics: An Engineering Approach, Table A-5 (saturated steam at 1,000 kPa, "
           "hg = 2,777.1 kJ/kg) and Table A-4 (liquid water at 20 °C, hf = 83.915 kJ/kg); same state as ecolca-open "
           "'steam-industrial'")
S_AALBORG = ("Aalborg Portland, 'Resource efficiency' (company web page): desulphurisation gypsum 'replaces an equal "
             "quantity of natural gypsum' - 1:1 gypsum ratio")
S_EN197 = ("EN 197-1:2011 Cement - Part 1, Table 1: CEM II/A-V and II/B-V contain 6-35 % siliceous fly ash in place of "
           "clinker by mass - mass-for-mass fly-ash ratio")
S_INDIGO = ("Indigo Development, 'The Industrial Symbiosis at Kalundborg, Denmark' (indigodev.com/Kal.html): "
            "'Novo Nordisk and Gyproc plants are about a kilometer to the South' of Asnæs")
S_NAP118 = ("'The Industrial Symbiosis at Kalundborg, Denmark', in: The Greening of Industrial Ecosystems, National "
            "Academy Press, Washington DC (1994), p. 118: 'The plaster-board manufacturing plant, owned by Gyproc a.s., "
            "produces about 14 million square meters per year of plaster-board' (1990s figure)")
S_EQUINOR = ("Equinor, 'Denmark' (company web page equinor.com/where-we-are/denmark, undated, consulted 2026): the "
             "Kalundborg refinery is 'Denmark's largest oil refinery, processing about 5.5 million tonnes of crude oil "
             "and condensate per year'; a condensate distillation plant was added in 1995 (the National Academy Press "
             "account of 1994, p. 118, gives a capacity of about 3 million t/yr 'being expanded to a capacity of 5 "
             "million tons/yr')")
S_EG1997 = ("Ehrenfeld, J., Gertler, N. (1997). Industrial ecology in practice: the evolution of interdependence at "
            "Kalundborg. Journal of Industrial Ecology 1(1):67-79 (history; heat to the town replaced about 3,500 "
            "oil-fired furnaces, as summarised in the Handbook of Industrial Ecology, ch. 27)")

NCV_HFO = 40.4          # MJ/kg, IPCC 2006 Vol. 2 Table 1.2, residual fuel oil
ETA_BOILER = 0.805      # ecolca-open heat-* boilers: midpoint of 75-86 % (ASHRAE 1994), see databases/README.md
STEAM_MJ_PER_T = round((2777.1 - 83.915), 1)   # 2,693.2 MJ useful heat per t steam (Çengel & Boles)

# District heat: the 2008 inventory's 20,000 t oil saved, as useful heat from the same boiler model the
# background uses, so that the avoided heat-heavy-fuel-oil equals 20,000 t of oil exactly.
DH_MJ = round(20_000 * 1000 * NCV_HFO * ETA_BOILER)          # 650,440,000 MJ

# Process steam to Novo Nordisk/Novozymes: ASSUMPTION (no per-receiver quantity for 2008 confirmed).
# Order of magnitude from the 129 MW heat capacity of the unit that replaced the coal unit's steam and
# district-heat deliveries (Ørsted 2020), at an assumed 4,000 full-load hours, minus the district heat.
HEAT_CAP_MJ = 129 * 4000 * 3600                              # 1,857,600,000 MJ/yr
NOVO_STEAM_T = round((HEAT_CAP_MJ - DH_MJ) / STEAM_MJ_PER_T, -3)  # ~448,000 t steam
# Process steam to the refinery: ASSUMPTION, round order of magnitude, wide uncertainty.
REF_STEAM_T = 100_000

# Declared product amounts (functional unit and Per product sheet only; they enter no L, S or Δ)
PLASTERBOARD_M2 = 14_000_000     # NAP 1994 p. 118, 1990s figure
REFINERY_CRUDE_T = 5_500_000     # Equinor web page, current figure
NO_OUTPUT = ("Kept as 1 item (the annual output, not quantified): no published {what} for 2008 or a nearby year "
             "was found ({looked}); products enter no L, S or Δ, only the functional unit and the Per product sheet, "
             "which reads 'not computed' for this site.")

# Asnæs coal: derived from the published ~4.3 Mt CO2/yr of Kalundborg power generation.
CO2_ASNAES_KG = 4.3e9
COAL_T = round(CO2_ASNAES_KG / 94.6 / 25.8, -3)              # kg / (94.6 kg CO2/GJ) / (25.8 GJ/t) -> t

GYPSUM_T = 100_000
ASH_T = 135_000
COOLING_WATER_M3 = 700_000

ASSUMED = "ASSUMPTION (no published figure for this quantity could be confirmed): "

sc = Scenario(
    name="Kalundborg Symbiosis (Denmark), 2008",
    id="example-kalundborg",
    description=(
        "Kalundborg Symbiosis, Denmark, in 2008: the coal-fired Asnæs power station (DONG Energy) at the hub, "
        "the Statoil refinery, Novo Nordisk/Novozymes (insulin and enzymes), Gyproc (plasterboard), Aalborg "
        "Portland (cement, users of the fly ash) and Kalundborg municipality/utility (district heating, water).\n"
        "Exchanges and what each replaces in the stand-alone (linear) park:\n"
        "- FGD gypsum, Asnæs -> Gyproc (100,000 t): replaces imported natural gypsum 1:1; linear fate inert landfill.\n"
        "- Fly ash, Asnæs -> cement (135,000 t, 1990s figure): replaces clinker mass for mass; linear fate landfill.\n"
        "- Process steam, Asnæs -> refinery and -> Novo Nordisk/Novozymes: replaces useful heat from the receivers' "
        "own natural-gas boilers (2,693 MJ per t of steam). The steam quantities are ASSUMPTIONS (see assumptions).\n"
        "- District heat, Asnæs -> municipality: replaces useful heat from oil boilers, sized from the 20,000 t/yr of "
        "oil the 2008 inventory says the symbiosis saves.\n"
        "- Used cooling water, refinery -> Asnæs (700,000 m3, 1990s figure): replaces surface water from Lake Tissø.\n"
        "Linear reference: the same sites without the symbiosis (Aissani et al. 2019): Asnæs landfills gypsum and ash, "
        "rejects its surplus heat to the sea and draws all its water; the others buy gypsum, clinker and heat.\n"
        "Published headline (2008 inventory, Kalundborg Symbiosis): about 275,000 t CO2/yr, 3 million m3 water "
        "(2 million m3 groundwater), 100,000 t natural gypsum and 20,000 t oil saved per year. Only part of the "
        "water savings could be tied to an exchange; see docs/validation.md (Kalundborg section) for the comparison."),
    reference_year=2008, currency="DKK", background_database=B,
    sources=[S_INV2008, S_SYMB2010, S_KOMMUNE, S_FIKSEL, S_WIKI, S_ORSTED, S_IPCC, S_STEAM, S_AALBORG, S_EN197,
             S_INDIGO, S_EG1997, S_WULCA, S_NAP, S_NAP118, S_EQUINOR,
             "Aissani, L., Lacassagne, A., Bahers, J.-B., Le Féon, S. (2019). Life cycle assessment of industrial "
             "symbiosis: a critical review of relevant reference scenarios. J. Industrial Ecology 23(4):972-985 - "
             "basis of the linear reference (existing symbiosis vs a hypothetical non-symbiotic park)."],
    assumptions=[
        "Reference year 2008 (the Kalundborg Symbiosis 2008 inventory). Fly ash (135,000 t) and refinery cooling "
        "water (700,000 m3) are 1990s figures, the latest exchange-level figures that could be confirmed; they "
        "are assumed to hold in 2008.",
        f"Process steam to Novo Nordisk/Novozymes: {NOVO_STEAM_T:,.0f} t/yr ASSUMED - no per-receiver figure for "
        "2008 could be confirmed. Order of magnitude: 129 MW heat capacity of the unit that replaced the coal "
        "unit's deliveries (Ørsted 2020) x an assumed 4,000 full-load hours, minus the district heat, "
        "/ 2,693 MJ per t of steam. Uncertainty: uniform 0.5x-1.5x.",
        f"Process steam to the refinery: {REF_STEAM_T:,} t/yr ASSUMED (round order of magnitude; the refinery "
        "used it to heat tanks and pipes). Uncertainty: uniform 50,000-200,000 t.",
        "Without the symbiosis the refinery and Novo make the same useful heat in their own natural-gas boilers "
        "(ecolca-open heat-natural-gas, 80.5 % efficiency). The refinery would in practice fire part refinery gas; "
        "natural gas is the proxy.",
        "District heat is declared as useful heat with r = 1; the amount is the 2008 inventory's 20,000 t/yr of "
        "oil x 40.4 MJ/kg (IPCC NCV) x 0.805 (the background boiler efficiency), so the avoided oil equals the "
        "published 20,000 t. Oil boilers are modelled with heat-heavy-fuel-oil (residential furnaces burned light "
        "heating oil; its CO2 factor is about 4 % lower).",
        "Steam and district heat travel by pipe; no pumping energy or pipe losses are added (delivered amounts).",
        "Linear fates: FGD gypsum and fly ash to an inert landfill 10 km away by lorry (assumed distance); "
        "surplus heat rejected to the sea with cooling water (no burden); refinery cooling water discharged to "
        "the fjord untreated (no burden).",
        "Natural gypsum would be imported by sea, 2,000 km (assumed distance; uniform 1,000-3,500 km).",
        "Fly ash goes by ship 250 km (assumed, Kalundborg to Aalborg Portland, Rørdal) and replaces clinker "
        "1:1 by mass (EN 197-1), ratio uncertainty triangular 0.7-1.0.",
        "The receivers' supplies are declared only for the part an exchange can replace; the rest of each plant is "
        "the same in both configurations and left out, so Δ/L % is not a meaningful share of the park's footprint.",
        "No prices: the sources give no exchange prices; economic results are not part of this example.",
        "Declared product amounts (functional unit and Per product sheet; they change no L, S or Δ): Statoil "
        f"refinery {REFINERY_CRUDE_T:,} t of crude oil and condensate processed per year (Equinor, current figure, "
        f"assumed for 2008); Gyproc {PLASTERBOARD_M2:,} m2 of plasterboard per year (National Academy Press 1994, "
        "p. 118, 1990s figure, assumed for 2008); the municipality's district heat is the heat from Asnæs modelled "
        "here (the 2008 inventory's 20,000 t oil, see above). Asnæs (electricity, heat and steam), Novo Nordisk/"
        "Novozymes (insulin and enzymes: only world market shares are published) and Aalborg Portland (a capacity "
        "of about 3 Mt/yr, not an output) stay '1 item': no citable annual output for 2008 was found. The sites "
        "declare only the part of their inventory an exchange can change, so a per-product figure is that part per "
        "unit of the whole plant's output, not the product's footprint.",
        "Water consumption (EF v3.1 water use, ReCiPe 2016 WCP): these methods, as installed (ecoinvent 3.9.1 "
        "implementation), characterise only water evaporated ('Water' to air). What Asnæs evaporates of the "
        "700,000 m3 it uses as boiler feed is not published in the sources found, so no evaporation is declared "
        "at any site. Whatever that share is, Asnæs uses the same volume in both configurations, so the "
        "exchange changes no on-site evaporation; both categories score only the cooling water evaporated "
        "to generate the background electricity (ecolca-open, Macknick et al. 2012), which the heat "
        "exchanges' lost turbine power raises and the avoided clinker lowers. The exchange does change "
        "consumption as AWARE defines it (WULCA): in the linear park the refinery's used freshwater goes to the "
        "fjord, i.e. the sea, and Asnæs draws as much again from Lake Tissø; with the symbiosis 700,000 m3 less "
        "Tissø water ends in the sea. The installed methods give releases to the ocean a factor of 0, so this "
        "-700,000 m3 (-30.1 million m3 world-eq at AWARE's 42.95) is shown in docs/validation.md, not computed.",
        "Not modelled (no quantity confirmed): refinery gas to Gyproc, sulphur/ammonium thiosulphate, yeast "
        "slurry and NovoGro biomass to farms, sludge to Soilrem, fish farm, groundwater-saving projects beyond "
        "the cooling-water exchange (the 2008 inventory's 3 million m3 is not split by exchange).",
    ],
)

# --- Asnæs power station -----------------------------------------------------------------------
asnaes = Site("asnaes", "Asnæs power station (DONG Energy)", sector="Electricity and heat (coal CHP)",
              location="Kalundborg, DK", position=(0, 0),
              description="Coal-fired power station with wet limestone flue-gas desulphurisation; hub of the symbiosis.")
asnaes.flows = [
    Flow("power", "product", "electricity, district heat and process steam (annual output)", 1, "item",
         category="energy", source=S_KOMMUNE,
         comment="Annual output of the station; about 10 % of Danish electricity consumption (59550055.dk). "
                 + NO_OUTPUT.format(what="net electricity, heat or steam output of the station",
                                    looked="DONG Energy/Ørsted pages, the municipality's page and the Kalundborg "
                                           "Symbiosis pages give capacities (1,500 MW in 1994; 129 MW heat after "
                                           "2020) and CO2, not annual output")),
    Flow("coal", "supply", "hard coal", COAL_T, "t", activity=R("fuel-hard-coal"), category="energy",
         uncertainty=Uncertainty("lognormal", gsd=1.1),
         source=f"{S_KOMMUNE}; {S_IPCC}",
         comment="4.3e9 kg CO2 / 94,600 kg CO2/TJ / 25.8 TJ/kt (IPCC 2006 Tables 2.2, 1.2). Same in both configurations."),
    Flow("co2", "emission", "CO2 from coal combustion", CO2_ASNAES_KG, "kg",
         activity=ActivityRef("biosphere3", CO2), category="material", source=S_KOMMUNE,
         comment="'årlig CO2-udledning på ca. 4,3 millioner tons' for Kalundborg power generation (59550055.dk). Same in both configurations."),
    Flow("surface-water", "supply", "surface water (Lake Tissø) for boiler feed", COOLING_WATER_M3, "m3",
         activity=R("water-surface"), category="water", source=S_WIKI,
         comment="Declared only for the part the refinery's used cooling water replaces; the station's total intake is not published in the sources found. "
                 "Its evaporation at Asnæs (boiler feed, FGD) is not published either, so none is declared; it would be the same in both configurations."),
    Flow("fgd-gypsum", "residue", "FGD gypsum", GYPSUM_T, "t", fate=R("waste-landfill-inert"), category="by-product",
         transport=[Transport(R("transport-lorry"), 10, label="to inert landfill (assumed 10 km)")],
         source=S_KOMMUNE,
         comment="'Denne gips - hvert år omkring 100.000 tons - anvender Gyproc' (59550055.dk); matches the 2008 inventory's ~100,000 t natural gypsum saved. The web site's 2010 figure is 150,000 t (sensitivity). Linear fate assumed."),
    Flow("fly-ash", "residue", "coal fly ash", ASH_T, "t", fate=R("waste-landfill-inert"), category="by-product",
         transport=[Transport(R("transport-lorry"), 10, label="to inert landfill (assumed 10 km)")],
         source=S_FIKSEL, uncertainty=Uncertainty("uniform", minimum=100_000, maximum=170_000),
         comment=ASSUMED + "2008 amount; the 1990s figure (Fiksel p. 163: 135,000 t/yr to a cement company) is used. Range 100,000-170,000 t (IISD 1990s figure 170,000 t, unconfirmed)."),
    Flow("process-steam", "residue", "surplus process steam (10 bar saturated)", NOVO_STEAM_T + REF_STEAM_T, "t",
         fate=None, category="energy", source="see exchanges",
         comment="Heat the station would otherwise reject to the sea with its cooling water (Ehrenfeld & Gertler 1997). Amount = the two steam exchanges (assumptions)."),
    Flow("district-heat", "residue", "surplus heat for district heating", DH_MJ, "MJ", fate=None, category="energy",
         source=S_INV2008,
         comment="Heat otherwise rejected to the sea. 20,000 t oil x 40.4 MJ/kg x 0.805."),
]

# --- Statoil refinery --------------------------------------------------------------------------
refinery = Site("refinery", "Statoil refinery", sector="Oil refining", location="Kalundborg, DK", position=(-380, -200),
                description="Denmark's largest refinery (about 3.2 Mt/yr crude capacity in the 1990s, Indigo Development). "
                            "Uses Asnæs steam to heat tanks and pipes; sends used cooling water to Asnæs.")
refinery.flows = [
    Flow("products", "product", "crude oil and condensate processed (annual throughput)", REFINERY_CRUDE_T, "t",
         category="material", source=S_EQUINOR,
         comment="Refined oil products declared by the crude and condensate the refinery processes per year "
                 "(about 5.5 Mt, Equinor, current figure, assumed for 2008). Declared for the functional unit "
                 "and the Per product sheet only; products do not enter L, S or Δ."),
    Flow("heat", "supply", "process heat from own natural-gas boiler", round(REF_STEAM_T * STEAM_MJ_PER_T), "MJ",
         activity=R("heat-natural-gas"), category="energy",
         uncertainty=Uncertainty("uniform", minimum=round(50_000 * STEAM_MJ_PER_T), maximum=round(200_000 * STEAM_MJ_PER_T)),
         source=S_STEAM,
         comment=ASSUMED + f"the heat of {REF_STEAM_T:,} t steam x 2,693.2 MJ/t; own natural-gas boiler as the stand-alone supply (refinery gas in practice)."),
    Flow("cooling-water", "residue", "used cooling water", COOLING_WATER_M3, "m3", fate=None, category="water",
         source=f"{S_WIKI}; origin: {S_NAP}; consumption definition: {S_WULCA}",
         comment="1990s figure assumed for 2008. Linear fate: discharged to the fjord untreated (clean, warm water; no burden modelled). "
                 "Freshwater from Lake Tissø released to the sea counts as consumed under AWARE's definition (WULCA), "
                 "but the installed EF v3.1 / ReCiPe water methods give releases to the ocean no factor (see assumptions)."),
]

# --- Novo Nordisk / Novozymes -----------------------------------------------------------------
novo = Site("novo", "Novo Nordisk and Novozymes", sector="Pharmaceuticals and enzymes", location="Kalundborg, DK",
            position=(380, -200),
            description="Insulin and enzyme production; uses Asnæs steam for heating, sterilisation and distillation.")
novo.flows = [
    Flow("products", "product", "insulin and industrial enzymes (annual output)", 1, "item", category="material",
         comment=NO_OUTPUT.format(what="production volume of insulin or enzymes at Kalundborg",
                                  looked="the sources give world market shares only: about 45 % of insulin and 50 % "
                                         "of enzymes in 1994 (National Academy Press, p. 118), about half of the "
                                         "world's insulin later (Novo Nordisk)")),
    Flow("heat", "supply", "process heat from own natural-gas boilers", round(NOVO_STEAM_T * STEAM_MJ_PER_T), "MJ",
         activity=R("heat-natural-gas"), category="energy",
         uncertainty=Uncertainty("uniform", minimum=round(0.5 * NOVO_STEAM_T * STEAM_MJ_PER_T),
                                 maximum=round(1.5 * NOVO_STEAM_T * STEAM_MJ_PER_T)),
         source=f"{S_ORSTED}; {S_STEAM}",
         comment=ASSUMED + f"the heat of {NOVO_STEAM_T:,.0f} t steam x 2,693.2 MJ/t (see assumptions for the derivation)."),
]

# --- Gyproc ------------------------------------------------------------------------------------
gyproc = Site("gyproc", "Gyproc plasterboard plant", sector="Building materials", location="Kalundborg, DK",
              position=(380, 180),
              description="Plasterboard plant about 1 km south of Asnæs (Indigo Development).")
gyproc.flows = [
    Flow("boards", "product", "plasterboard (annual output)", PLASTERBOARD_M2, "m2", category="material",
         source=S_NAP118,
         comment="About 14 million m2/yr of plasterboard (National Academy Press 1994, p. 118; 1990s figure assumed "
                 "for 2008, like the fly ash and cooling water). Declared for the functional unit and the Per "
                 "product sheet only; products do not enter L, S or Δ."),
    Flow("gypsum", "supply", "natural gypsum, imported", GYPSUM_T, "t", activity=R("mat-gypsum-natural"),
         transport=[Transport(R("transport-ship"), 2000, label="import by sea (assumed 2,000 km)",
                              uncertainty=Uncertainty("uniform", minimum=1000, maximum=3500))],
         category="material", source=f"{S_INV2008}; {S_SYMB2010}",
         comment="Without the symbiosis Gyproc imports the natural gypsum the FGD gypsum replaces ('erstatter import af naturgips', symbiosis.dk); 100,000 t = the 2008 inventory's natural gypsum saved. Distance assumed."),
]

# --- Cement ------------------------------------------------------------------------------------
cement = Site("cement", "Aalborg Portland (cement)", sector="Cement", location="Aalborg, DK", position=(0, 320),
              description="Cement producer using Asnæs fly ash (Hutchinson; Fiksel p. 163: 'a local cement company').")
cement.flows = [
    Flow("cement", "product", "cement (annual output)", 1, "item", category="material",
         comment=NO_OUTPUT.format(what="cement output of Aalborg Portland",
                                  looked="company profiles give a capacity of about 3 Mt/yr (2.1 Mt grey, 0.9 Mt "
                                         "white), undated and not an output; the site here declares only the clinker "
                                         "the fly ash replaces")),
    Flow("clinker", "supply", "clinker (the part fly ash can replace)", ASH_T, "t", activity=R("mat-clinker"),
         category="material", source=S_EN197,
         comment="Declared only for the clinker the fly ash replaces (1:1, EN 197-1); the rest of the plant is the same in both configurations."),
]

# --- Municipality ------------------------------------------------------------------------------
town = Site("municipality", "Kalundborg municipality / Kalundborg Forsyning", sector="District heating and water",
            location="Kalundborg, DK", position=(-380, 180),
            description="District heating for the town (since 1981 from Asnæs, replacing about 3,500 oil-fired furnaces).")
town.flows = [
    Flow("heat-service", "product", "district heat to households from Asnæs (annual)", DH_MJ, "MJ",
         category="energy", source=f"{S_INV2008}; {S_IPCC}",
         comment="The district heat this site's model covers: the heat that replaces the 2008 inventory's 20,000 t/yr "
                 "of oil (x 40.4 MJ/kg x 0.805), the same amount as its supply. Kalundborg Forsyning's total heat "
                 "sales for 2008 were not found. Declared for the functional unit and the Per product sheet only; "
                 "products do not enter L, S or Δ."),
    Flow("heat", "supply", "heat from oil boilers", DH_MJ, "MJ", activity=R("heat-heavy-fuel-oil"), category="energy",
         source=f"{S_INV2008}; {S_IPCC}",
         comment="20,000 t oil/yr saved (2008 inventory) x 40.4 MJ/kg (IPCC NCV) x 0.805 boiler efficiency = useful heat. Oil furnaces as the stand-alone heat (Ehrenfeld & Gertler 1997)."),
]

sc.methods = list(sc.methods) + [WCP]

sc.sites = [asnaes, refinery, novo, gyproc, cement, town]

sc.exchanges = [
    Exchange("gypsum-to-gyproc", "asnaes", "fgd-gypsum", "gyproc", "gypsum", GYPSUM_T, 1.0, category="by-product",
             transport=[Transport(R("transport-lorry"), 1, label="Asnæs to Gyproc (about 1 km)")],
             ratio_uncertainty=Uncertainty("triangular", minimum=0.95, maximum=1.0),
             description="FGD gypsum replaces imported natural gypsum 1:1 by mass (Aalborg Portland); avoids landfill.",
             source=f"{S_KOMMUNE} (quantity); {S_AALBORG} (ratio); {S_INDIGO} (distance)"),
    Exchange("ash-to-cement", "asnaes", "fly-ash", "cement", "clinker", ASH_T, 1.0, category="by-product",
             transport=[Transport(R("transport-ship"), 250, label="Kalundborg to Aalborg by sea (assumed 250 km)")],
             amount_uncertainty=Uncertainty("uniform", minimum=100_000, maximum=170_000),
             ratio_uncertainty=Uncertainty("triangular", minimum=0.7, maximum=1.0),
             description="Fly ash replaces clinker mass for mass in fly-ash cement (EN 197-1); avoids landfill. "
                         "Quantity is the 1990s figure, assumed for 2008; distance assumed.",
             source=f"{S_FIKSEL} (quantity, 1990s); {S_EN197} (ratio)"),
    Exchange("steam-to-refinery", "asnaes", "process-steam", "refinery", "heat", REF_STEAM_T, STEAM_MJ_PER_T,
             category="energy",
             amount_uncertainty=Uncertainty("uniform", minimum=50_000, maximum=200_000),
             description="Process steam by pipe replaces useful heat from the refinery's own gas boiler: "
                         "2,693.2 MJ per t of steam (hg 10 bar saturated minus hf feedwater 20 °C). "
                         "Quantity ASSUMED (no confirmed figure).",
             source=f"{S_STEAM} (ratio); quantity: assumption, see scenario assumptions"),
    Exchange("steam-to-novo", "asnaes", "process-steam", "novo", "heat", NOVO_STEAM_T, STEAM_MJ_PER_T,
             category="energy",
             amount_uncertainty=Uncertainty("uniform", minimum=0.5 * NOVO_STEAM_T, maximum=1.5 * NOVO_STEAM_T),
             description="Process steam by pipe replaces useful heat from Novo Nordisk/Novozymes' own gas boilers: "
                         "2,693.2 MJ per t of steam. Quantity ASSUMED from the 129 MW heat capacity (Ørsted 2020) "
                         "at 4,000 full-load hours minus district heat.",
             source=f"{S_STEAM} (ratio); {S_ORSTED} (capacity behind the assumed quantity)"),
    Exchange("heat-to-town", "asnaes", "district-heat", "municipality", "heat", DH_MJ, 1.0, category="energy",
             ratio_uncertainty=Uncertainty("triangular", minimum=0.9, maximum=1.0),
             description="Surplus heat to the district-heating grid replaces useful heat from oil boilers 1:1 "
                         "(useful heat declared; boiler efficiency is in the heat-* background process).",
             source=f"{S_INV2008} (20,000 t oil saved); {S_IPCC} (NCV)"),
    Exchange("cooling-water-to-asnaes", "refinery", "cooling-water", "asnaes", "surface-water", COOLING_WATER_M3, 1.0,
             category="water",
             description="Used cooling water from the refinery replaces Asnæs's intake of Lake Tissø surface water 1:1 "
                         "(boiler feed after treatment; treatment not modelled).",
             source=S_WIKI),
]

# Every site declares only the part of its operation that the exchanges touch (the station's
# intake water, the receivers' replaceable supplies): L is not the park's whole impact, so Δ % is
# "n/m" (issue #7).
for s in sc.sites:
    s.inventory = "partial"
# Surplus heat is not free (issue #7): steam and heat drawn from Asnæs's turbines cost it
# electricity, which the park then buys from the grid (system expansion: the same products in L
# and S). Power-loss ratio β = electricity lost per unit of heat delivered:
# - 10 bar process steam: CHPQA Appendix 4 (DESNZ 2021, updated 2026), Example 4, measured on a
#   pass-out turbine: Z = 4.54 for MP steam (15 bar, 295 °C) and 6.34 for LP steam (4 bar,
#   165 °C), β = 1/Z. 10 bar lies between: Z interpolated in pressure 6.34 − (6/11) × 1.80 = 5.36,
#   β = 0.187 (range 0.158–0.220, the LP and MP values). Per t of steam:
#   β × 2,693.2 MJ/t ÷ 3.6 MJ/kWh = 139.6 kWh/t (118.0–164.8).
# - district heat (80–120 °C): power-loss ratio 1/5 to 1/9 for modern cogeneration plants
#   (Wikipedia, "Power loss factor"), central 1/7: 0.1429 ÷ 3.6 = 0.03968 kWh per MJ of heat
#   (0.03086–0.05556).
# The electricity is the Danish grid mix (elec-grid-dk), paid by the supplier.
S_CHPQA = ("DESNZ, CHPQA Appendix 4: Determination of Z-ratio by plant performance test, Example 4 "
           "(gov.uk, 2021, updated 2026): Z = 4.54 (MP 15 bar) and 6.34 (LP 4 bar)")
S_PLF = "Wikipedia, 'Power loss factor' (power-loss ratios of about 1/5 to 1/9 at 80–120 °C)"
beta_steam = 1 / (6.34 - (10 - 4) / (15 - 4) * (6.34 - 4.54))
kwh_per_t = beta_steam * STEAM_MJ_PER_T / 3.6
for x in ("steam-to-refinery", "steam-to-novo"):
    e = sc.exchange(x)
    e.processing.append(Processing(
        R("elec-grid-dk"), round(kwh_per_t, 1), "kWh",
        name="electricity Asnæs no longer generates (steam extracted from its turbine)",
        uncertainty=Uncertainty("triangular", minimum=round(STEAM_MJ_PER_T / 3.6 / 6.34, 1),
                                maximum=round(STEAM_MJ_PER_T / 3.6 / 4.54, 1))))
    e.economics.processing_paid_by = "supplier"
    e.source += f"; power-loss ratio: {S_CHPQA}"
dh = sc.exchange("heat-to-town")
dh.processing.append(Processing(
    R("elec-grid-dk"), round(1 / 7 / 3.6, 5), "kWh",
    name="electricity Asnæs no longer generates (heat extracted for district heating)",
    uncertainty=Uncertainty("triangular", minimum=round(1 / 9 / 3.6, 5), maximum=round(1 / 5 / 3.6, 5))))
dh.economics.processing_paid_by = "supplier"
dh.source += f"; power-loss ratio: {S_PLF}"
sc.sources += [S_CHPQA, S_PLF]
sc.assumptions.append(
    f"Steam and heat taken from Asnæs's turbines cost it electricity: {kwh_per_t:.1f} kWh per t of "
    "10 bar steam (CHPQA Appendix 4 Z-ratios, interpolated) and 0.0397 kWh per MJ of district heat "
    "(power-loss ratio 1/7), replaced by the Danish grid mix.")

# Exchanged amounts that rest on assumptions, not on a figure for 2008 (issue #7): the two steam
# deliveries (no per-receiver figure), the fly ash and the cooling water (1990s figures); the
# district heat is computed from the 2008 inventory's oil (estimated).
# The basis of every amount (issue #20.4): "sourced" only where the named source states the number,
# "estimated" where it is computed from sourced figures, "assumed" otherwise (what the comment says
# is assumed or illustrative, a 1 item or 0 placeholder, a figure of another year).
# tests/test_examples_bases.py checks the file this writes.
SOURCED = {("asnaes", "co2"), ("asnaes", "fgd-gypsum"), ("gyproc", "gypsum"), "gypsum-to-gyproc"}
ESTIMATED = {("asnaes", "coal"), ("asnaes", "district-heat"), ("municipality", "heat-service"),
             ("municipality", "heat"), "heat-to-town"}
for s in sc.sites:
    for f in s.flows:
        f.amount_basis = ("sourced" if (s.id, f.id) in SOURCED
                          else "estimated" if (s.id, f.id) in ESTIMATED else "assumed")
for e in sc.exchanges:
    e.amount_basis = ("sourced" if e.id in SOURCED else "estimated" if e.id in ESTIMATED
                      else "assumed")

OUT = "src/ecolca/examples/kalundborg.ecolca.json"
scenario_file.save(sc, OUT)
print(scenario_file.load(OUT).name)
