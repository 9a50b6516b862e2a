"""docs/validation.md is generated, never stale (issue #18, point 8).

Every figure of the document that comes from an ecolca run sits between ``<!-- generated: NAME -->``
and ``<!-- end generated -->`` markers and is written by ``tools/build_validation.py``. These tests
run the same generation on the test session's project (one ``lca.compare`` per example, about
1–2 s each) and fail, with a diff and the command that regenerates, when a committed figure differs
from the run at the precision the document shows."""

from __future__ import annotations

import importlib.util
import re

import pytest

from conftest import PROJECT, ROOT

_spec = importlib.util.spec_from_file_location("build_validation", ROOT / "tools" / "build_validation.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

DOC = ROOT / "docs" / "validation.md"


@pytest.fixture(scope="module")
def runs(_bw_project_built):
    return build.run_examples(PROJECT)


@pytest.fixture(scope="module")
def blocks(runs):
    return build.blocks(runs)


def _stale(text: str, blocks) -> str:
    """'' when every generated block of ``text`` equals the run's, else a diff and the command.
    The US LCI block is compared only by the test that has the real US LCI."""
    new = build.fill(text, blocks, keep=("uslci-side-by-side",))
    if new == text:
        return ""
    return (f"docs/validation.md differs from what the examples give now; regenerate it with\n"
            f"    BRIGHTWAY_DIR=… {build.COMMAND} [--uslci DATABASE]\n(after `ecolca setup`; "
            f"--uslci with the real US LCI imported, for its table) and review the prose "
            f"around the changed figures.\n{build.diff(text, new)}")


def test_validation_doc_figures_match_a_run(blocks):
    text = DOC.read_text(encoding="utf-8")
    found = build.generated(text)
    # the document's figures that the issue found stale are generated, not typed
    for name in ("headline", "kalundborg-exchanges", "kalundborg-methods", "kawasaki-exchanges",
                 "phoenix-methods", "water-after", "kal-gwp", "q.kawasaki.plastics-to-ammonia",
                 "pho-acid"):
        assert name in found, f"docs/validation.md has no generated block '{name}'"
    problem = _stale(text, blocks)
    assert not problem, problem


def test_every_marker_has_a_generator_and_every_generator_is_used(blocks):
    found = set(build.generated(DOC.read_text(encoding="utf-8")))
    missing = found - set(blocks) - {"uslci-side-by-side"}  # made only with the real US LCI
    assert not missing, f"markers without a generator: {sorted(missing)}"
    unused = {n for n in set(blocks) - found if not n.startswith("q.")
              and not n.startswith("gypsum-ash-")}
    assert not unused, f"generated blocks that docs/validation.md does not show: {sorted(unused)}"


def test_a_doc_with_an_old_figure_fails_with_a_diff_and_the_command(blocks):
    """The check is not vacuous: the figures the issue quoted as stale (Kalundborg −309 kt,
    Kawasaki q = 71,175 t, Phoenix acidification −68 %) put back into the doc make it fail."""
    text = DOC.read_text(encoding="utf-8")
    for name, old in (("kal-gwp", "−308.7 kt CO2-eq"), ("q.kawasaki.plastics-to-ammonia", "71,175 t"),
                      ("pho-acid", "−68.0 %")):
        marker = f"<!-- generated: {name} -->"
        start = text.index(marker) + len(marker)
        end = text.index("<!-- end generated -->", start)
        stale = text[:start] + old + text[end:]
        problem = _stale(stale, blocks)
        assert problem and old in problem and build.COMMAND in problem, name
    # one digit of a generated table changed (at the shown precision) also fails
    marker = "<!-- generated: headline -->"
    i = re.compile(r"\| (\d)").search(text, text.index(marker)).start(1)  # first figure of the table
    wrong = "1" if text[i] != "1" else "2"
    assert _stale(text[:i] + wrong + text[i + 1:], blocks)


def test_validation_doc_uslci_table_matches_a_run(runs, uslci_project):
    """The side-by-side table of ecolca-open and the US LCI rebase (gypsum-ash, Kalundborg), from
    the real shipped US LCI of the session's US LCI project (the ``uslci_project`` fixture)."""
    from conftest import USLCI_PROJECT

    db, _, _ = uslci_project
    text = DOC.read_text(encoding="utf-8")
    assert "uslci-side-by-side" in build.generated(text)
    new = build.fill(text, build.blocks(runs, build.run_uslci(USLCI_PROJECT, db)))
    assert new == text, ("docs/validation.md's US LCI table differs from the run; regenerate it with\n"
                         f"    BRIGHTWAY_DIR=… {build.COMMAND} --uslci DATABASE\n"
                         f"{build.diff(text, new)}")
