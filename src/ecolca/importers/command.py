"""``ecolca import FORMAT PATH``: the command's arguments and body (registered by ``ecolca.cli``)."""

from __future__ import annotations

import sys

from ecolca.importers import FORMATS


def add_parser(sub) -> None:
    i = sub.add_parser("import", help="import a background database (openLCA JSON-LD, ecospold2, "
                       "Brightway Excel, SimaPro CSV) into the project")
    i.add_argument("format", choices=list(FORMATS), help="; ".join(f"{k}: {v}" for k, v in
                                                            FORMATS.items()))
    i.add_argument("path", help="file or folder to import")
    i.add_argument("--name", help="database name (default: from the file name)")
    i.add_argument("--project", help="Brightway project name")
    i.add_argument("--unlinked", metavar="FILE.csv", help="write every exchange that was not "
                   "linked, cut off or set aside to this CSV file")
    i.add_argument("--allow-unlinked", action="store_true", help="write the database even with "
                   "unlinked exchanges (they are left out and score 0)")
    i.add_argument("--replace", action="store_true", help="replace a database of the same name")
    i.add_argument("--quiet", action="store_true", help="print only the summary")


def run(a, out, progress) -> int:
    from ecolca.importers import UnlinkedError, import_database

    try:
        summary = import_database(a.format, a.path, name=a.name, project=a.project,
                                  allow_unlinked=a.allow_unlinked, replace=a.replace,
                                  unlinked_csv=a.unlinked, progress=progress(a.quiet))
    except UnlinkedError as exc:
        if a.unlinked:
            print(f"Unlinked exchanges written to {a.unlinked}", file=sys.stderr)
        raise exc
    for line in summary.lines():
        out(line)
    if a.unlinked:
        out(f"{len(summary.rows):,} exchange(s) not written are listed in {a.unlinked}")
    return 0
