"""JSON-ready dicts for the diff's parts, and strict readers that rebuild them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from monitor.diffing.align import ParagraphDiff, ParagraphStatus
from monitor.diffing.words import WordOp, WordTag

_T = TypeVar("_T")
_WORD_TAGS: frozenset[str] = frozenset({"equal", "delete", "insert"})
_STATUSES: frozenset[str] = frozenset({"equal", "edited", "added", "removed"})


def ops_to_json(ops: tuple[WordOp, ...]) -> list[list[str]]:
    """Word ops as compact ``[tag, old, new]`` triples."""
    return [[op.tag, op.old, op.new] for op in ops]


def ops_from_json(value: object, where: str) -> tuple[WordOp, ...]:
    """Rebuild word ops; ValueError naming ``where`` when malformed."""
    ops: list[WordOp] = []
    for item in typed(value, list, where):
        if (
            not isinstance(item, list)
            or len(item) != 3
            or item[0] not in _WORD_TAGS
            or not all(isinstance(s, str) for s in item)
        ):
            raise ValueError(f"{where}: expected [tag, old, new] triples, got {item!r}")
        ops.append(WordOp(cast(WordTag, item[0]), item[1], item[2]))
    return tuple(ops)


def row_to_json(row: ParagraphDiff) -> dict[str, Any]:
    """One paragraph row as a dict; ``new`` is left out when it is the same as ``old``."""
    data: dict[str, Any] = {
        "status": row.status,
        "old_index": row.old_index,
        "new_index": row.new_index,
        "old": row.old_text,
        "new": row.new_text,
        "moved": row.moved,
        "similarity": row.similarity,
        "words": ops_to_json(row.words),
    }
    if row.new_text == row.old_text:
        del data["new"]  # most rows are unchanged paragraphs: store their text once
    return data


def _index(value: object, where: str) -> int | None:
    if value is None:
        return None
    return typed(value, int, where)


def row_from_json(value: object, where: str) -> ParagraphDiff:
    """Rebuild one paragraph row; ValueError naming the bad key when malformed."""
    data = typed(value, dict, where)
    status = typed(data.get("status"), str, f"{where}.status")
    old_text = typed(data.get("old", ""), str, f"{where}.old")
    if status not in _STATUSES:
        raise ValueError(f"{where}.status: unknown status {status!r}")
    return ParagraphDiff(
        status=cast(ParagraphStatus, status),
        old_index=_index(data.get("old_index"), f"{where}.old_index"),
        new_index=_index(data.get("new_index"), f"{where}.new_index"),
        old_text=old_text,
        new_text=typed(data.get("new", old_text), str, f"{where}.new"),
        moved=typed(data.get("moved", False), bool, f"{where}.moved"),
        similarity=float(
            typed(data.get("similarity", 1.0), (int, float), f"{where}.similarity")
        ),
        words=ops_from_json(data.get("words", []), f"{where}.words"),
    )


def typed(value: object, kind: type[_T] | tuple[type, ...], where: str) -> _T:
    """``value`` if it has the expected JSON type, else ValueError naming ``where``."""
    bad_bool = isinstance(value, bool) and kind in (int, (int, float))
    if bad_bool or not isinstance(value, kind):
        expected = (
            kind.__name__
            if isinstance(kind, type)
            else " or ".join(t.__name__ for t in kind)
        )
        raise ValueError(f"{where}: expected {expected}, got {type(value).__name__}")
    return cast(_T, value)


def strings(value: object, where: str) -> tuple[str, ...]:
    """A list of strings as a tuple; ValueError naming ``where`` otherwise."""
    items = typed(value, list, where)
    for item in items:
        typed(item, str, where)
    return tuple(items)


def section(data: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
    """The sub-dict ``data[key]``; ValueError naming the key when absent or not a dict."""
    return cast(dict[str, Any], typed(data.get(key), dict, f"{where}.{key}"))
