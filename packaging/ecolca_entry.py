"""The frozen bundle's entry point: the ``ecolca`` command (CLI and, without arguments or with
``open``, the desktop app), exactly as the installed ``ecolca`` script (``ecolca.cli:main``).

``freeze_support`` first: ``ecolca run --workers N`` starts worker processes with "spawn", and in a
frozen executable each worker re-runs this file; without it every worker would start ecolca again.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from ecolca.cli import main

    sys.exit(main())
