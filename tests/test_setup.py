
from ecolca.brightway import background
from ecolca.brightway.project import is_ready
from ecolca.importers.setup import setup

from conftest import PROJECT


def test_setup_makes_an_ordinary_brightway_project(bw_project):
    import bw2data as bd

    assert PROJECT in bd.projects
    bd.projects.set_current(PROJECT)
    assert {"biosphere3", background.BUNDLED_NAME} <= set(bd.databases)
    names = {m[0] for m in bd.methods}
    assert {"EF v3.1", "IPCC 2021", "ReCiPe 2016 v1.03, midpoint (H)",
            "Cumulative Energy Demand (CED)"} <= names
    assert "CML v4.8 2016" not in names  # only the default set without --all-methods
    # an ordinary database other tools (Activity Browser) can open: processed, with a datapackage
    db = bd.Database(background.BUNDLED_NAME)
    assert db.metadata["ecolca_version"] == background.read().version
    assert len(db) == len(background.read().processes)
    assert db.datapackage() is not None


def test_second_setup_has_nothing_to_do(bw_project):
    rep = setup(PROJECT)
    assert not rep.changed, rep.steps
    assert is_ready(PROJECT)


def test_only_the_named_project_is_touched(bw_project):
    import bw2data as bd

    before = {p.name for p in bd.projects}
    setup(PROJECT)
    assert {p.name for p in bd.projects} == before


def test_a_changed_bundled_database_replaces_the_installed_one(bw_project):
    import bw2data as bd

    md = bd.databases[background.BUNDLED_NAME]
    md["ecolca_digest"] = "older"
    md["ecolca_version"] = "0.0.1"
    bd.databases[background.BUNDLED_NAME] = md
    bd.databases.flush()
    assert not is_ready(PROJECT)
    rep = setup(PROJECT)
    assert any("replaced" in s and "was 0.0.1" in s for s in rep.steps), rep.steps
    assert bd.databases[background.BUNDLED_NAME]["ecolca_digest"] == background.read().digest


def test_project_name_from_environment(monkeypatch):
    from ecolca.brightway.project import project_name

    monkeypatch.setenv("ECOLCA_PROJECT", "from-env")
    assert project_name() == "from-env"
    assert project_name("explicit") == "explicit"
    monkeypatch.delenv("ECOLCA_PROJECT")
    assert project_name() == "ecolca"
