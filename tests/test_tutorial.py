"""docs/tutorial.md cannot drift from the app: its screenshots script drives the app through
every step (File ▸ New to the report) into a temporary folder, each picture the tutorial shows
must come out of it, not blank and small, and every menu, button, label and key the tutorial
names in bold or as <kbd> must be one the app showed on the way (issue #20.8).

The whole script takes 15-25 s here (2 shared cores), so the suite runs all of it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

TUTORIAL = ROOT / "docs" / "tutorial.md"
SCRIPT = ROOT / "docs" / "tutorial" / "make_screenshots.py"
GLOSSARY = ROOT / "docs" / "glossary.md"
MAX_BYTES = 150_000
# keys of typing, not commands: every other <kbd> must be some action's shortcut
TYPING_KEYS = {"Enter", "Tab", "Ctrl", "⌘"}


def _tutorial() -> str:
    return TUTORIAL.read_text(encoding="utf-8")


def referenced_images() -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(tutorial/([^)\s]+\.png)\)", _tutorial())


def quoted_names() -> set[str]:
    """What the tutorial writes in bold (names of the app: menus as "File ▸ New")."""
    names = set()
    for span in re.findall(r"\*\*(.+?)\*\*", _tutorial()):
        for part in span.split("▸"):
            names.add(" ".join(part.split()).rstrip("…").strip())
    return names


def quoted_keys() -> set[str]:
    return set(re.findall(r"<kbd>(.+?)</kbd>", _tutorial()))


@pytest.fixture(scope="module")
def tour(tmp_path_factory, _bw_project_built):
    out = tmp_path_factory.mktemp("tutorial")
    texts = out / "texts.txt"
    import ecolca

    src = Path(ecolca.__file__).resolve().parents[1]  # the ecolca this test session imports
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(src) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run([sys.executable, str(SCRIPT), str(out), "--project", _bw_project_built,
                        "--texts", str(texts)], env=env, capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-3000:]
    return out, set(texts.read_text(encoding="utf-8").splitlines())


def test_every_screenshot_the_tutorial_shows_is_made_small_and_not_blank(tour):
    from PySide6.QtGui import QImage

    out, _texts = tour
    images = referenced_images()
    assert len(images) >= 10, images
    for name in images:
        path = out / name
        assert path.exists(), f"docs/tutorial.md shows {name}, which the script no longer makes"
        assert path.stat().st_size <= MAX_BYTES, (name, path.stat().st_size)
        img = QImage(str(path))
        assert (img.width(), img.height()) == (1280, 800), (name, img.width(), img.height())
        colours = {img.pixel(x, y) for x in range(0, img.width(), 37)
                   for y in range(0, img.height(), 23)}
        assert len(colours) >= 8, f"{name} is blank ({len(colours)} colours)"
        # and the copy in the repository is there for the reader
        assert (ROOT / "docs" / "tutorial" / name).exists(), f"run `make tutorial-shots` ({name})"


def test_every_name_and_key_the_tutorial_quotes_is_one_the_app_shows(tour):
    _out, texts = tour
    missing = sorted(n for n in quoted_names() if n not in texts)
    assert not missing, f"docs/tutorial.md names what the app does not show: {missing}"
    keys = sorted(k for k in quoted_keys() - TYPING_KEYS if f"key:{k}" not in texts)
    assert not keys, f"docs/tutorial.md gives keys no action has: {keys}"
    assert len(quoted_names()) >= 25 and len(quoted_keys()) >= 5  # the check checks something


def test_the_tutorials_links_resolve():
    """Relative links (docs, pictures, glossary anchors) lead somewhere."""
    glossary = GLOSSARY.read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', glossary))
    anchors |= {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
                for h in re.findall(r"^#+ (.+)$", glossary, re.M)}
    links = re.findall(r"\]\(([^)\s]+)\)", _tutorial())
    assert links
    for link in links:
        if link.startswith(("http://", "https://")):
            continue
        target, _, anchor = link.partition("#")
        path = (TUTORIAL.parent / target) if target else TUTORIAL
        assert path.exists(), link
        if anchor and path == GLOSSARY:
            assert anchor in anchors, f"{link}: no such anchor in docs/glossary.md"


def test_readme_and_the_help_menu_lead_to_the_tutorial(qtbot, tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/tutorial.md" in readme[:1500], "README's top should say where a newcomer starts"
    from PySide6.QtCore import QSettings

    from ecolca.app.mainwindow import MainWindow

    w = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat),
                   ask_setup=False)
    qtbot.addWidget(w)
    help_menu = next(a.menu() for a in w.menuBar().actions() if a.text() == "&Help")
    texts = [a.text().replace("&", "") for a in help_menu.actions()]
    assert any("Tutorial" in t for t in texts), texts
    assert w.tutorial_path().name == "tutorial.md" and w.tutorial_path().exists()
