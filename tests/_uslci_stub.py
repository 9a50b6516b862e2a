"""A tiny stand-in for the US LCI database (``uslci``) with a few of its real process codes
(openLCA ``@id``), names, units (the reference flow's reference unit, as openLCA spells it) and
locations, so the rebase tests need neither the importer nor the 7 MB zip.

Each activity emits only the direct fossil CO2 of the real process, per its unit; amounts read
from the US LCI FY17 JSON-LD (see databases/mappings/README.md) and converted to the stored unit
(residual fuel oil: 3.262 kg per l = 3,262 kg per m3; electricity 0 direct CO2 in the grid mix
process, so a stub value of 0.2 kg/MJ stands in for its upstream)."""

from __future__ import annotations

CO2_FOSSIL = ("biosphere3", "349b29d1-3e58-4c66-98b9-9d1a076efd2e")  # Carbon dioxide, fossil, air

ACTIVITIES = {
    # code: (name, unit, location, kg CO2 per unit)
    "89389d98-1ba6-30c5-9c33-92443694936b": ("Electricity, at Grid, US, 2010", "MJ", "RNA", 0.2),
    "7b1dbcce-4271-3933-808f-8c72f4615bb6": ("Electricity, at eGrid, AZNM, 2010", "MJ", "RNA", 0.15),
    "317adcbc-b3e3-3ec3-80c3-82b18d0f3207": ("Bituminous coal, at mine", "kg", "RNA", 0.01),
    "9d9b6815-9349-30af-869b-57362428c42e": ("Residual fuel oil, combusted in industrial boiler",
                                             "m3", "RNA", 3262.0),
    "5b81b61c-4d10-3bed-9926-8a5f868f5174": ("Natural gas, combusted in industrial boiler", "m3",
                                             "RNA", 1.96),
    "33f08f48-349e-31f1-b600-aa7e9713ca50": ("Ammonia, steam reforming, liquid, at plant", "kg",
                                             "RNA", 0.097),
    "49e563d8-0cea-3f97-96b8-15787be48b91": ("Limestone, at mine", "kg", "RNA", 0.002),
    "34156f3c-28ef-33db-9ad0-6293a2aa0d52": ("Transport, combination truck, diesel powered",
                                             "t*km", "RNA", 0.079876),
    "f85fcdde-6c6b-3bbb-8efc-de6cb34c9ac7": ("Transport, ocean freighter, residual fuel oil "
                                             "powered", "t*km", "US", 0.01598),
    # decoys for the suggestion ranking
    "dce702f1-03a1-3fe9-bb48-94a5217fd8cb": ("Transport, combination truck, average fuel mix",
                                             "t*km", "RNA", 0.08),
    "cef0fa12-65ae-3672-a989-49e304c7ba53": ("Transport, passenger truck, diesel powered", "p*km",
                                             "RNA", 0.2),
    "62993671-574c-3fc5-b66a-6be3bb21ad3d": ("Portland cement, at plant", "kg", "RNA", 0.9),
    "9c0c2415-126f-3162-8479-f002f315a8c7": ("Quicklime, at plant", "kg", "RNA", 1.0),
    "f7dc0ccd-5b6d-30d8-9009-885bae3ac819": ("Natural gas, at extraction site", "m3", "RNA", 0.0),
}


def build(name: str = "uslci") -> None:
    """Write the stub database into the current project (replacing one of the same name)."""
    import bw2data as bd

    if name in bd.databases:
        del bd.databases[name]
    data = {}
    for code, (act, unit, loc, co2) in ACTIVITIES.items():
        exc = [{"input": (name, code), "amount": 1.0, "type": "production", "unit": unit}]
        if co2:
            exc.append({"input": CO2_FOSSIL, "amount": co2, "type": "biosphere",
                        "unit": "kilogram"})
        data[(name, code)] = {"name": act, "unit": unit, "location": loc, "type": "process",
                              "reference product": act, "exchanges": exc}
    db = bd.Database(name)
    db.register(description="test stub of US LCI")
    db.write(data)
