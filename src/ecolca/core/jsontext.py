"""The JSON text ecolca writes (``run --json``, ``suggest --json``, the API's ``to_json``): strict
JSON, never NaN or Infinity (null instead), control characters escaped."""

from __future__ import annotations

import json
import math
import re

_C1_RE = re.compile("[\x7f-\x9f]")


def json_text(x) -> str:
    """Compact, strict JSON text of ``x``: no NaN or Infinity (null instead), UTF-8 text as is,
    C0 controls escaped (as JSON requires) and DEL and C1 controls too (e.g. U+009B, a
    terminal's CSI). numpy arrays and numbers are written as lists and numbers. Encoded by
    orjson (about 15 times faster than the standard library on a large park's rows,
    docs/performance.md); the standard library does what orjson refuses
    (integers beyond 64 bits, lone surrogates) or when orjson is not installed."""
    try:
        import orjson

        data = orjson.dumps(x, option=orjson.OPT_SERIALIZE_NUMPY
                            | orjson.OPT_NON_STR_KEYS)  # NaN, ±inf -> null
        if b"\x7f" not in data and b"\xc2" not in data:  # no DEL or C1 (U+0080-009F: C2 xx)
            return data.decode("utf-8")
        text = data.decode("utf-8")
    except (ImportError, TypeError):  # orjson.JSONEncodeError is a TypeError
        try:
            text = json.dumps(x, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                              default=_plain)
        except ValueError:  # a NaN or infinity somewhere in x: null, never a bare NaN
            text = json.dumps(strict_json(x), ensure_ascii=False, allow_nan=False,
                              separators=(",", ":"), default=_plain)
    return _C1_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) \
        if _C1_RE.search(text) else text


def _plain(x):
    """What the standard library's encoder cannot take: numpy arrays and numbers (the rows of
    ``run --json`` are rows of float arrays) as lists and Python numbers."""
    tolist = getattr(x, "tolist", None)
    if tolist is None:
        raise TypeError(f"Object of type {type(x).__name__} is not JSON serializable")
    return strict_json(tolist())


def strict_json(x):
    """JSON-ready data with every non-finite float replaced by null: the output is always strict
    JSON (no NaN or Infinity, which most parsers reject)."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if hasattr(x, "tolist") and hasattr(x, "dtype"):  # a numpy array or number
        return strict_json(x.tolist())
    if isinstance(x, dict):
        return {k: strict_json(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [strict_json(v) for v in x]
    return x
