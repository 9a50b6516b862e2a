"""Issue #19: a full disk under `example -o`, `export-shared -o` or `--json > file` said "cannot
use: No space left on device. Check BRIGHTWAY_DIR ..." and named no path. Now it names what could
not be written, says the disk is full, and blames no Brightway folder."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT


def _disk_full(*_a, **_k):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("command", ["example", "export-shared"])
def test_a_full_disk_on_output_files_names_the_file(command, tmp_path, monkeypatch, capsys,
                                                    example):
    from ecolca import cli
    from ecolca.core import scenario_file

    src = tmp_path / "park.ecolca.json"
    example.sites[0].confidential = True  # export-shared needs a site to mask
    scenario_file.save(example, src)
    (tmp_path / "out").mkdir()
    dest = tmp_path / "out" / "shared.ecolca.json"
    args = (["example", "gypsum-ash", "-o", str(dest)] if command == "example"
            else ["export-shared", str(src), "-o", str(dest)])
    monkeypatch.setattr(os, "fsync", _disk_full)  # the data reaches the disk at fsync
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert f"cannot write '{dest}'" in err and "the disk is full" in err
    assert "BRIGHTWAY_DIR" not in err and "Traceback" not in err
    assert list(dest.parent.iterdir()) == []  # no half-written file left


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_disk_under_json_output_names_standard_output(bw_project, bw_dir, example_path):
    import ecolca

    src = Path(ecolca.__file__).resolve().parents[1]  # the ecolca under test (ROOT/src)
    env = dict(os.environ, BRIGHTWAY_DIR=str(bw_dir), ECOLCA_PROJECT=PROJECT,
               PYTHONPATH=str(src) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, "-m", "ecolca", "run", str(example_path), "--json"],
                           stdout=full, stderr=subprocess.PIPE, text=True, env=env, timeout=300)
    assert r.returncode == 1, r.stderr
    assert "error: cannot write the output to standard output ('/dev/full')" in r.stderr
    assert "the disk is full" in r.stderr and "the output is incomplete" in r.stderr
    assert "BRIGHTWAY_DIR" not in r.stderr
    assert "Traceback" not in r.stderr and "Exception ignored" not in r.stderr
