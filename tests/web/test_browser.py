"""The web page in a real headless Chromium: changes → timeline → diff, search, hostile text."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.web.conftest import HOSTILE
from tests.web.server import serving

if TYPE_CHECKING:
    from playwright.sync_api import Dialog

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _chromium() -> Path | None:
    if CHROMIUM.exists():
        return CHROMIUM
    found = shutil.which("chromium")
    return Path(found) if found else None


@pytest.fixture(scope="module")
def browser(history_store) -> Iterator[tuple[object, str]]:
    """One Chromium and one server over the module's store."""
    executable = _chromium()
    if executable is None and not os.environ.get("DEFWATCH_REQUIRE_SERVICES"):
        pytest.skip(
            "Chromium is not installed (apt-get install chromium); "
            "set DEFWATCH_REQUIRE_SERVICES=1 to make this a failure"
        )
    from playwright.sync_api import sync_playwright

    with serving(history_store.url) as base, sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(executable or CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield chromium, base
        finally:
            chromium.close()


@pytest.fixture
def browser_page(browser) -> Iterator[tuple[object, str, list[str]]]:
    """A fresh page, the base URL, and the messages of any dialog (alert) the page opened."""
    chromium, base = browser
    dialogs: list[str] = []
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    # anything the page tried that the CSP blocked, or a missing resource, shows up here
    page.on(
        "console",
        lambda message: (
            dialogs.append(f"console: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    try:
        yield page, base, dialogs
    finally:
        context.close()


def test_from_recent_changes_to_timeline_to_highlighted_diff(browser_page):
    page, base, errors = browser_page
    page.goto(base + "/")
    page.get_by_role("link", name="Navy commissions new frigate").first.click()
    page.wait_for_url("**/articles/1")
    assert page.locator("h1").inner_text() == "Navy commissions new frigate"
    assert page.locator("svg rect.bar").count() == 3  # one bar per version
    page.locator("a.diff-link", has_text="diff with v1").click()
    page.wait_for_url("**/articles/1/diff?from=1&to=2")
    assert page.locator(".inline-diff del").all_inner_texts() == ["eight"]
    assert page.locator(".inline-diff ins").all_inner_texts() == ["twelve"]
    # any two versions, side by side, through the form
    page.select_option("form.compare select[name=from]", "1")
    page.select_option("form.compare select[name=to]", "3")
    page.check("form.compare input[value=side]")
    page.locator("form.compare button").click()
    page.wait_for_url("**view=side**")
    assert "Gotland" in " ".join(
        page.locator(".side-by-side td.old del").all_inner_texts()
    )
    assert "twelve" in page.locator(".side-by-side td.new ins").all_inner_texts()
    assert errors == []  # nothing blocked by the CSP, nothing missing


def test_search_finds_an_old_versions_text(browser_page):
    page, base, _ = browser_page
    page.goto(base + "/")
    page.fill("form.searchbox input[name=q]", "Gotland")
    page.locator("form.searchbox button").click()
    page.wait_for_url("**/search?q=Gotland")
    hit = page.locator("li.hit")
    assert hit.count() == 1
    assert "sonar trials near Gotland" in hit.locator(".hit-text").inner_text()
    assert hit.locator(".hit-versions a").all_inner_texts() == ["v1", "v2"]
    assert "removed in a later version" in hit.inner_text()


def test_scraped_script_is_shown_as_text_and_never_runs(browser_page):
    page, base, dialogs = browser_page
    for path in (
        "/",
        "/articles/2",
        "/articles/2/diff?from=1&to=2",
        "/articles/2/diff?from=1&to=2&view=side",
        "/articles/2/versions/1",
        "/search?q=hostile",
    ):
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert HOSTILE in page.locator("main").inner_text(), path
        assert page.locator("main script").count() == 0, path
    page.goto(base + "/articles/2")
    assert page.locator("h1").inner_text() == f"Hostile headline {HOSTILE}"
    assert dialogs == []
