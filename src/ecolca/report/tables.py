"""Helpers for building table rows."""

from __future__ import annotations

from typing import Any


def drop_empty(columns: list[tuple[str, str]], rows: list[list[Any]],
               optional: set[str]) -> tuple[list[tuple[str, str]], list[list[Any]]]:
    """Leave out optional columns that are empty in every row (keeps wide sheets printable)."""
    keep = [j for j, (name, _) in enumerate(columns)
            if name not in optional or any(r[j] not in (None, "") for r in rows)]
    return [columns[j] for j in keep], [[r[j] for j in keep] for r in rows]
