"""Regenerates databases/README.md from the CSV sources (run after editing them):

    .venv/bin/python databases/build_readme.py

It builds the bundled database in a throwaway Brightway folder, computes IPCC 2021 GWP100 per
process, and writes the process and sanity tables. tests/test_background.py checks the README is
current.
"""

import os
import sys
import tempfile
from pathlib import Path

os.environ["BRIGHTWAY_DIR"] = tempfile.mkdtemp(prefix="ecolca-dbreadme-")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from ecolca import background  # noqa: E402
from ecolca.project import setup  # noqa: E402

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")

if __name__ == "__main__":
    setup("dbreadme")
    db = background.read()
    text = background.render_readme(db, background.unit_scores(GWP))
    out = Path(__file__).resolve().parent / "README.md"
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
