"""The JSON API and the security headers, in-process over ASGI."""

from __future__ import annotations

from tests.web.asgi import get
from tests.web.conftest import FRIGATE_URL, HOSTILE


def test_changes_api_lists_edits_newest_first_with_version_numbers(history_store):
    response = get(history_store.url, "/api/changes?edits=1")
    assert response.status_code == 200
    items = response.json()["items"]
    frigate = [c for c in items if c["url"] == FRIGATE_URL]
    assert [(c["from_version"], c["to_version"]) for c in frigate] == [(2, 3), (1, 2)]
    assert all(c["kind"] != "new" for c in items)
    assert {c["source"] for c in items} == {"alpha", "beta"}


def test_changes_api_filters_by_source_and_pages(history_store):
    alpha = get(history_store.url, "/api/changes?source=alpha").json()["items"]
    assert alpha and {c["source"] for c in alpha} == {"alpha"}
    first = get(history_store.url, "/api/changes?limit=2").json()
    second = get(history_store.url, "/api/changes?limit=2&offset=2").json()
    assert first["count"] == 2 and second["offset"] == 2
    assert {c["change_id"] for c in first["items"]}.isdisjoint(
        c["change_id"] for c in second["items"]
    )


def test_articles_api_and_versions_hold_every_version_text(history_store):
    articles = get(history_store.url, "/api/articles?changed_only=1").json()["items"]
    frigate = next(a for a in articles if a["url"] == FRIGATE_URL)
    assert frigate["versions"] == 3
    versions = get(
        history_store.url, f"/api/articles/{frigate['article_id']}/versions"
    ).json()["items"]
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert "eight anti-ship" in versions[0]["text"]
    assert "twelve anti-ship" in versions[1]["text"]
    assert "Gotland" not in versions[2]["text"]


def test_search_api_finds_text_a_later_edit_removed(history_store):
    hits = get(history_store.url, "/api/search?q=Gotland%20trials").json()["items"]
    assert len(hits) == 1
    assert hits[0]["versions"] == [1, 2]
    assert hits[0]["in_latest"] is False and hits[0]["latest_version"] == 3


def test_api_errors_are_json(history_store):
    missing = get(history_store.url, "/api/articles/999/versions")
    assert missing.status_code == 404 and missing.json() == {"error": "no such article"}
    assert get(history_store.url, "/api/search").status_code == 400
    assert get(history_store.url, "/api/changes?limit=abc").status_code == 400


def test_every_response_carries_the_security_headers(history_store):
    for path in (
        "/",
        "/articles/2",
        "/api/changes",
        "/feed.atom",
        "/static/style.css",
        "/nope",
    ):
        headers = get(history_store.url, path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"


def test_scraped_markup_is_escaped_in_every_page(history_store):
    for path in (
        "/",
        "/articles/2",
        "/articles/2/diff?from=1&to=2",
        "/articles/2/diff?from=1&to=2&view=side",
        "/search?q=hostile",
    ):
        html = get(history_store.url, path).text
        assert HOSTILE not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_side_by_side_marks_deleted_and_inserted_words(history_store):
    html = get(history_store.url, "/articles/1/diff?from=1&to=2&view=side").text
    assert "<del>eight</del>" in html and "<ins>twelve</ins>" in html


def test_missing_version_is_a_404_page(history_store):
    response = get(history_store.url, "/articles/1/diff?from=1&to=9")
    # an out-of-range version is clamped to the latest, so the page still answers
    assert response.status_code == 200 and "version 3" in response.text
    assert get(history_store.url, "/articles/1/versions/9").status_code == 404


def test_the_app_opens_the_database_read_only(history_store):
    before = history_store.path.stat().st_mtime_ns
    for path in ("/", "/articles/1", "/search?q=frigate", "/api/articles"):
        assert get(history_store.url, path).status_code == 200
    assert history_store.path.stat().st_mtime_ns == before
