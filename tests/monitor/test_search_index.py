"""The full-text index: created idempotently, filled from rows stored before it existed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from monitor.db import ensure_schema, make_engine, session_factory
from monitor.ingest import AlertRules, Recorder
from monitor.runs import start_run
from monitor.search import ensure_search_index, fts5_query, search
from tests.web.conftest import build_history


def _search(url: str, query: str) -> list[tuple[str, tuple[int, ...]]]:
    engine = make_engine(url, read_only=True)
    with session_factory(engine)() as session:
        return [(h.field, h.versions) for h in search(session, query)]


def test_index_is_rebuilt_for_an_existing_store_and_never_doubled(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    build_history(url)
    engine = make_engine(url)
    with engine.begin() as conn:  # a store from before the index existed
        for name in ("paragraphs_fts", "versions_fts"):
            conn.execute(text(f"DROP TABLE {name}"))
        for trigger in (
            conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            .scalars()
            .all()
        ):
            conn.execute(text(f"DROP TRIGGER {trigger}"))
    assert _search_or_error(url) == "missing"
    ensure_search_index(engine)
    ensure_search_index(engine)
    ensure_schema(engine)
    assert _search(url, "Gotland") == [("body", (1, 2))]
    assert _search(url, "commissions") == [("title", (1, 2, 3))]
    assert _search(url, "northern fleet") == [("standfirst", (1, 2, 3))]


def _search_or_error(url: str) -> str:
    try:
        _search(url, "Gotland")
    except Exception as exc:  # noqa: BLE001 - the message is what the user sees
        return "missing" if "search index is missing" in str(exc) else str(exc)
    return "found"


def test_query_words_are_quoted_for_fts5():
    assert fts5_query('navy "frigate" OR x*') == '"navy" "frigate" "OR" "x"'
    assert fts5_query("  ") == ""


def _fts_rows(url: str, word: str) -> int:
    with make_engine(url).connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH :w"
                ),
                {"w": word},
            ).scalar_one()
        )


def _store_with_trigger(url: str, trigger: str) -> tuple[Engine, Recorder]:
    """A store as earlier releases made it (``trigger`` indexed new rows), opened again now."""
    engine = make_engine(url)
    ensure_schema(engine)
    with engine.begin() as conn:
        conn.execute(text(trigger))
    ensure_schema(engine)
    factory = session_factory(engine)
    return engine, Recorder(factory, AlertRules(), start_run(factory, "test"))


def test_new_paragraphs_are_indexed_once_also_in_a_store_with_the_old_trigger(
    tmp_path: Path, make_item
):
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    engine, recorder = _store_with_trigger(
        url,
        "CREATE TRIGGER paragraphs_fts_ai AFTER INSERT ON paragraphs BEGIN "
        "INSERT INTO paragraphs_fts(rowid, text) VALUES (new.id, new.text); END",
    )
    batch = [
        make_item(
            f"https://news.example.com/a/{n}", body=(f"Gotland garrison report {n}.",)
        )
        for n in range(3)
    ]
    recorder.record_batch(batch)  # first fetches, in bulk
    recorder.record(  # an edit, one item: one new paragraph
        make_item("https://news.example.com/a/0", body=("Gotland garrison doubled.",))
    )
    assert _fts_rows(url, "garrison") == 4
    assert [field for field, _ in _search(url, "doubled")] == ["body"]
    with engine.begin() as conn:  # an entry indexed twice fails this ("malformed")
        conn.execute(
            text(
                "INSERT INTO paragraphs_fts(paragraphs_fts, rank) VALUES ('integrity-check', 1)"
            )
        )


def test_new_versions_are_indexed_once_also_in_a_store_with_the_old_trigger(
    tmp_path: Path, make_item
):
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    engine, recorder = _store_with_trigger(
        url,
        "CREATE TRIGGER versions_fts_ai AFTER INSERT ON versions BEGIN "
        "INSERT INTO versions_fts(rowid, title, standfirst) VALUES (new.id, new.title, "
        "(SELECT group_concat(value, ' ') FROM json_each(new.standfirst))); END",
    )
    recorder.record_batch(  # first fetches, in bulk
        [
            make_item(
                f"https://news.example.com/a/{n}",
                title=f"Frigate {n} commissioned",
                standfirst=("Sea trials in the Baltic",),
            )
            for n in range(3)
        ]
    )
    recorder.record(  # an edit, one item: version 2
        make_item(
            "https://news.example.com/a/0",
            title="Frigate 0 delayed",
            standfirst=("Sea trials in the Baltic",),
        )
    )
    assert _search(url, "commissioned") == [("title", (1,))] * 3
    assert _search(url, "delayed") == [("title", (2,))]
    assert sorted(_search(url, "baltic")) == [
        ("standfirst", (1,)),
        ("standfirst", (1,)),
        ("standfirst", (1, 2)),
    ]
    with engine.connect() as conn:  # each version once: the old trigger is gone
        assert (
            conn.execute(
                text(
                    "SELECT count(*) FROM versions_fts WHERE versions_fts MATCH 'frigate'"
                )
            ).scalar_one()
            == 4
        )
        assert (
            conn.execute(
                text(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'versions_fts_ai'"
                )
            ).scalar_one()
            == 0
        )
