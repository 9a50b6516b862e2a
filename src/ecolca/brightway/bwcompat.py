"""The one place where ecolca works around rough edges of the Brightway 2.5 packages.

* bw2io 0.9.17's ``bw2setup()`` / ``create_default_lcia_methods()`` fail with bw2data 4.8:
  the bundled LCIA data refer to elementary flows as ``['biosphere3', code]`` lists, and
  ``bw2data.Method.write`` (4.8) accepts only node ids or ``(database, code)`` tuples, raising
  ``ValueError: Can't understand elementary flow identifier ['biosphere3', ...]``.
  :func:`write_default_methods` reads the same data and writes the methods with node ids.
  ``tests/test_bwcompat.py`` shows the upstream failure, so we notice when it is fixed.
* bw2calc warns on import when pypardiso is absent; ecolca treats pypardiso as an optional extra.
* bw2data 4.8 reads its data folder from ``BRIGHTWAY2_DIR`` only, and refuses one that does not
  exist yet. ecolca documents ``BRIGHTWAY_DIR`` (the Brightway 2.5 spelling): when it is set,
  :func:`configure_environment` creates it and passes it on as ``BRIGHTWAY2_DIR``.
* Brightway writes to **stdout**: bw2data logs "Using environment variable BRIGHTWAY2_DIR ..."
  (with colour codes, through structlog's PrintLogger, whatever ``NO_COLOR`` says) in every
  process that imports it, bw2io prints "Applying strategy ..." and draws tqdm bars. On the
  command line that breaks ``--json`` (worker processes print before the document). The CLI calls
  :func:`quiet_brightway`; worker processes inherit it through the environment
  (:func:`worker_init`). ``tests/test_bwcompat.py`` shows each of these on plain Brightway.

None of this happens when a module is imported: ``import ecolca`` leaves the process as it was
(``tests/test_api.py::test_import_ecolca_changes_nothing_in_the_process``). :func:`configure`
applies all of it; the CLI (:func:`ecolca.cli.main`) and the app call it first thing, the public
API (:mod:`ecolca.api`) on its first call that touches Brightway, and
:func:`check_environment` (run by :func:`ecolca.brightway.project.activate` and ``setup``) too, so the
workarounds hold wherever ecolca's engine runs.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import warnings
import zipfile
from pathlib import Path
from typing import Callable, Iterable

LCIA_FILE = "lcia_39_ecoinvent.zip"


# why the Brightway folder cannot be used (set at import, raised by check_environment)
ENVIRONMENT_ERROR: str | None = None


# the BRIGHTWAY_DIR value configure() last applied (None: not yet, or unset)
_CONFIGURED: tuple[bool, str | None] = (False, None)


def configure() -> Path | None:
    """Set the process up for ecolca's engine; idempotent and cheap after the first call.

    * ``BRIGHTWAY_DIR`` is created and passed on as ``BRIGHTWAY2_DIR``
      (:func:`configure_environment`; again whenever ``BRIGHTWAY_DIR`` has changed);
    * bw2calc's warning about the optional pypardiso is silenced (one ``warnings`` filter);
    * bw2data's import is made lighter (:func:`lighten_brightway_imports`, a ``sys.meta_path``
      finder), only when bw2data is not imported yet.

    Returns the Brightway folder set by ``BRIGHTWAY_DIR`` (None when it is not set). Must run
    before bw2data is first imported for the folder to apply to it."""
    global _CONFIGURED
    value = os.environ.get("BRIGHTWAY_DIR")
    if _CONFIGURED == (True, value):
        return Path(value).expanduser().absolute() if value else None
    folder = configure_environment()
    warnings.filterwarnings("ignore", message=r"[\s\S]*pypardiso", category=UserWarning)
    lighten_brightway_imports()
    _CONFIGURED = (True, value)
    return folder


def configure_environment() -> Path | None:
    """Keep Brightway quiet when the CLI asked for it (ECOLCA_QUIET_BRIGHTWAY, inherited);
    apply ``BRIGHTWAY_DIR`` (if set) as bw2data's data folder; return it.

    A folder that cannot be created (the path is a file, a parent is not writable) is recorded in
    :data:`ENVIRONMENT_ERROR` instead of raising at import; :func:`check_environment` raises it as
    a user error before anything touches Brightway. ``BRIGHTWAY2_DIR`` is set to the path even
    then, so bw2data never falls back to the user's default folder."""
    global ENVIRONMENT_ERROR
    ENVIRONMENT_ERROR = None
    if os.environ.get("ECOLCA_QUIET_BRIGHTWAY") == "1":
        quiet_brightway()
    value = os.environ.get("BRIGHTWAY_DIR")
    if not value:
        return None
    folder = Path(value).expanduser().absolute()
    os.environ["BRIGHTWAY2_DIR"] = str(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied", str(folder))
    except OSError as exc:
        ENVIRONMENT_ERROR = (f"BRIGHTWAY_DIR '{folder}' cannot be used as the Brightway folder: "
                             f"{exc.strerror or exc}" + (f" ('{exc.filename}')" if exc.filename
                                                         and str(exc.filename) != str(folder) else ""))
    return folder


# ---- Brightway's output -------------------------------------------------------------------
# ECOLCA_QUIET_BRIGHTWAY=1 (set by the CLI, inherited by worker processes): bw2data's feedback
# logger is the plain `logging` one (BRIGHTWAY_NO_STRUCTLOG, a bw2data switch: no colour codes)
# and a filter on it drops every record, or copies it to stderr with ECOLCA_VERBOSE=1; tqdm bars
# are off unless verbose (TQDM_DISABLE, read by tqdm itself); what Brightway prints on stdout is
# dropped, or sent to stderr when verbose (:func:`brightway_stdout`).
BRIGHTWAY_LOGGER = "brightway-stdout-feedback"  # bw2data.logs' name for its feedback logger


def verbose() -> bool:
    return os.environ.get("ECOLCA_VERBOSE") == "1"


class _Discard:
    """A text stream that keeps nothing."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def brightway_stdout():
    """Where Brightway's prints go while ecolca runs a command: stderr when verbose, else away."""
    return sys.stderr if verbose() else _Discard()


class _FeedbackFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if os.environ.get("ECOLCA_QUIET_BRIGHTWAY") != "1":
            return True  # not under the CLI (a library user, a notebook): bw2data's own way
        if verbose():
            try:
                sys.stderr.write(f"brightway: {record.getMessage()}\n")
            except Exception:  # noqa: BLE001 - a log line never stops a run
                pass
        return False  # bw2data's own handler (on stdout) never sees it


QUIET_VARIABLES = ("ECOLCA_QUIET_BRIGHTWAY", "BRIGHTWAY_NO_STRUCTLOG", "TQDM_DISABLE",
                   "ECOLCA_VERBOSE")


def quiet_brightway(environ=os.environ) -> None:
    """Keep Brightway's log lines and bars off stdout in this process and the ones it starts.
    Must run before bw2data is imported to catch its import-time line. It sets the variables of
    :data:`QUIET_VARIABLES`; ``cli.main`` restores them when it returns."""
    environ["ECOLCA_QUIET_BRIGHTWAY"] = "1"
    environ["BRIGHTWAY_NO_STRUCTLOG"] = "1"
    if not verbose():
        environ["TQDM_DISABLE"] = "1"
    logger = logging.getLogger(BRIGHTWAY_LOGGER)
    if not any(isinstance(f, _FeedbackFilter) for f in logger.filters):
        logger.addFilter(_FeedbackFilter())


def worker_init() -> None:
    """First thing in a Monte Carlo worker process: nothing it prints reaches stdout."""
    if os.environ.get("ECOLCA_QUIET_BRIGHTWAY") == "1":
        quiet_brightway()
    sys.stdout = brightway_stdout()


# ---- bw2data's import cost ---------------------------------------------------------------
# `import bw2data` (4.8) also (a) imports `multifunctional`, which imports all of bw2io, only so
# that it can register a database backend, and (b) builds a pint UnitRegistry for bw2parameters
# by parsing pint's definition files. Together they are about half of bw2data's import time,
# paid by every `ecolca run` although neither is used unless a project holds a multifunctional
# database or parameters are evaluated. tests/test_bwcompat.py shows both and checks the remedy.
#
# Remedy, installed by `configure()` (set ECOLCA_EAGER_BRIGHTWAY=1 to switch it off):
# (a) `multifunctional` is imported lazily (importlib.util.LazyLoader): it runs on first use,
#     and its backend and node-class entries point to small functions that load it first.
#     `project.activate` loads it at once when the project has a multifunctional database.
# (b) bw2parameters' UnitRegistry is built with pint's own on-disk cache of parsed definitions
#     (``cache_folder``), kept beside the Brightway folder (``ecolca-cache/pint``).
# (c) pint, imported by bw2data's configuration, imports dask when it is installed (ecolca's
#     `cluster` extra) for its optional dask-array support, which Brightway never uses: pint is
#     run with dask hidden, and dask stays importable for everything else (`--dask`).

def cache_root(environ=None, dirs=None) -> Path | None:
    """ecolca's cache folder, found without importing bw2data: ``ecolca-cache`` in the Brightway
    folder when ``BRIGHTWAY_DIR``/``BRIGHTWAY2_DIR`` names it, else the user's cache folder for
    ecolca as platformdirs gives it on this system (``dirs``: a platformdirs object, for tests of
    the Windows and macOS layouts); None when neither can be found (no cache then)."""
    base = (os.environ if environ is None else environ).get("BRIGHTWAY2_DIR")
    if not base:
        try:
            if dirs is None:
                import platformdirs

                dirs = platformdirs.PlatformDirs("ecolca", appauthor=False)
            return Path(dirs.user_cache_dir)
        except Exception:  # noqa: BLE001 - no cache is fine
            return None
    return Path(base) / "ecolca-cache"


def _pint_cache_folder() -> Path | None:
    root = cache_root()
    return None if root is None else root / "pint"


def _load_multifunctional():
    import importlib

    mod = importlib.import_module("multifunctional")
    getattr(mod, "MultifunctionalDatabase")  # runs the deferred module: it registers itself
    return mod


def _lazy_backend(name):
    return _load_multifunctional().MultifunctionalDatabase(name)


def _lazy_node_class(*args, **kwargs):
    return _load_multifunctional().multifunctional_node_dispatcher(*args, **kwargs)


class _LighterImports:
    """A meta-path finder for the two modules above; it removes itself once both are done."""

    def __init__(self):
        self.pending = {"multifunctional", "bw2parameters.pint", "pint"}

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.pending:
            return None
        import importlib.machinery
        import importlib.util

        self.pending.discard(fullname)
        if not self.pending and self in sys.meta_path:
            sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        if fullname == "multifunctional":
            try:
                from bw2data.subclass_mapping import (DATABASE_BACKEND_MAPPING,
                                                      NODE_PROCESS_CLASS_MAPPING)
            except ImportError:
                return spec
            DATABASE_BACKEND_MAPPING.setdefault("multifunctional", _lazy_backend)
            NODE_PROCESS_CLASS_MAPPING.setdefault("multifunctional", _lazy_node_class)
            spec.loader = importlib.util.LazyLoader(spec.loader)
        elif fullname == "pint":
            spec.loader = _DaskHiddenLoader(spec.loader)
        else:
            spec.loader = _CachedRegistryLoader(spec.loader)
        return spec


class _DaskHiddenLoader:
    """Runs pint with dask looking absent (``sys.modules['dask'] = None`` for that time only)."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        hide = "dask" not in sys.modules
        if hide:
            sys.modules["dask"] = None
        try:
            self.loader.exec_module(module)
        finally:
            if hide and sys.modules.get("dask", 0) is None:
                del sys.modules["dask"]


class _CachedRegistryLoader:
    """Runs bw2parameters.pint with ``pint.UnitRegistry`` defaulting to a cache folder."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        import functools
        import hashlib

        import pint

        folder = _pint_cache_folder()
        original = pint.UnitRegistry
        if folder is not None:
            # pint's cache records the paths of its definition files: one folder per pint
            # installation (its path and version), so that a moved or rebuilt environment never
            # meets a cache that names files which are gone (seen: FileNotFoundError at import)
            where = f"{Path(pint.__file__).resolve()}|{getattr(pint, '__version__', '')}"
            folder = folder / hashlib.sha256(where.encode()).hexdigest()[:16]
            try:
                folder.mkdir(parents=True, exist_ok=True)
                pint.UnitRegistry = functools.partial(original, cache_folder=str(folder))
            except OSError:
                folder = None
        try:
            self.loader.exec_module(module)
        except Exception:  # noqa: BLE001 - a damaged cache: build the registry without it
            if folder is None:
                raise
            pint.UnitRegistry = original
            self.loader.exec_module(module)
        finally:
            pint.UnitRegistry = original


def lighten_brightway_imports() -> bool:
    """Install the remedy above (once, and only before bw2data is imported)."""
    if os.environ.get("ECOLCA_EAGER_BRIGHTWAY") == "1" or "bw2data" in sys.modules:
        return False
    if not any(isinstance(f, _LighterImports) for f in sys.meta_path):
        sys.meta_path.insert(0, _LighterImports())
    return True


def load_multifunctional_if_used() -> None:
    """Run the deferred `multifunctional` when the current project has a database of its
    backend (its node types must be known before any of its nodes is read)."""
    import bw2data as bd

    if any(md.get("backend") == "multifunctional" for md in bd.databases.values()):
        _load_multifunctional()


def check_environment() -> None:
    """:func:`configure` the process, then raise :class:`ecolca.core.errors.SetupError` when the
    Brightway folder cannot be used."""
    configure()
    if ENVIRONMENT_ERROR:
        from ecolca.core.errors import SetupError

        raise SetupError(ENVIRONMENT_ERROR)

# the curated default set installed by `ecolca setup` (first element of the method tuple)
DEFAULT_METHOD_FAMILIES = (
    "EF v3.1",
    "IPCC 2021",
    "ReCiPe 2016 v1.03, midpoint (H)",
    "Cumulative Energy Demand (CED)",
)


def bundled_lcia_path() -> Path:
    import bw2io

    return Path(bw2io.__file__).resolve().parent / "data" / "lcia" / LCIA_FILE


def read_bundled_lcia() -> list[dict]:
    """The LCIA methods shipped with bw2io, as the list of method dicts bw2io itself reads."""
    with zipfile.ZipFile(bundled_lcia_path()) as archive:
        return json.load(archive.open("data.json"))


def write_default_methods(families: Iterable[str] | None = DEFAULT_METHOD_FAMILIES,
                          overwrite: bool = False,
                          progress: Callable[[int, int], None] | None = None) -> int:
    """Write bw2io's bundled LCIA methods into the current project with node ids.

    ``families=None`` writes all of them. Returns the number of methods written; methods already
    present are left alone unless ``overwrite``. Characterization factors whose flow is not in
    biosphere3 are dropped, as bw2io's own importer does.
    """
    import bw2data as bd

    data = read_bundled_lcia()
    wanted = None if families is None else set(families)
    selected = [m for m in data if wanted is None or m["name"][0] in wanted]
    ids = {code: id_ for code, id_ in
           bd.backends.ActivityDataset.select(bd.backends.ActivityDataset.code,
                                              bd.backends.ActivityDataset.id)
           .where(bd.backends.ActivityDataset.database == "biosphere3").tuples()}
    written = 0
    for i, m in enumerate(selected):
        name = tuple(m["name"])
        if progress:
            progress(i, len(selected))
        if name in bd.methods and not overwrite:
            continue
        cfs = []
        for exc in m["exchanges"]:
            db, code = exc["input"]
            if db == "biosphere3" and code in ids:
                cfs.append((ids[code], exc["amount"]))
        method = bd.Method(name)
        method.register(unit=m.get("unit", ""), description=m.get("description", ""),
                        filename=LCIA_FILE)
        method.write(cfs)
        written += 1
    if progress:
        progress(len(selected), len(selected))
    return written


def scores_multilca(keep_inventories: Iterable[str] = ()):
    """A :class:`bw2calc.MultiLCA` subclass that computes every score as c·B·s from the supply
    arrays, and keeps full inventory matrices only for the demands in ``keep_inventories``.

    bw2calc's MultiLCA builds a biosphere × activity inventory matrix per demand and multiplies
    each by each characterization matrix; ecolca needs several hundred unit scores but inventories
    of only two demands, so that is most of a comparison's time. The numbers are the same: one
    factorisation (``_spsolve`` with all demands as columns), the same matrices. The class is made
    from ``bw2calc.MultiLCA`` at call time.
    """
    import bw2calc as bc
    import matrix_utils as mu
    import numpy as np
    from scipy import sparse

    keep = set(keep_inventories)

    class ScoresMultiLCA(bc.MultiLCA):
        def lci_calculation(self) -> None:
            count = len(self.dicts.activity)
            demand_matrix = np.vstack([arr for arr in self.demand_arrays.values()]).T
            solved = self._spsolve(self.technosphere_matrix, demand_matrix).reshape(count, -1).T
            self.supply_arrays = dict(zip(self.demands, solved))
            self.inventories = mu.SparseMatrixDict(
                [(name, self.biosphere_matrix @ sparse.spdiags([arr], [0], count, count))
                 for name, arr in self.supply_arrays.items() if name in keep])

        def lcia_calculation(self) -> None:
            names = list(self.supply_arrays)
            bs = self.biosphere_matrix @ np.vstack([self.supply_arrays[n] for n in names]).T
            self._scores = {}
            self.biosphere_supply = (names, bs)  # elementary flows (rows) of each demand (columns)
            for method, cm in self.characterization_matrices.items():
                values = np.asarray((cm @ bs).sum(axis=0)).ravel()
                for name, value in zip(names, values):
                    self._scores[(method, name)] = float(value)
            self.characterized_inventories = (
                self.characterization_matrices @ self.inventories if keep else {})

        @property
        def scores(self) -> dict:
            return self._scores

    return ScoresMultiLCA


def move_rows(old: str, new: str) -> None:
    """Move the activity and exchange rows of database ``old`` to the name ``new``, node ids
    kept, with the ``database``/``input``/``output`` stored in each row's data rewritten too.
    Call it inside ``sqlite3_lci_db.transaction()``; rows already under ``new`` are the caller's
    to delete first. Nothing outside ``old`` may link into it (true of an import's write)."""
    from bw2data.backends import ActivityDataset as AD
    from bw2data.backends import ExchangeDataset as ED

    acts = list(AD.select().where(AD.database == old).dicts())
    excs = list(ED.select().where(ED.output_database == old).dicts())
    for a in acts:
        a["database"] = new
        a["data"] = dict(a["data"], database=new)
    for e in excs:
        e["output_database"] = new
        data = dict(e["data"])
        data["output"] = (new, e["output_code"])
        if e["input_database"] == old:
            e["input_database"] = new
            data["input"] = (new, e["input_code"])
        e["data"] = data
    ED.delete().where(ED.output_database == old).execute()
    AD.delete().where(AD.database == old).execute()
    for i in range(0, len(acts), 500):
        AD.insert_many(acts[i:i + 500]).execute()
    for i in range(0, len(excs), 500):
        ED.insert_many(excs[i:i + 500]).execute()


def rename_database(old: str, new: str) -> None:
    """Rename database ``old`` to ``new`` in one SQLite transaction, keeping node ids.

    bw2data 4.8's ``Database.rename`` loads the whole database and writes it again under the new
    name (``tests/test_import_bwcompat.py`` shows it calls ``write``): an import that writes into
    a temporary database would pay for its write twice. This moves the rows instead (activity
    and exchange rows, including the ``database``/``input``/``output`` stored in their data),
    moves the metadata and processes the renamed database. ``new`` must not exist; nothing
    outside ``old`` may link into it (true of a database just written by an import)."""
    import bw2data as bd
    from bw2data.backends import sqlite3_lci_db

    if new in bd.databases:
        raise ValueError(f"database '{new}' exists")
    with sqlite3_lci_db.transaction():
        move_rows(old, new)
    meta = dict(bd.databases[old])
    bd.databases[new] = meta
    del bd.databases[old]  # nothing left under the old name: removes its metadata and files
    bd.databases.flush()
    bd.Database(new).process()


def simapro_logs_dir() -> "Path":
    """Where bw_simapro_csv's logs go: ``<Brightway folder>/logs/simapro-csv``."""
    import bw2data as bd

    return Path(bd.projects._base_data_dir) / "logs" / "simapro-csv"


class simapro_logs_in:
    """Context manager: bw_simapro_csv (6.x) writes its logs to ``platformdirs.user_log_dir``
    (``~/.local/state/bw_simapro_csv`` on Linux), outside the Brightway folder, with no option
    in ``SimaProBlockCSVImporter`` to change it. Inside this block its ``user_log_dir`` returns
    :func:`simapro_logs_dir`, and its loguru handlers are removed afterwards (they would keep
    the log files open). ``tests/test_import_bwcompat.py`` shows the upstream default."""

    def __enter__(self):
        import bw_simapro_csv.main as spm

        self._module = spm
        self._orig = spm.user_log_dir
        target = simapro_logs_dir()
        spm.user_log_dir = lambda *a, **k: str(target)
        return target

    def __exit__(self, *exc):
        from loguru import logger

        self._module.user_log_dir = self._orig
        logger.remove()
        return False
