"""One foreground database per scenario id (issue #9, Medium 11): renaming a scenario and
running it again leaves no database behind under the old name (Activity Browser listed the
scenario twice); a foreground another run still reads, and databases ecolca did not write,
are left alone."""

from __future__ import annotations

import copy


def _mine(bd, sc) -> list[str]:
    bd.databases.load()
    return sorted(d for d in bd.databases if d.endswith(f" [{sc.id}]"))


def test_a_rename_then_a_build_leaves_one_foreground(bw_project, example):
    import bw2data as bd

    from ecolca.lca import build_foreground, foreground_lock, foreground_name

    first = copy.deepcopy(example)
    first.name = "Clutter park, first name"
    build_foreground(first)
    second = copy.deepcopy(example)
    second.name = "Clutter park, second name"
    # not ecolca's: the same tail, but no ecolca_foreground mark
    other = f"someone else's database [{example.id}]"
    bd.Database(other).register()
    try:
        # a run of the old name still holds its foreground: it must stay until that run ends
        with foreground_lock(first):
            build_foreground(second)
            assert foreground_name(first) in _mine(bd, first)
        build_foreground(second)
        assert _mine(bd, second) == sorted([foreground_name(second), other])
        assert bd.databases[foreground_name(second)]["ecolca_foreground"]
    finally:
        bd.databases.load()
        for name in (other, foreground_name(second)):
            if name in bd.databases:
                del bd.databases[name]
