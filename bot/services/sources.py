"""Adding a source: fetch it, read it as its kind, and when the URL is a web page that links to
feeds, take the first one it offers (autodiscovery). Nothing is recorded here."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from pydantic import ValidationError

from bot.domain.config import FeedSpec
from bot.domain.models import Item
from bot.errors import NotAFeedError, ParseError, SignalbotError
from bot.ports import ArticleFetcher, FeedFetcher, FeedParser, ParsedFeed, UrlGuard

log = logging.getLogger(__name__)


@dataclass
class Probe:
    """What a source would give: the spec to store (its URL replaced by the discovered feed's),
    the parsed body, and the page it was discovered from with the other feeds it offers."""

    spec: FeedSpec
    parsed: ParsedFeed
    page: str = ""
    others: list[tuple[str, str, str]] = field(default_factory=list)

    def describe(self) -> str:
        found = f" (found on {self.page})" if self.page else ""
        title = self.parsed.title or self.spec.url
        kind = f" ({self.parsed.kind})" if self.parsed.kind != "rss" else ""
        return f"{title} · {len(self.parsed.entries)} item(s) now{kind}{found}"


async def probe_source(
    fetcher: FeedFetcher, parser: FeedParser, spec: FeedSpec, guard: UrlGuard | None = None
) -> Probe:
    """Fetch and parse ``spec`` without recording anything.

    Raises ``FetchError`` or ``ParseError`` (``NotAFeedError`` for a page that offers no feed)
    with a plain explanation when it is unusable.
    """
    if guard is not None:
        await guard.check(spec.url)
    result = await fetcher.fetch(spec.url)
    try:
        return Probe(spec, parser.parse(result.body, spec.url, spec))
    except NotAFeedError as exc:
        if not exc.feeds or spec.kind == "html" or spec.select is not None:
            raise
        first, others = exc.feeds[0][0], exc.feeds[1:]
    try:
        found = FeedSpec.model_validate({**spec.model_dump(), "url": first})
    except ValidationError as exc:  # pragma: no cover - discovered links are http(s) already
        raise ParseError(f"{spec.url} links to an unusable feed URL {first}") from exc
    if guard is not None:
        await guard.check(found.url)
    result = await fetcher.fetch(found.url)
    return Probe(found, parser.parse(result.body, found.url, found), page=spec.url, others=others)


async def fill_item_text(
    items: list[Item], articles: ArticleFetcher, concurrency: int = 4
) -> list[Item]:
    """Items whose list entry gave no text, with the text of the page they link to.

    A page that cannot be fetched or read leaves its item as it was (title only), logged.
    """
    limit = asyncio.Semaphore(concurrency)

    async def fill(item: Item) -> Item:
        if item.summary or not item.link:
            return item
        async with limit:
            try:
                article = await articles.fetch_article(item.link)
            except SignalbotError as exc:
                log.warning("item %s: its page gave no text: %s", item.link, exc)
                return item
        return item.model_copy(
            update={"summary": article.text, "published": item.published or article.published}
        )

    return list(await asyncio.gather(*(fill(i) for i in items)))
