"""Worker for tests/test_wrong_numbers.py::test_variants_with_one_id_run_in_parallel: runs
compare() on one scenario file N times and prints each run's L, S and Σ parts as JSON lines."""

import contextlib
import json
import sys

OUT = sys.stdout
with contextlib.redirect_stdout(sys.stderr):  # Brightway's log lines go to stdout
    from ecolca import lca
    from ecolca.core import scenario_file

path, project, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
sc = scenario_file.load(path)
for _ in range(n):
    try:
        with contextlib.redirect_stdout(sys.stderr):
            r = lca.compare(sc, project=project, methods=[GWP])
    except Exception as exc:  # reported, and the test fails on it
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), file=OUT, flush=True)
        continue
    imp = r.impact(GWP)
    print(json.dumps({"linear": imp.linear, "symbiotic": imp.symbiotic,
                      "parts": sum(p.total for p in r.exchange_parts(GWP))}), file=OUT, flush=True)
