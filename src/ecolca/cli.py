"""Command line; ``ecolca`` alone opens the desktop app. Commands (``ecolca --help`` lists the same;
tests/test_cli.py::test_docstring_and_help_list_every_command checks it):

``setup``, ``import``, ``run``, ``disclose``, ``export-shared``, ``validate``, ``open``, ``methods``,
``suggest``, ``examples``, ``example``, ``rebase``, ``mapping suggest``, ``docs``, ``completion``.

A scenario argument is a file or the name of a bundled example (``ecolca examples``).
Results go to stdout, everything else (progress, notes, Brightway's log) to stderr; ``--verbose``
shows Brightway's own log lines, hidden otherwise.

Exit codes: 0 done, 1 invalid input (the message names the item and field), 2 usage.
A user's mistake never prints a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import hashlib
import json
import math
import os
import re
import sys
from pathlib import Path

from ecolca import __version__
from ecolca.core.errors import EcolcaError, ScenarioError
from ecolca.core.jsontext import json_text, strict_json
from ecolca.core.labels import delta_note, parameter_name
from ecolca.core.model import ATTRIBUTION_KEYS
from ecolca.core.numbers import denoise, format_pct, format_plain, format_row, scale_for

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

# Results go to the real stdout; while a command runs, sys.stdout points elsewhere (stderr with
# --verbose, else nowhere: ecolca.brightway.bwcompat.brightway_stdout) so that the lines Brightway prints
# (bw2io's "Applying strategy ...") never mix with results or JSON a script reads.
_STDOUT = sys.stdout


def out(*args, **kwargs) -> None:
    print(*(safe_text(a) for a in args), file=_STDOUT, **kwargs)


# ---- output that cannot be written (issue #19: a full disk blamed BRIGHTWAY_DIR, named no path)
_DISK_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _why(exc: OSError) -> str:
    full = " (the disk is full: free some space or write elsewhere)" \
        if exc.errno in _DISK_FULL else ""
    return f"{exc.strerror or exc}{full}"


def _cannot_write(dest: Path, exc: OSError) -> EcolcaError:
    """A file written atomically could not be: nothing was written, an old file is intact."""
    return EcolcaError(f"cannot write '{dest}': {_why(exc)}; nothing was written")


class _OutputError(Exception):
    def __init__(self, exc: OSError, where: str):
        super().__init__(f"cannot write the output to {where}: {_why(exc)}; the output is "
                         "incomplete")


class _Stdout:
    """The real stdout (results, --json): a write that fails says so, naming where it went."""

    def __init__(self, stream):
        self.stream = stream

    def _call(self, fn, *args):
        try:
            return fn(*args)
        except OSError as exc:
            where = "standard output"
            with contextlib.suppress(OSError, ValueError, AttributeError):
                target = os.readlink(f"/proc/self/fd/{self.stream.fileno()}")
                where += f" ('{target}')" if target.startswith("/") else ""
            raise _OutputError(exc, where) from None

    def write(self, text: str):
        return self._call(self.stream.write, text)

    def flush(self) -> None:
        self._call(self.stream.flush)

    def __getattr__(self, name):
        return getattr(self.stream, name)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors exit 2, as argparse does, with our wording
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"ecolca: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="ecolca", description="Comparative LCA of industrial symbiosis: the linear "
                "park (virgin inputs, residues disposed of) against the symbiotic one (residues "
                "replace inputs), on Brightway 2.5.",
                epilog="A scenario argument may name a bundled example (ecolca examples). The "
                "docs/*.md pages named in the help are installed with ecolca: ecolca docs lists "
                "them.")
    p.add_argument("--version", action="version", version=f"ecolca {__version__}")
    p.add_argument("--verbose", action="store_true", help="also show Brightway's own log lines "
                   "and progress bars (on stderr)")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    s = sub.add_parser("setup", help="create or update the Brightway project (offline)")
    s.add_argument("--project", help="Brightway project name (default: $ECOLCA_PROJECT or 'ecolca')")
    s.add_argument("--all-methods", action="store_true", help="install all bundled LCIA methods, "
                   "not only EF v3.1, IPCC 2021, ReCiPe 2016 midpoint (H) and CED")
    s.add_argument("--quiet", action="store_true", help="print only the final line")
    s.add_argument("--background", action="append", choices=["uslci"], default=[],
                   help="also install a shipped background database (offline): uslci (US LCI "
                        "FY17, openLCA JSON-LD, MIT / Federal LCA Commons notice)")

    from ecolca.importers.command import add_parser as _add_import_parser

    _add_import_parser(sub)

    r = sub.add_parser("run", help="compare the linear and symbiotic configurations of a scenario")
    r.add_argument("scenario", help="scenario file (*.ecolca.json)")
    r.add_argument("--report", metavar="OUT.xlsx", help="write the Excel report here")
    r.add_argument("--method", action="append", metavar="'A|B|C'",
                   help="LCIA method as its name parts joined by '|' (repeatable); default: the "
                        "scenario's methods")
    r.add_argument("--json", action="store_true", help="print all results as JSON on stdout")
    r.add_argument("--project", help="Brightway project name")
    r.add_argument("--iterations", type=_iterations_arg, metavar="N|auto",
                   help="paired Monte Carlo iterations, or 'auto' to stop at the stated "
                        "standard errors (docs/engine.md; default: the scenario's setting)")
    r.add_argument("--seed", type=int, help="Monte Carlo seed (default: the scenario's)")
    r.add_argument("--iterations-sheet", action="store_true",
                   help="with --report and a Monte Carlo run: add a sheet with the raw paired "
                        "draws, one row per iteration (L, S and Δ per method; at most "
                        "10,000 rows)")
    r.add_argument("--workers", type=int, default=1, metavar="K",
                   help="Monte Carlo: sample the background in K local processes (default 1); "
                        "the numbers do not depend on K")
    r.add_argument("--dask", metavar="ADDRESS",
                   help="Monte Carlo: run the chunks on this Dask scheduler (e.g. "
                        "tcp://host:8786; needs ecolca[cluster] and a shared Brightway folder)")
    r.add_argument("--sensitivity", type=_rows_arg, default=_DEFAULT, metavar="N|all",
                   help="list the N parameters that move Δ most, per method (default 3 in the "
                        "summary, 50 in --json; 0: none; all: every one)")
    r.add_argument("--key", choices=list(ATTRIBUTION_KEYS),
                   help="attribution key for per-site figures (default: the scenario's)")

    # ---- disclosure and confidential sites (issue #12) ----
    r.add_argument("--audience", choices=["internal", "park", "public"], default="internal",
                   help="who the report is for: internal (everything), park or public "
                        "(confidential sites masked; docs/confidentiality.md)")
    ds = sub.add_parser("disclose", help="one site's own inventory change and, separately, the "
                        "benefit attributed to it (ESRS E5; GHG Protocol Scope 3 Standard 9.5)")
    ds.add_argument("scenario", help="scenario file (*.ecolca.json)")
    ds.add_argument("--site", required=True, metavar="ID", help="the site's id")
    ds.add_argument("--key", required=True,
                    choices=list(ATTRIBUTION_KEYS),
                    help="the attribution key of the attributed benefit")
    ds.add_argument("--report", metavar="OUT.xlsx", help="also write it as an Excel sheet")
    ds.add_argument("--json", action="store_true", help="print it as JSON on stdout")
    ds.add_argument("--audience", choices=["internal", "park", "public"], default="internal",
                    help="park or public: partners that are confidential sites are masked")
    ds.add_argument("--project", help="Brightway project name")
    xs = sub.add_parser("export-shared", help="write a scenario others can run, with the "
                        "confidential sites replaced by their pooled inventory")
    xs.add_argument("scenario", help="scenario file (*.ecolca.json)")
    xs.add_argument("-o", "--output", required=True, metavar="SHARED.ecolca.json")
    xs.add_argument("--audience", choices=["park", "public"], default="park",
                    help="public also leaves out the pooled flows' prices")
    xs.add_argument("--force", action="store_true", help="overwrite an existing output file")
    # ---- end issue #12 ----

    v = sub.add_parser("validate", help="list every problem of a scenario")
    v.add_argument("scenario")
    v.add_argument("--project", help="also check against this Brightway project (activities, "
                   "methods, units); default: the ecolca project when it exists")
    v.add_argument("--no-project", action="store_true", help="skip the checks against Brightway")

    o = sub.add_parser("open", help="open the desktop app (with a scenario file or a bundled "
                       "example name)")
    o.add_argument("scenario", nargs="?")
    o.add_argument("--project", help="Brightway project name")

    mt = sub.add_parser("methods", help="list the LCIA methods installed in the project")
    mt.add_argument("words", nargs="*", help="only methods whose name contains every word")
    mt.add_argument("--project", help="Brightway project name")

    sg = sub.add_parser("suggest", help="suggest exchanges between the sites of a scenario, "
                        "ranked by avoided impact (docs/suggest.md)")
    sg.add_argument("scenario", help="scenario file (*.ecolca.json)")
    sg.add_argument("--top", type=int, default=10, metavar="N",
                    help="show the N best candidates (default 10)")
    sg.add_argument("--method", metavar="'A|B|C'", help="rank by this LCIA method (default: "
                    "the scenario's first)")
    sg.add_argument("--distance-km", type=float, metavar="KM", help="distance between sites "
                    "without coordinates (default: great-circle × circuity from latitude and "
                    "longitude, else an assumed 50 km with a warning)")
    sg.add_argument("--json", action="store_true", help="print the candidates as JSON on stdout")
    sg.add_argument("--project", help="Brightway project name")

    sub.add_parser("examples", help="list the bundled example scenarios")
    e = sub.add_parser("example", help="write a bundled example scenario to a file")
    e.add_argument("name")
    e.add_argument("-o", "--output", required=True, help="file to write (*.ecolca.json)")
    e.add_argument("--force", action="store_true", help="overwrite an existing file")

    rb = sub.add_parser("rebase", help="move a scenario onto another background database "
                        "through a mapping table (docs/rebase.md)")
    rb.add_argument("scenario", help="scenario file (*.ecolca.json)")
    rb.add_argument("--mapping", required=True, metavar="MAP.csv", help="mapping table: "
                    "from_database, from_code, to_database, to_code, match, unit_factor, note")
    rb.add_argument("-o", "--output", required=True, metavar="NEW", help="rebased scenario to "
                    "write (never the input)")
    rb.add_argument("--project", help="Brightway project name")
    rb.add_argument("--force", action="store_true", help="overwrite an existing output file")
    mp = sub.add_parser("mapping", help="mapping tables for `ecolca rebase`")
    msub = mp.add_subparsers(dest="mapping_command", parser_class=_Parser, required=True)
    ms = msub.add_parser("suggest", help="draft a mapping table with ranked candidates, every "
                         "row unreviewed")
    ms.add_argument("scenario")
    ms.add_argument("--to", required=True, metavar="DB", help="target background database")
    ms.add_argument("-o", "--output", metavar="FILE.csv", help="write here (default: stdout)")
    ms.add_argument("--candidates", type=int, default=3, metavar="N",
                    help="candidates per activity (default 3)")
    ms.add_argument("--project", help="Brightway project name")
    ms.add_argument("--force", action="store_true", help="overwrite an existing output file")

    dc = sub.add_parser("docs", help="list the documentation installed with ecolca, or print "
                        "the path of one page (docs/*.md)")
    dc.add_argument("page", nargs="?", help="page name, e.g. json-output")
    dc.add_argument("--open", action="store_true", help="open the page (or the folder) with the "
                    "system's viewer")
    cp = sub.add_parser("completion", help="print a shell completion script: "
                        "eval \"$(ecolca completion bash)\" in ~/.bashrc")
    cp.add_argument("shell", choices=["bash", "zsh"])
    return p


class _Progress:
    """Progress on stderr, never on stdout, nothing when ``quiet``; the fraction never goes back.
    On a terminal: one tqdm bar. Otherwise (a pipe, a log file): a line per step, and for a
    counter "k/N" (iterations, methods) a line per tenth of N, so 10,000 Monte Carlo iterations
    print about 11 lines, not 10,000 (tests/test_install.py checks it)."""

    _COUNTER = re.compile(r"(\d[\d,]*)/(\d[\d,]*|auto)\s*$")

    def __init__(self, quiet: bool, stream=None):
        self.quiet, self.stream = quiet, stream or sys.stderr
        self.frac, self.bar, self.last = 0.0, None, None
        try:
            self.tty = self.stream.isatty() and os.environ.get("TERM") != "dumb"
        except (AttributeError, ValueError):
            self.tty = False

    def __call__(self, msg: str, frac: float) -> None:
        if self.quiet:
            return
        self.frac = frac = max(self.frac, min(1.0, float(frac)))
        if self.tty:
            self._draw(msg, frac)
            return
        m = self._COUNTER.search(msg)
        if m:  # the same counter: a line per tenth (per 1,000 when the end is open: auto)
            k, n = int(m.group(1).replace(",", "")), m.group(2).replace(",", "")
            step = k // 1000 if n == "auto" else (10 * k // int(n) if int(n) else 10)
            key = (msg[:m.start()], step)
            if key == self.last:
                return
            self.last = key
        else:
            self.last = None
        print(f"[{frac * 100:3.0f}%] {msg}", file=self.stream, flush=True)

    def _draw(self, msg: str, frac: float) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=100, file=self.stream, disable=False, leave=False,
                            bar_format="{percentage:3.0f}%|{bar:24}| {desc}")
        self.bar.set_description_str(msg, refresh=False)
        self.bar.update(round(frac * 100, 2) - self.bar.n)
        if frac >= 1.0:
            self.bar.close()
            self.bar = None


def _progress(quiet: bool):
    return _Progress(quiet)


def _parse_method(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("|"))


def _fmt(x: float | None, scale: float | None = None) -> str:
    """A single number that is not a row of results (an input's range, a suggestion's figure):
    four significant figures in grouped digits, never E-notation (:mod:`ecolca.core.numbers`).
    A value below 1e-9 of its row's ``scale`` is rounding noise and prints as 0. Results go
    through :func:`_row`."""
    if x is None:
        return "—"
    if x == 0 or (scale and abs(x) < 1e-9 * abs(scale)):
        return "0"
    return format_plain(x, 4)


def _row(values, unit: str, scale: float | None = None) -> tuple[list[str], str]:
    """A row of results (L, S, Δ; Δ and its interval) by the number policy: one scale, 3
    significant figures, the scaled unit (docs/report.md, "Numbers"); noise below 1e-9 of
    ``scale`` is 0. ``--json`` keeps full precision."""
    vals = [None if v is None else denoise(v, scale) if scale else v for v in values]
    return format_row(vals, unit)


def _print_results_in_words(res) -> None:
    """The result of each category in one sentence, as the report's first page says it (issue #20.2)."""
    from ecolca.report import onepage

    out("In words:")  # indented: a line that starts with a method's name is the table's
    for line in onepage.build(res, where="cli").result_lines():
        out("  " + line)
    out("")


def _print_summary(res, top: int = 3) -> None:
    _print_results_in_words(res)
    out(f"Scenario: {res.scenario_name} (reference year {res.reference_year})")
    out("Functional unit: annual output of all sites: " + "; ".join(
        f"{p.site_name}: {p.amount:,.10g} {p.unit} {p.product}" for p in res.functional_unit))
    if res.calibration:  # computed from the amounts' bases (core.model.calibration_of)
        share = res.assumed_share(res.methods[0]) if res.methods else None
        out(f"Calibration: {res.calibration_note or res.calibration}" + (
            f"; {share * 100:.0f} % of Σ|Δₑ| ({' | '.join(res.methods[0])}) rests on amounts "
            f"not sourced" if share is not None and res.assumed_exchanges else ""))
    rows = [("Method", "Unit", "Linear", "Symbiotic", "Δ", "Δ %")]
    notes: list[str] = []
    for r in res.impacts:
        name = " | ".join(r.method)
        if not r.covered:
            text = r.coverage.label()
            rows.append((name, r.unit, text, "", "", ""))
            continue
        pct = "n/m" if r.pct_note else "—" if r.delta_pct is None else \
            format_pct(r.delta_pct, signed=True)
        scale = max(abs(r.linear), abs(r.symbiotic))
        texts, unit = _row([r.linear, r.symbiotic, r.delta], r.unit, scale)
        rows.append((name, unit, *texts, pct))
        if r.coverage is not None and r.coverage.status == "partial":
            notes.append(f"{name}: coverage {r.coverage.label()}")
        if r.delta_note:  # below numerical precision, or exchanges with one side without data
            notes.append(f"{name}: Δ {delta_note(r, _labels(res))}")  # exchanges by label
        if r.symbiotic < 0 <= r.linear:
            notes.append(f"{name}: S < 0 because the avoided supplies and fates credited "
                         "exceed the burden the sites declare")
    # method names are never cut: the end is what tells GWP100 from GWP1000
    sized = [row for j, row in enumerate(rows) if j == 0 or res.impacts[j - 1].covered]
    widths = [max(len(row[i]) for row in sized) for i in range(6)]
    widths[0] = max(len(row[0]) for row in rows)
    for j, row in enumerate(rows):
        if j and not res.impacts[j - 1].covered:  # one message across the number columns
            out("  ".join([row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2]]))
            continue
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])] + \
                [c.rjust(widths[i]) for i, c in enumerate(row[2:], start=2)]
        out("  ".join(cells))
        if j == 0:
            out("  ".join("-" * w for w in widths))
    if res.impacts and res.impacts[0].pct_note:
        notes.insert(0, "Δ % " + res.impacts[0].pct_note)
    for n in notes:
        out(f"note: {n}")
    reason = res.cost_reason()
    if reason:  # a missing price would count as 0: not a result
        out(f"Cost per year ({res.currency}): not computed ({reason}"
            + ("; the report's Economics sheet lists them" if res.prices_given else "") + ")")
    else:
        (lin, sym, dc), unit = _row([res.total_cost(k) for k in ("linear", "symbiotic", "delta")],
                                    res.currency)
        out(f"Cost per year ({unit}): linear {lin}, symbiotic {sym}, Δ {dc}")
    mc = res.metadata.get("monte_carlo")
    if res.monte_carlo_note():  # asked for, nothing to sample: no interval at all
        out(f"Monte Carlo: {res.monte_carlo_note()}")
    elif res.uncertainty:
        u0 = res.uncertainty[0]
        out(f"Monte Carlo: {u0.iterations:,} paired iterations, seed {u0.seed}"
            + (f"; {mc['note']}" if isinstance(mc, dict) and mc.get("note") else ""))
        if isinstance(mc, dict) and mc.get("stopped") in ("converged", "nothing varies",
                                                          "maximum"):
            out(f"  stopped: {mc['stopped_note']}")
        # the deterministic Δ beside the median and the 95 % interval of the draws
        urows = [("Method", "Unit", "Δ (deterministic)", "median Δ", "2.5 %", "97.5 %",
                  "P(Δ<0)", "")]
        for u in res.uncertainty:
            if not res.impact(u.method).covered:
                urows.append((" | ".join(u.method), u.unit, "not covered", "", "", "", "", ""))
                continue
            d = u.delta
            sc_ = max(abs(u.linear["mean"]), abs(u.symbiotic["mean"]))
            flag = f"outside ({u.outside})" if u.outside else ""
            texts, unit = _row([u.deterministic, d["median"], d["p2.5"], d["p97.5"]], u.unit, sc_)
            urows.append((" | ".join(u.method), unit, *texts,
                          f"{u.probability_delta_negative:.2f}", flag))
        uw = [max(len(r[i]) for r in urows) for i in range(8)]
        for j, r in enumerate(urows):
            out("  ".join([r[0].ljust(uw[0]), r[1].ljust(uw[1])]
                          + [c.rjust(uw[i]) for i, c in enumerate(r[2:7], start=2)]
                          + [r[7]]).rstrip())
            if j == 0:
                out("  ".join("-" * w for w in uw[:7]))
        for u in res.uncertainty:  # in words: outside the interval, and why
            if u.outside and res.impact(u.method).covered:
                out(f"note: {' | '.join(u.method)}: {u.headline()}")
    _print_sensitivity(res, top, out)


_DEFAULT = -1  # --sensitivity not given


def _rows_arg(text: str) -> int | None:
    """``--sensitivity``: a whole number ≥ 0, or 'all' (None)."""
    if text.strip().lower() == "all":
        return None
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number or 'all', got {text!r}")
    if n < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 0 or 'all', got {n}")
    return n


def _labels(res) -> dict[str, str]:
    """Exchange id → "site: residue → site: supply", as the results name them: what the text
    prints for a reader, never a generated id (issue #20.6)."""
    ex = getattr(res, "exchanges", None)
    return dict(zip(ex.ids, ex.labels)) if ex is not None else {}


def _print_sensitivity(res, top: int | None, out) -> None:
    """The parameters that move Δ most, per covered method (one at a time), with their share of
    Δ's variance after a Monte Carlo run."""
    if top == 0 or not res.sensitivity:
        return
    out("Sensitivity (one at a time; Δ at the low and high end of each range; docs/engine.md):")
    for s in res.sensitivity:
        rows = s.top(top)
        if not res.impact(s.method).covered or not rows:
            continue
        if not s.moving_rows(1) and s.delta == 0:  # below precision or out of reach: 0
            out(f"  {' | '.join(s.method)} [{s.unit}]: Δ 0, no parameter moves it")
            continue
        shares = {g.parameter: g.s1 for g in s.global_shares}
        # Δ and Δ at both ends of every range in one unit, to 3 significant figures
        sc = scale_for([s.delta] + [x for r in rows for x in (r.delta_low, r.delta_high)],
                       s.unit)
        out(f"  {' | '.join(s.method)} [{sc.unit}], Δ {sc.text(s.delta)}")
        for r in rows:
            share = f", S1 {max(shares[r.parameter], 0.0):.2f}" if r.parameter in shares else ""
            lo, hi = sc.text(r.delta_low), sc.text(r.delta_high)
            words = parameter_name(r.item, r.field, _labels(res))  # exchanges by label
            out(f"    {safe_text(words, newlines=False)}: {_fmt(r.low)}–{_fmt(r.high)} "
                f"({r.basis}{share}) → Δ {lo} … {hi}")


# problems listed by `validate` and by a refused `run`; the rest are counted
MAX_PROBLEMS_SHOWN = 50

_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0, 32), *range(127, 160)]}


def safe_text(text: str, newlines: bool = True) -> str:
    """``text`` with control characters (NUL, BEL, ESC of ANSI sequences, …) escaped as
    ``\\xNN``, so a name in a scenario file can never drive the terminal. Newlines are kept
    when ``newlines`` (messages with several lines), tabs always."""
    table = dict(_CONTROL)
    table.pop(9)
    if newlines:
        table.pop(10)
    return str(text).translate(table)


def _noted(sc, path):
    """``sc``, after printing on stderr what reading its file ``path`` noted (an old key read
    under its new name: ``Scenario.file_notes``, docs/file-format.md "Changes")."""
    for n in sc.file_notes:
        print(safe_text(f"note: {path}: {n}", newlines=False), file=sys.stderr)
    return sc


def _print_problems(problems, stream=None, limit: int | None = MAX_PROBLEMS_SHOWN) -> None:
    shown = problems if limit is None else problems[:limit]
    for p in shown:
        print(safe_text(f"{p.severity}: {p}", newlines=False), file=stream or _STDOUT)
    if len(problems) > len(shown):
        print(f"… and {len(problems) - len(shown):,} more problem(s) not listed", file=stream or _STDOUT)




def cmd_setup(a) -> int:
    from ecolca.importers.setup import setup

    rep = setup(a.project, all_methods=a.all_methods, progress=_progress(a.quiet),
                backgrounds=a.background)
    if rep.changed:
        out(f"Project '{rep.project}' ready: " + "; ".join(rep.steps) + f" ({rep.seconds:.1f} s)")
    else:
        out(f"Project '{rep.project}' is up to date ({rep.seconds:.2f} s)")
    return EXIT_OK


def cmd_import(a) -> int:
    from ecolca.importers.command import run

    return run(a, out, _progress)


def cmd_validate(a) -> int:
    from ecolca.core import scenario_file
    from ecolca.core.validation import validate

    sc = _noted(scenario_file.load(a.scenario), a.scenario)
    problems = validate(sc)
    if not a.no_project and not [p for p in problems if p.severity == "error"]:
        import bw2data as bd

        from ecolca.lca import check_against_project
        from ecolca.brightway.project import activate, project_name

        name = project_name(a.project)
        if name in bd.projects:
            activate(name)
            problems += check_against_project(sc)
        elif a.project:
            print(f"error: Brightway project '{name}' does not exist; run `ecolca setup` first",
                  file=sys.stderr)
            return EXIT_INVALID
        else:
            print(f"note: project '{name}' not found; background activities and methods were not "
                  "checked (run `ecolca setup`)", file=sys.stderr)
    _print_problems(problems)
    errs = [p for p in problems if p.severity == "error"]
    out(f"{len(errs)} error(s), {len(problems) - len(errs)} warning(s) in {a.scenario}")
    return EXIT_INVALID if errs else EXIT_OK


def _iterations_arg(text: str):
    """``--iterations``: a whole number, or ``auto``."""
    if text.strip().lower() == "auto":
        return "auto"
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number or 'auto', got {text!r}") from None


@contextlib.contextmanager
def _fewer_collections():
    """A run makes several objects per flow, term and row that all live until it ends: the
    cyclic garbage collector's default thresholds scanned them again and again (at 3,000 sites
    a few seconds of a run). The objects alive before (the imported modules) are frozen out of
    its scans, and it runs 50 times less often; reference counting still frees everything that
    is not a cycle at once."""
    import gc

    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(35_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def cmd_run(a) -> int:
    with _fewer_collections():
        return _cmd_run(a)


def _cmd_run(a) -> int:
    from ecolca.core import scenario_file

    if a.workers is not None and not 1 <= a.workers <= 256:
        raise EcolcaError(f"--workers must be a whole number from 1 to 256, got {a.workers}")
    if a.iterations is not None and a.iterations != "auto" and \
            not 0 <= a.iterations <= scenario_file.MAX_ITERATIONS:
        raise EcolcaError(f"--iterations must be a whole number from 0 to "
                          f"{scenario_file.MAX_ITERATIONS:,}, got {a.iterations:,}")
    if a.seed is not None and not 0 <= a.seed <= scenario_file.MAX_SEED:
        raise EcolcaError(f"--seed must be a whole number from 0 to {scenario_file.MAX_SEED:,}, "
                          f"got {a.seed:,}")
    if a.iterations_sheet and not a.report:
        raise EcolcaError("--iterations-sheet adds a sheet to the Excel report: give --report "
                          "OUT.xlsx as well")
    if a.report:
        _check_writable(a.report, a.scenario)
    methods = [_parse_method(m) for m in a.method] if a.method else None
    if methods:
        _check_methods(methods, a.project)
    fast = _fast_run(a, methods)
    if fast is not None:
        return fast
    sc, prepared, source = _scenario_for_run(a.scenario, a.project, methods, a.key)
    _noted(sc, a.scenario)
    import gc

    # the parsed scenario lives until the process ends: bw2data's project activation calls
    # gc.collect() twice, which walked all of it (0.3-1.3 s at 3,000 sites); frozen objects are
    # skipped (_fewer_collections unfreezes them at the end)
    gc.freeze()
    from ecolca.lca import compare

    keep: list = []
    res = compare(sc, project=a.project, methods=methods, iterations=a.iterations, seed=a.seed,
                  progress=_progress(a.json), workers=a.workers, dask=a.dask, source=source,
                  prepared=prepared, keep=keep)
    _output(a, res, sc)
    _keep_for_edits(a, methods, res, keep)
    return EXIT_OK


def _fast_run(a, methods) -> int | None:
    """``ecolca run`` of an edit of numbers only, from the unit scores the file's last run kept
    (lca/fastpath.py): the results first, then the foreground database written. None when it
    does not apply (the caller runs in full)."""
    global _QUICK_EXIT
    if a.report or a.iterations_sheet or os.environ.get("ECOLCA_NO_FASTPATH"):
        return None
    from ecolca.core import scenario_file
    from ecolca.brightway.project import project_name
    from ecolca.lca import fastpath

    key = fastpath.record_key(a.scenario, project_name(a.project), methods, a.key)
    failed = fastpath.take_writer_error(key)
    if failed:
        print(f"warning: the previous run's foreground database was not written after its "
              f"results ({safe_text(failed, newlines=False)}); this run writes it",
              file=sys.stderr)
    raw = scenario_file.read_bytes(a.scenario)
    sha = hashlib.sha256(raw).hexdigest()
    args = _output_args(a, methods)
    if a.json and not failed:
        again = fastpath.replay(key, sha, args)
        if again is not None:  # an unchanged file: the last run's output, written again
            err_text, parts = again
            sys.stderr.write(err_text)
            sys.stderr.flush()
            for part in parts:
                _STDOUT.write(part)
            _STDOUT.flush()
            _bench_note()
            _QUICK_EXIT = True
            return EXIT_OK
    rec = fastpath.load(key)
    if rec is None:
        return None
    sc = scenario_file.load_bytes(raw, a.scenario)
    del raw
    if a.key:
        sc.attribution_key = a.key
    if methods:
        sc.methods = [tuple(m) for m in methods]
    iterations = sc.monte_carlo_iterations if a.iterations is None else a.iterations
    if iterations:
        return None
    done = fastpath.evaluate_edit(sc, rec)
    if done is None:
        return None
    res, table = done
    stdout: list | None = [] if a.json else None
    tee = _Tee(sys.stderr)
    sys.stderr = tee
    try:
        _output(a, res, sc, stdout)
    finally:
        sys.stderr = tee.stream
    _STDOUT.flush()
    sys.stdout.flush()
    _bench_note()

    def keep(digest: str) -> None:  # the output, for a run of the same bytes (fastpath.replay)
        if stdout:
            fastpath.keep_output(key, rec, digest, sha, args, stdout, "".join(tee.parts))

    # the foreground database (when it changed) by a child the run does not wait for
    if fastpath.write_foreground_detached(sc, rec, table, a.project, key, then=keep):
        _QUICK_EXIT = True
        return EXIT_OK
    digest = fastpath.foreground_digest(sc, rec)
    if digest == rec.foreground:  # the project's files are as the write of this foreground left them
        keep(digest)
        return EXIT_OK
    fastpath.forget_state(key)  # a run killed while writing leaves no state: the next is full
    try:
        fastpath.write_foreground(sc, rec, table, a.project, digest, key)
    except Exception as exc:  # noqa: BLE001 - the results are out; say what is not up to date
        print(f"error: the results above are complete, but the scenario's foreground database "
              f"could not be written ({exc}); run again to write it", file=sys.stderr)
        return EXIT_INVALID
    keep(digest)
    return EXIT_OK


class _Tee:
    """A text stream that keeps what is written to ``stream`` as it passes it on."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self.stream.write(text)

    def __getattr__(self, name):
        return getattr(self.stream, name)


def _output_args(a, methods) -> tuple:
    """The options that shape what ``ecolca run`` writes (the file, project, ``--method`` and
    ``--key`` are in the record's key): a kept output is written again only for the same."""
    return ("json" if a.json else "text", a.audience, a.sensitivity, a.iterations, a.seed,
            getattr(a, "verbose", False), methods, a.key)


def _bench_note() -> None:
    if os.environ.get("ECOLCA_BENCH_T0"):  # benchmarks/edit_run.py: when the results were out
        import time

        print(f"ecolca-bench: results on stdout at "
              f"{time.time() - float(os.environ['ECOLCA_BENCH_T0']):.3f} s", file=sys.stderr)


def _keep_for_edits(a, methods, res, keep) -> None:
    """After a full run without Monte Carlo or report: keep its unit scores for the next edit of
    numbers (lca/fastpath.py)."""
    if not keep or a.report or res.uncertainty or \
            (res.metadata or {}).get("monte_carlo") != "not run":
        return
    ev = keep[0]
    if not ev.table.structure:  # a reused prepared record keeps no structure: nothing to compare
        return
    import dataclasses

    import bw2data as bd

    from ecolca.brightway.project import project_name
    from ecolca.lca import fastpath

    key = fastpath.record_key(a.scenario, project_name(a.project), methods, a.key)
    fastpath.store(key, fastpath.Record(dataclasses.replace(ev, solver=None),
                                        dict(res.metadata), str(bd.projects.dir),
                                        res.metadata.get("foreground_database", "")))


def _output(a, res, sc, keep: list | None = None) -> None:
    """What ``ecolca run`` writes: the report, notes, warnings, then the JSON or the summary.
    ``keep``: a list that gets the JSON text as [text before the metadata's value, that value,
    the chunks after it] (lca/fastpath.py keeps it for a run of the same file)."""
    if a.report:
        from ecolca.report import write_report

        written = write_report(res, sc, a.report, audience=a.audience,
                               iterations_sheet=a.iterations_sheet)
        print(f"Report written: {written}", file=sys.stderr)
        if a.iterations_sheet:
            _iterations_sheet_note(res)
    _audience_notes(sc, a.audience, bool(a.report))
    if a.audience != "internal":
        # the summary and --json show what the report shows, no more (docs/confidentiality.md)
        from ecolca.park import confidential

        res = confidential.mask(res, sc, a.audience).results
    _print_warnings(res)
    if a.json:
        buf: list[str] = []
        from ecolca.lca.results import SENSITIVITY_ROWS

        rows = SENSITIVITY_ROWS if a.sensitivity == _DEFAULT else a.sensitivity
        chunks: list[str] = []
        md_at = None
        for chunk in res.json_chunks(json_text, rows):  # streamed: never the whole document at once
            if keep is not None:
                if md_at is None and chunks and chunks[-1].endswith('"metadata":'):
                    md_at = len(chunks)
                chunks.append(chunk)
            buf.append(chunk)
            if len(buf) >= 256:
                _STDOUT.write("".join(buf))
                buf.clear()
        _STDOUT.write("".join(buf) + "\n")
        if keep is not None and md_at is not None:
            keep.extend(["".join(chunks[:md_at]), chunks[md_at], chunks[md_at + 1:] + ["\n"]])
    else:
        _print_summary(res, 3 if a.sensitivity == _DEFAULT else a.sensitivity)


def _scenario_for_run(path: str, project: str | None, methods, key: str | None):
    """(scenario, prepared record or None, record key) for ``ecolca run``: the record stored
    for this file's bytes when one exists and is current (lca/prepared.py), else the file read
    and parsed (and checked by the run). Brightway is started here only when a record exists,
    so that a file never checked before is read and checked first."""
    from ecolca.core import scenario_file
    from ecolca.core.errors import SetupError
    from ecolca.lca import prepared
    from ecolca.brightway.project import activate, project_name

    raw = scenario_file.read_bytes(path)
    source = prepared.source_key(raw, project_name(project), methods, key)
    if prepared.exists(source):
        del raw  # the record replaces the file: never both in memory
        try:
            activate(project)
            pre = prepared.load(source)
        except SetupError:
            pre = None
        if pre is not None:
            return pre.scenario, pre, source
        raw = scenario_file.read_bytes(path)  # not current: read again (it may have changed)
        source = prepared.source_key(raw, project_name(project), methods, key)
    text = scenario_file.decode(raw, path)
    del raw  # not both the bytes and the text in memory while it is parsed (19 MB each here)
    sc = scenario_file.loads(text, str(Path(path)))
    del text
    if key:
        sc.attribution_key = key
    return sc, None, source


def _check_writable(path: str, scenario: str | None = None) -> None:
    from ecolca.core.errors import ReportError

    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    if p.suffix.lower() != ".xlsx":
        raise ReportError(f"report '{path}': the file name must end in .xlsx")
    if scenario is not None and os.path.realpath(p) == os.path.realpath(scenario):
        raise ReportError(f"report '{path}' is the scenario file itself; writing the report "
                          "there would overwrite the scenario. Choose another name")
    if p.is_symlink():  # the report is written through the link: check its target
        p = Path(os.path.realpath(p))
        folder = p.parent
    if not folder.is_dir():
        raise ReportError(f"report '{path}': folder '{folder}' does not exist")
    if not os.access(folder, os.W_OK):
        raise ReportError(f"report '{path}': folder '{folder}' is not writable")
    if p.exists() and (p.is_dir() or not os.access(p, os.W_OK)):
        raise ReportError(f"report '{path}': exists and cannot be overwritten")


def _installed_methods(project: str | None) -> list[tuple[str, ...]]:
    import bw2data as bd

    from ecolca.brightway.project import activate

    activate(project)
    return sorted(tuple(m) for m in bd.methods)


def cmd_methods(a) -> int:
    words = [w.lower() for w in a.words]
    shown = [m for m in _installed_methods(a.project)
             if all(w in " | ".join(m).lower() for w in words)]
    for m in shown:
        out(" | ".join(m))
    print(f"{len(shown)} method(s)" + (f" matching {' '.join(a.words)}" if a.words else ""),
          file=sys.stderr)
    return EXIT_OK if shown else EXIT_INVALID


def _check_methods(methods: list[tuple[str, ...]], project: str | None) -> None:
    """An unknown --method is refused with the closest installed names."""
    import difflib

    installed = _installed_methods(project)
    known = set(installed)
    labels = {" | ".join(m): m for m in installed}
    for m in methods:
        if m in known:
            continue
        text = " | ".join(m)
        close = difflib.get_close_matches(text, list(labels), n=3, cutoff=0.4)
        if not close:  # by shared words, for a partial name
            words = [w for w in text.lower().replace("|", " ").split() if len(w) > 2]
            close = sorted(labels, key=lambda lab: -sum(w in lab.lower() for w in words))[:3]
        raise EcolcaError(f"--method '{text}' is not installed in the project; closest: "
                          + "; ".join(f"'{c}'" for c in close)
                          + " (`ecolca methods WORDS` lists them)")


def cmd_examples(a) -> int:
    from ecolca.core import examples

    for name in examples.available():
        title, first = examples.describe(name)
        out(f"{name:24s} {title}: {first}")
    return EXIT_OK


def cmd_example(a) -> int:
    from ecolca.core import examples
    from ecolca.core.atomic import atomic_write_bytes

    src = examples.path(a.name)
    dest = Path(a.output)
    if dest.exists() and not a.force:
        raise EcolcaError(f"'{dest}' exists; use --force to overwrite it")
    if not (dest.parent if str(dest.parent) else Path(".")).is_dir():
        raise EcolcaError(f"'{dest}': folder '{dest.parent}' does not exist")
    data = src.read_bytes()
    try:
        atomic_write_bytes(dest, data)
    except OSError as exc:
        raise _cannot_write(dest, exc) from None
    out(f"Wrote example '{a.name}' to {dest}")
    return EXIT_OK


def display_problem(env: dict | None = None) -> str | None:
    """Why the desktop app cannot open a window here (one sentence with the fix), or None.
    Qt aborts the process (exit 134, "Reinstalling the application may fix this problem") when it
    has no display or misses the xcb libraries; this says so first."""
    import ctypes.util

    env = os.environ if env is None else env
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform.split(":")[0] in ("offscreen", "minimal", "vnc", "wayland", "eglfs", "linuxfb"):
        return None
    if sys.platform.startswith("linux"):
        if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
            return ("the desktop app needs a display, and neither DISPLAY nor WAYLAND_DISPLAY is "
                    "set: on a server use the command line (`ecolca run`), or run the app in a "
                    "virtual display (sudo apt-get install xvfb, then xvfb-run ecolca)")
        missing = [lib for lib in ("xcb-cursor", "xcb-icccm", "xcb-keysyms")
                   if ctypes.util.find_library(lib) is None]
        if missing and platform.split(":")[0] in ("", "xcb"):
            pkgs = " ".join(f"lib{lib}{'0' if lib == 'xcb-cursor' else '4' if lib == 'xcb-icccm' else '1'}"
                            for lib in missing)
            return (f"Qt's xcb platform needs system libraries that are missing "
                    f"({', '.join('lib' + m for m in missing)}): sudo apt-get install {pkgs}")
    return None


def cmd_open(a) -> int:
    problem = display_problem()
    if problem:
        raise EcolcaError(problem)
    from ecolca.app.main import run_app

    return run_app(a.scenario, project=getattr(a, "project", None))


def cmd_rebase(a) -> int:
    from ecolca.park.rebase import cli_rebase

    return cli_rebase(a, out)


def cmd_mapping(a) -> int:
    from ecolca.park.rebase import cli_suggest

    return cli_suggest(a, out)


def cmd_suggest(a) -> int:
    from ecolca.core import scenario_file
    from ecolca.park.suggest import format_text, suggest, to_json

    if a.top is not None and a.top < 1:
        raise EcolcaError(f"--top must be a whole number ≥ 1, got {a.top}")
    sc = _noted(scenario_file.load(a.scenario), a.scenario)
    method = _parse_method(a.method) if a.method else None
    if method:
        _check_methods([method], a.project)
    res = suggest(sc, top=a.top, method=method, distance_km=a.distance_km, project=a.project)
    if a.json:
        _STDOUT.write(json.dumps(strict_json(to_json(res)), ensure_ascii=False,
                                 allow_nan=False, indent=1) + "\n")
    else:
        for line in format_text(res, _fmt):
            out(line)
    return EXIT_OK


# ---- disclosure and confidential sites (issue #12) ----
def _iterations_sheet_note(res) -> None:
    """On stderr: why --iterations-sheet added no sheet, or that it lists only the first rows."""
    from ecolca.report.sheets import iterations

    runs = [u.iterations for u in res.uncertainty
            if getattr(u, "delta_samples", None) is not None]
    if not runs and res.monte_carlo_note():
        print(f"--iterations-sheet: {res.monte_carlo_note()}, so the report has no iterations "
              "sheet", file=sys.stderr)
    elif not runs:
        print("--iterations-sheet: no Monte Carlo was run (use --iterations N), so the report "
              "has no iterations sheet", file=sys.stderr)
    elif max(runs) > iterations.MAX_ROWS:
        print(f"--iterations-sheet: {max(runs):,} iterations were run; the sheet "
              f"'{iterations.NAME}' lists the first {iterations.MAX_ROWS:,} (the Monte Carlo "
              "sheet's statistics use all of them)", file=sys.stderr)


def _print_warnings(res) -> None:
    """On stderr, as ``ecolca validate`` lists them: the scenario's warnings (the run went on
    despite them); ``--json`` lists them under "warnings" and the report on its Summary. For a
    park or public audience ``res`` is masked (confidential.mask): a warning keeps only its
    field unless its text was cleared."""
    shown = res.warnings[:MAX_PROBLEMS_SHOWN]
    for w in shown:
        where = f"{w['item']}, field '{w['field']}'" if w["field"] else w["item"]
        print(safe_text(f"warning: {where}: {w['message']}", newlines=False), file=sys.stderr)
    if len(res.warnings) > len(shown):
        print(f"… and {len(res.warnings) - len(shown):,} more warning(s) not listed",
              file=sys.stderr)


def _audience_notes(sc, audience: str, report: bool = True) -> None:
    """On stderr: what the output for ``audience`` (report, summary, --json) masked, or that an
    internal one names confidential sites."""
    from ecolca.park import confidential

    conf = confidential.confidential_sites(sc)
    if not conf:
        return
    if audience == "internal":
        if report:
            print(safe_text(f"note: this report is internal: it names {len(conf)} confidential "
                            "site(s) and shows their figures; for others use --audience park "
                            "or public"), file=sys.stderr)
        return
    print(safe_text(f"note: --audience {audience}: {len(conf)} confidential site(s) masked in "
                    "the report, the summary and --json (docs/confidentiality.md)"),
          file=sys.stderr)
    where = confidential.mentions(sc)
    if where:
        print(safe_text(f"warning: a confidential name or amount was masked in {len(where)} "
                        "free-text field(s): " + "; ".join(dict.fromkeys(where))
                        + ". Check the wording (Confidentiality sheet)"), file=sys.stderr)


def cmd_disclose(a) -> int:
    from ecolca.park import confidential
    from ecolca.core import scenario_file
    from ecolca.park.disclosure import disclose, format_text, to_json

    if a.report:
        _check_writable(a.report, a.scenario)
    sc = _noted(scenario_file.load(a.scenario), a.scenario)
    site = sc.site(a.site)
    if site is None:
        raise EcolcaError(f"--site '{a.site}' is not a site of the scenario; its sites: "
                          + ", ".join(s.id for s in sc.sites))
    if site.confidential and a.audience != "internal":
        raise EcolcaError(f"--site '{a.site}' is confidential: its disclosure is internal only "
                          "(--audience internal)")
    from ecolca.lca import compare

    res = compare(sc, project=a.project, progress=_progress(a.json))
    m = confidential.mask(res, sc, a.audience)
    d = disclose(m.scenario, m.results, a.site, a.key)
    if a.report:
        from ecolca.report import write_report

        m.results.metadata["disclosure"] = {"site": a.site, "key": a.key}
        written = write_report(m.results, m.scenario, a.report,
                               only={"Disclosure", "Confidentiality"})
        print(f"Report written: {written}", file=sys.stderr)
    if a.json:
        _STDOUT.write(json.dumps(strict_json(to_json(d)), ensure_ascii=False, allow_nan=False,
                                 indent=1) + "\n")
    else:
        for line in format_text(d, _fmt):
            out(line)
    return EXIT_OK


def cmd_export_shared(a) -> int:
    from ecolca.park import confidential
    from ecolca.core import scenario_file

    dest = Path(a.output)
    if dest.exists() and not a.force:
        raise EcolcaError(f"'{dest}' exists; use --force to overwrite it")
    if not (dest.parent if str(dest.parent) else Path(".")).is_dir():
        raise EcolcaError(f"'{dest}': folder '{dest.parent}' does not exist")
    if os.path.realpath(dest) == os.path.realpath(a.scenario):
        raise EcolcaError(f"'{dest}' is the scenario file itself; choose another name")
    sc = _noted(scenario_file.load(a.scenario), a.scenario)
    shared, notes = confidential.export_shared(sc, a.audience)
    try:
        scenario_file.save(shared, dest)   # atomic
    except OSError as exc:
        raise _cannot_write(dest, exc) from None
    out(f"Wrote the shared scenario to {dest}")
    for n in notes:
        print(safe_text(f"note: {n}"), file=sys.stderr)
    return EXIT_OK
# ---- end issue #12 ----


def cmd_docs(a) -> int:
    from ecolca.core.resources import docs_dir

    folder = docs_dir()
    if a.page:
        name = a.page[:-3] if a.page.endswith(".md") else a.page
        target = folder / f"{name}.md"
        if not target.is_file():
            pages = ", ".join(sorted(p.stem for p in folder.glob("*.md")))
            raise EcolcaError(f"no documentation page '{a.page}'; pages: {pages}")
        out(str(target))
    else:
        target = folder
        for page in sorted(folder.glob("*.md")):
            first = next((ln.lstrip("# ").strip() for ln in page.read_text(encoding="utf-8")
                          .splitlines() if ln.startswith("#")), "")
            out(f"{page.stem:22s} {first}")
        print(f"(in {folder})", file=sys.stderr)
    if a.open:
        import webbrowser

        if not webbrowser.open(target.as_uri()):
            raise EcolcaError(f"no viewer could open {target}")
    return EXIT_OK


def cmd_completion(a) -> int:
    from ecolca import completion
    from ecolca.core import examples

    make = completion.bash if a.shell == "bash" else completion.zsh
    _STDOUT.write(make(_parser(), list(examples.available())))
    return EXIT_OK


# commands whose positional ``scenario`` may name a bundled example, as ``ecolca open`` does
_SCENARIO_COMMANDS = {"run", "validate", "suggest", "disclose", "export-shared", "rebase", "mapping"}


def _resolve_example(a) -> None:
    """``ecolca run gypsum-ash``: a scenario argument that is not an existing file but names a
    bundled example is read from the example's file (a file of that name wins)."""
    if a.command not in _SCENARIO_COMMANDS or not getattr(a, "scenario", None):
        return
    if os.path.exists(a.scenario):
        return
    from ecolca.core import examples

    found = examples.available().get(a.scenario)
    if found is not None:
        a.scenario = str(found)


COMMANDS = {"setup": cmd_setup, "run": cmd_run, "validate": cmd_validate, "methods": cmd_methods,
            "suggest": cmd_suggest,
            "disclose": cmd_disclose, "export-shared": cmd_export_shared,
            "examples": cmd_examples, "example": cmd_example, "open": cmd_open,
            "import": cmd_import, "rebase": cmd_rebase, "mapping": cmd_mapping,
            "docs": cmd_docs, "completion": cmd_completion}


def main(argv: list[str] | None = None) -> int:
    global _STDOUT
    from ecolca.brightway import bwcompat

    bwcompat.configure()  # BRIGHTWAY_DIR, bw2data's lighter import: `import ecolca` does not
    _STDOUT = _Stdout(sys.stdout)
    parser = _parser()
    a = parser.parse_args(argv)
    if not a.command:  # no arguments: the desktop app
        a = parser.parse_args((["--verbose"] if a.verbose else []) + ["open"])

    saved = {k: os.environ.get(k) for k in bwcompat.QUIET_VARIABLES}
    try:
        rc = _main(a)
    finally:  # main() called in a process that goes on (tests, scripts): its environment back
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    if argv is None and _QUICK_EXIT:
        _quick_exit(rc)
    return rc


# Set by an `ecolca run` that took the fast path (its results out, its foreground left to a
# detached child, nothing else to do): the process, when it is the `ecolca` program itself
# (main() without argv), ends at once, without the interpreter's tear-down, which walked and
# freed the parsed file, the kept record and the results (0.2-0.6 s at 1,000-3,000 sites).
_QUICK_EXIT = False


def _quick_exit(rc: int) -> None:
    for stream in (_STDOUT, sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a closed pipe: _main has said so already
            rc = rc or EXIT_INVALID
    os._exit(rc)


def _main(a) -> int:
    from ecolca.brightway import bwcompat

    if a.verbose:  # read by ecolca.brightway.bwcompat, here and in worker processes
        os.environ["ECOLCA_VERBOSE"] = "1"
    bwcompat.quiet_brightway()
    try:
        _resolve_example(a)
        with contextlib.redirect_stdout(bwcompat.brightway_stdout()):
            if a.command in ("setup", "run", "open", "methods", "import", "rebase", "mapping",
                             "suggest", "disclose") or (
                    a.command == "validate" and not a.no_project):
                from ecolca.brightway import bwcompat

                bwcompat.check_environment()
            code = COMMANDS[a.command](a)
            _STDOUT.flush()  # a full disk under `--json > file` fails here: said below
            return code
    except _OutputError as exc:
        print(safe_text(f"error: {exc}"), file=sys.stderr)
        with contextlib.suppress(OSError, ValueError, AttributeError):  # no second failure at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), _STDOUT.stream.fileno())
        return EXIT_INVALID
    except ScenarioError as exc:
        print(safe_text(f"error: {exc.source + ': ' if exc.source else ''}"
                        f"{len(exc.problems)} problem(s)", newlines=False), file=sys.stderr)
        _print_problems(exc.problems, sys.stderr)
        return EXIT_INVALID
    except EcolcaError as exc:
        print(safe_text(f"error: {exc}"), file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:  # the user's environment: a folder not writable, a path that is a file
        where = f" '{exc.filename}'" if getattr(exc, "filename", None) else ""
        if exc.errno in _DISK_FULL:
            print(safe_text(f"error: cannot write{where}: {_why(exc)}"), file=sys.stderr)
            return EXIT_INVALID
        print(safe_text(f"error: cannot use{where}: {exc.strerror or exc}. Check BRIGHTWAY_DIR "
                        "and the permissions of the folders named", newlines=False), file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
