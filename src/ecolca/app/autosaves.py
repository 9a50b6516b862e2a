"""Crash-recovery files of the desktop app: where they live, who owns them, which to offer.

Each window autosaves its unsaved work to ``<id>.ecolca.json`` in :func:`recovery_dir`, beside
``<id>.meta``: the file the work belongs to, its title, when it was saved, and the process that
owns it (pid, the process's start time and the host name). An autosave is offered after a crash
only when that process is no longer running: the pid is gone, or it is now another process
(its start time differs: the pid was reused). An autosave that cannot be read is moved aside to
``corrupt/`` and named; it never causes another one to be deleted. Nothing here deletes an
autosave: the window does, once its work is saved or the user discards it explicitly.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from ecolca.core import scenario_file
from ecolca.core.atomic import atomic_write_bytes
from ecolca.core.errors import ScenarioError
from ecolca.core.model import Scenario

CORRUPT = "corrupt"  # the subfolder where unreadable autosaves are moved
# an autosave of another host cannot be checked: its instance counts as running while it wrote
# its .meta (every minute, see WindowRecovery.autosave) less than this long ago
REMOTE_STALE_S = 10 * 60


def recovery_dir() -> Path:
    """Where autosaves go: ``$ECOLCA_RECOVERY_DIR``, or a folder of the platform's app-data
    folder for the Brightway folder in use (``$BRIGHTWAY2_DIR``, set by ecolca on import): work
    done against one set of Brightway projects is never offered to a session of another."""
    env = os.environ.get("ECOLCA_RECOVERY_DIR")
    if env:
        base = Path(env)
    else:
        app_data = Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation)
                        or Path.home() / ".ecolca")
        base = app_data / "recovery" / _brightway_folder_key()
    base.mkdir(parents=True, exist_ok=True)
    return base


def _brightway_folder_key() -> str:
    """A short, stable name for the Brightway folder in use ("default" when none is set)."""
    folder = os.environ.get("BRIGHTWAY2_DIR") or os.environ.get("BRIGHTWAY_DIR")
    if not folder:
        return "default"
    resolved = str(Path(folder).expanduser().resolve())
    return f"{Path(resolved).name or 'bw'}-{hashlib.sha256(resolved.encode()).hexdigest()[:10]}"


# ---- who owns an autosave ----------------------------------------------------------------------
def _start_time(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch), None when unknown."""
    try:
        import psutil

        return psutil.Process(pid).create_time()
    except Exception:  # noqa: BLE001 (no psutil, no such process, not allowed to look)
        return None


def _linux_start(pid: int) -> tuple[str, int] | None:
    """(boot id, start time in clock ticks since boot) of process ``pid`` on Linux: exact, and
    unaffected by a change of the system clock (psutil's start time moves with it); None
    elsewhere or when the process is gone."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as f:
            boot = f.read().strip()
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as f:
            fields = f.read().rsplit(")", 1)[1].split()  # after the command name, which may
        if fields[0] in ("Z", "X"):                       # hold spaces: 3 state, 22 starttime
            return None  # ended, not yet reaped
        return boot, int(fields[19])
    except (OSError, IndexError, ValueError):
        return None


def identity() -> dict:
    """This process, as an autosave's .meta records its owner."""
    me = os.getpid()
    ident = {"pid": me, "started": _start_time(me), "host": socket.gethostname()}
    linux = _linux_start(me)
    if linux:
        ident["boot"], ident["ticks"] = linux
    return ident


def owner_running(meta: dict) -> bool:
    """Whether the instance that wrote ``meta`` still runs: its pid is alive and is the same
    process (same start time; an old .meta without one: a process whose command line names
    ecolca). On Linux the start time is the kernel's (boot id and clock ticks), exact whatever the
    system clock did. A process this user may not inspect counts as running: its autosave is
    left be."""
    pid = meta.get("pid")
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    if meta.get("host") not in (None, socket.gethostname()):
        return time.time() - _number(meta.get("alive", meta.get("saved"))) < REMOTE_STALE_S
    if isinstance(meta.get("ticks"), int) and isinstance(meta.get("boot"), str):
        linux = _linux_start(pid)
        if linux is not None or os.path.exists("/proc/self/stat"):
            return linux == (meta["boot"], meta["ticks"])
    try:
        import psutil
    except ImportError:  # pragma: no cover (psutil is a dependency)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:
            return True
        return True
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        started = meta.get("started")
        if isinstance(started, (int, float)):
            return abs(proc.create_time() - started) < 1.0
        return "ecolca" in " ".join(proc.cmdline()).lower()
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return False
    except psutil.Error:
        return True


def _number(value) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


# ---- reading and writing -----------------------------------------------------------------------
def meta_path(path: Path) -> Path:
    return path.with_suffix(".meta")


def read_meta(path: Path) -> dict:
    """The .meta of autosave ``path``; {} when missing or unreadable."""
    try:
        meta = json.loads(meta_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def write(path: Path, scenario: Scenario, original: Path | None, disk: dict | None) -> None:
    """Autosave ``scenario`` to ``path`` (atomic). The .meta is written first: an autosave
    without one is never a running instance's."""
    now = time.time()
    meta = {"original": str(original) if original else None, "title": scenario.name,
            "saved": now, "alive": now, "disk": disk, **identity()}
    atomic_write_bytes(meta_path(path), json.dumps(meta).encode("utf-8"))
    scenario_file.save(scenario, path)


class _Writer(threading.Thread):
    """Writes one autosave (:func:`write`) from a pickled scenario; ``ok`` once written;
    ``thread_id``: the thread that wrote it."""

    def __init__(self, path: Path, snapshot: bytes, original: Path | None, disk: dict | None):
        # not a daemon: a process that ends while it writes waits for it (the write is atomic
        # either way: the autosave on disk is the old one or the new one, never half of one)
        super().__init__(name="ecolca-autosave", daemon=False)
        self.args = (path, snapshot, original, disk)
        self.ok = False
        self.thread_id: int | None = None

    def run(self) -> None:
        import pickle

        path, snapshot, original, disk = self.args
        self.thread_id = threading.get_ident()
        try:
            write(path, pickle.loads(snapshot), original, disk)
        except (OSError, ValueError):
            return
        self.ok = True


def write_in_background(path: Path, snapshot: bytes, original: Path | None,
                        disk: dict | None) -> _Writer:
    """:func:`write` the scenario pickled in ``snapshot`` on a thread of its own (started;
    ``join()`` waits for it, ``ok`` says whether it was written)."""
    writer = _Writer(path, snapshot, original, disk)
    writer.start()
    return writer


def claim(path: Path) -> None:
    """Make this process the owner of autosave ``path`` (it was restored here; it stays on disk
    until that work is saved or discarded), and say it is alive; nothing when it is gone."""
    if not path.exists():
        return
    meta = read_meta(path)
    meta.update(identity(), alive=time.time())
    try:
        atomic_write_bytes(meta_path(path), json.dumps(meta).encode("utf-8"))
    except OSError:
        pass


def remove(path: Path) -> None:
    """Delete an autosave and its .meta (either may be missing)."""
    for p in (path, meta_path(path)):
        try:
            p.unlink()
        except OSError:
            pass


def move_aside(path: Path) -> Path:
    """Move an unreadable autosave and its .meta to the ``corrupt/`` subfolder; its new path."""
    folder = path.parent / CORRUPT
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    if target.exists() or meta_path(target).exists():
        stem = path.name[:-len(scenario_file.SUFFIX)]
        target = folder / f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}{scenario_file.SUFFIX}"
    os.replace(path, target)
    if meta_path(path).exists():
        try:
            os.replace(meta_path(path), meta_path(target))
        except OSError:
            pass
    return target


@dataclass
class Autosave:
    """An autosave that can be restored: its file, .meta and scenario."""
    path: Path
    meta: dict
    scenario: Scenario

    @property
    def original(self) -> Path | None:
        o = self.meta.get("original")
        return Path(o) if isinstance(o, str) and o else None

    @property
    def saved(self) -> float:
        return _number(self.meta.get("saved")) or self.path.stat().st_mtime

    @property
    def title(self) -> str:
        return self.scenario.name or "Untitled park"

    def describe(self) -> str:
        """"'Harbour park' (harbour.ecolca.json)", or "(never saved to a file)"."""
        where = self.original.name if self.original else "never saved to a file"
        return f"'{self.title}' ({where})"


def scan(folder: Path, exclude: set[Path] = frozenset()) -> tuple[list[Autosave], list[str]]:
    """The autosaves in ``folder`` that can be restored, newest first (those of a running
    instance are left out, and left alone), and the unreadable ones, moved aside to
    ``corrupt/``: one line each naming the autosave, what it held and why."""
    found: list[Autosave] = []
    corrupt: list[str] = []
    for p in sorted(folder.glob(f"*{scenario_file.SUFFIX}")):
        if p in exclude or not p.is_file():
            continue
        meta = read_meta(p)
        if meta and owner_running(meta):
            continue
        try:
            found.append(Autosave(p, meta, scenario_file.load(p)))
        except ScenarioError as exc:
            what = meta.get("original") or meta.get("title") or "work never saved to a file"
            reason = "; ".join(pr.message for pr in exc.problems[:2])
            try:
                moved = move_aside(p).name
            except OSError as err:
                moved = f"{p.name} (could not be moved: {err.strerror or err})"
            corrupt.append(f"{moved}: autosave of {what}, {reason}")
    found.sort(key=lambda a: a.saved, reverse=True)
    return found, corrupt
