"""``defwatch boilerplate list|learn``: the lines learned to repeat across a source's articles."""

from __future__ import annotations

import click

from monitor.boilerplate import MIN_DOCS, MIN_SHARE, Learned, list_learned, relearn
from monitor.cli.context import AppContext
from monitor.cli.output import echo_json, echo_table, iso, safe
from monitor.db import session_scope


@click.group()
def boilerplate() -> None:
    """Lines learned to repeat across a source's articles; the cleaner drops them."""


def _row(item: Learned) -> dict[str, object]:
    return {
        "source": item.source,
        "line": item.line,
        "articles": item.articles,
        "sampled": item.sampled,
        "learned_at": iso(item.learned_at),
    }


@boilerplate.command("list")
@click.option("--source", "source", metavar="NAME", help="Only this source.")
@click.option("--json", "as_json", is_flag=True, help="JSON array of objects.")
@click.pass_obj
def list_command(app: AppContext, source: str | None, as_json: bool) -> None:
    """What was learned: source, line, in how many of the sampled articles, when."""
    with session_scope(app.sessions()) as session:
        learned = list_learned(session, source)
    if as_json:
        echo_json([_row(item) for item in learned])
        return
    if not learned:
        click.echo(
            f"nothing learned {'for ' + source + ' ' if source else ''}yet: a line is learned "
            f"once it repeats in {MIN_DOCS} or more (and {MIN_SHARE:.0%}) of a source's "
            "stored articles"
        )
        return
    echo_table(
        "Learned boilerplate",
        ["source", "line", "articles", "learned at"],
        [
            (
                item.source,
                item.line,
                f"{item.articles} of {item.sampled}",
                iso(item.learned_at),
            )
            for item in learned
        ],
    )


@boilerplate.command("learn")
@click.option(
    "--source", "sources", metavar="NAME", multiple=True, help="Only this source."
)
@click.pass_obj
def learn_command(app: AppContext, sources: tuple[str, ...]) -> None:
    """Relearn now from the stored articles (a crawl relearns the sources it changed)."""
    results = relearn(app.sessions(), sources)
    if not results:
        click.echo("no stored sources yet: crawl first (defwatch crawl)")
    for result in results:
        click.echo(
            f"{safe(result.source)}: {len(result.lines)} lines learned from "
            f"{result.sampled} articles"
        )
        for item in result.lines:
            click.echo(f"  {item.articles:>4} of {item.sampled}  {safe(item.line)}")
