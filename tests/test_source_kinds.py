"""Every source kind read by the one parser port: detection, JSON Feed, Federal Register, HTML
list pages and feed autodiscovery, including hostile bodies."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from bot.adapters.sources import SourceParser
from bot.adapters.sources.federal_register import with_fields
from bot.domain.config import FeedSpec, HtmlSelectors
from bot.errors import NotAFeedError, ParseError
from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE, rss, rss_item
from tests.support.sources import (
    announcement_page,
    federal_register,
    fr_document,
    json_feed,
    site_page,
)

URL = "https://example.org/source"
parser = SourceParser()


def spec(**fields: object) -> FeedSpec:
    return FeedSpec.model_validate({"name": "s", "url": URL, **fields})


@pytest.mark.parametrize("version", ["1", "1.1"])
def test_json_feed_versions_are_detected_and_read(version: str) -> None:
    body = json_feed(
        [
            {
                "id": 7 if version == "1" else "7",
                "url": "/posts/7",
                "title": TARIFF_TITLE,
                "content_html": f"<p>{TARIFF_TEXT}</p>",
                "date_published": "2026-11-20T08:00:00+01:00",
            }
        ],
        version=version,
    )
    feed = parser.parse(body.encode(), URL)
    assert feed.kind == "jsonfeed"
    assert feed.title == "JSON Wire"
    [entry] = feed.entries
    assert entry.guid == "7"
    assert entry.link == "https://json.example.org/posts/7"
    assert entry.title == TARIFF_TITLE
    assert entry.summary == TARIFF_TEXT
    assert entry.published == datetime(2026, 11, 20, 7, 0, tzinfo=UTC)


def test_json_feed_items_without_title_take_their_text_and_bad_items_are_skipped() -> None:
    body = json_feed(
        [
            {"id": "a", "content_text": "Short post about tariffs on steel."},
            "not an object",
            {"id": "b", "title": ["not", "text"], "url": "javascript:alert(1)"},
            {"id": "c", "title": "Dated wrongly", "date_published": "yesterday"},
        ]
    )
    entries = parser.parse(body.encode(), URL).entries
    assert [e.guid for e in entries] == ["a", "c"]
    assert entries[0].title == "Short post about tariffs on steel."
    assert entries[1].published is None


def test_a_json_feed_of_100000_items_is_capped() -> None:
    items = [{"id": str(i), "title": f"Item {i}"} for i in range(100_000)]
    feed = parser.parse(json_feed(items).encode(), URL)
    assert len(feed.entries) == 500
    assert feed.entries[0].title == "Item 0"


def test_json_that_is_no_known_source_is_refused_plainly() -> None:
    with pytest.raises(ParseError, match="neither a JSON Feed nor a Federal Register"):
        parser.parse(b'{"hello": "world"}', URL)
    with pytest.raises(ParseError, match="not valid JSON"):
        parser.parse(b'{"version": ', URL)
    with pytest.raises(ParseError, match="not a JSON Feed"):
        parser.parse(b'{"results": []}', URL, spec(kind="jsonfeed"))


def test_federal_register_documents_carry_their_instrument() -> None:
    body = federal_register(
        [
            fr_document("2026-23001"),
            fr_document(
                "2026-23002",
                type="Proposed Rule",
                effective_on=None,
                comments_close_on="2027-01-19",
                cfr_references=[{"title": 15, "part": 734}, {"title": "x"}],
            ),
        ]
    )
    feed = parser.parse(body.encode(), URL)
    assert feed.kind == "federal-register"
    rule, proposed = feed.entries
    assert rule.guid == "federalregister:2026-23001"
    assert rule.instrument is not None
    assert rule.instrument.type == "Rule"
    assert rule.instrument.agencies == ("Commerce Department", "Industry and Security Bureau")
    assert rule.instrument.effective == date(2026, 11, 20)
    assert rule.instrument.dockets == ("Docket No. 261117-0300",)
    assert rule.instrument.cfr == ("15 CFR 744",)
    assert "Effective 20 November 2026." in rule.summary
    assert proposed.instrument is not None
    assert proposed.instrument.comments_close == date(2027, 1, 19)
    assert proposed.instrument.cfr == ("15 CFR 734",)
    assert "Comments close 19 January 2027." in proposed.summary


def test_federal_register_documents_with_missing_or_wrong_fields() -> None:
    body = json.dumps(
        {
            "count": 4,
            "results": [
                {"document_number": "2026-1"},
                {"title": None, "agencies": "nope", "cfr_references": [1, None]},
                {"title": "Only a title", "publication_date": "not a date", "type": 5},
                7,
            ],
        }
    )
    feed = parser.parse(body.encode(), URL, spec(kind="federal-register"))
    numbered, titled = feed.entries
    assert numbered.link == "https://www.federalregister.gov/d/2026-1"
    assert numbered.title == "Federal Register document 2026-1"
    assert titled.title == "Only a title"
    assert titled.published is None
    assert titled.instrument is not None
    assert titled.instrument.agencies == ()


def test_a_federal_register_search_without_matches_is_an_empty_source() -> None:
    feed = parser.parse(b'{"count": 0, "description": "nothing"}', URL)
    assert feed.kind == "federal-register"
    assert feed.entries == []


def test_federal_register_query_urls_ask_for_every_field_once() -> None:
    url = "https://www.federalregister.gov/api/v1/documents.json?conditions[agencies][]=industry-and-security-bureau"
    full = with_fields(url)
    assert "fields[]=effective_on" in full
    assert "fields[]=cfr_references" in full
    assert with_fields(full) == full
    assert with_fields("https://example.org/feed.json") == "https://example.org/feed.json"


def test_a_web_page_names_the_feeds_it_links_to() -> None:
    page = site_page(
        ("/news.rss", "News", "application/rss+xml"),
        ("https://cdn.example.org/atom.xml", "", "application/atom+xml"),
        ("/feed.json", "JSON", "application/feed+json"),
        ("javascript:alert(1)", "bad", "application/rss+xml"),
        ("/oembed", "o", "application/json+oembed"),
    )
    with pytest.raises(NotAFeedError) as caught:
        parser.parse(page.encode(), "https://example.org/")
    assert caught.value.feeds == [
        ("https://example.org/news.rss", "News", "RSS"),
        ("https://cdn.example.org/atom.xml", "", "Atom"),
        ("https://example.org/feed.json", "JSON", "JSON Feed"),
    ]
    assert "it links to: https://example.org/news.rss" in str(caught.value)


def test_a_web_page_without_feed_links_suggests_the_html_kind() -> None:
    with pytest.raises(NotAFeedError, match="kind: html"):
        parser.parse(site_page().encode(), "https://example.org/")


def test_rss_is_still_the_default() -> None:
    feed = parser.parse(rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)]).encode(), URL)
    assert (feed.kind, len(feed.entries)) == ("rss", 1)


SELECT = HtmlSelectors(item="li.ann", title="a.t", link="a.t", date="span.d")


def test_an_announcement_page_is_read_with_selectors() -> None:
    page = announcement_page(
        [
            ("/a/1.html", "Announcement No. 61 of 2026 on export controls", "2026-11-20"),
            ("https://other.example.org/2", "Announcement No. 60", "19 November 2026"),
            ("", "An entry without a link", "2026/11/18"),
        ]
    )
    feed = parser.parse(page.encode(), "https://mofcom.example.org/list/", spec(select=SELECT))
    assert feed.kind == "html"
    assert feed.title == "Announcements"
    first, second, third = feed.entries
    assert first.link == "https://mofcom.example.org/a/1.html"
    assert first.title == "Announcement No. 61 of 2026 on export controls"
    assert first.published == datetime(2026, 11, 20, tzinfo=UTC)
    assert second.published == datetime(2026, 11, 19, tzinfo=UTC)
    assert (third.link, third.published) == ("", datetime(2026, 11, 18, tzinfo=UTC))


def test_hostile_html_yields_plain_text_only() -> None:
    page = announcement_page(
        [
            (
                "javascript:alert(1)",
                "<!channel> @here <script>steal()</script>Tariffs &lt;b&gt;up&lt;/b&gt;\u202e",
                "2026-11-20",
            )
        ],
        extra="<style>li{}</style><template><li class='ann'>hidden</li></template>",
    )
    [entry] = parser.parse(page.encode(), URL, spec(select=SELECT)).entries
    assert entry.link == ""
    assert "steal" not in entry.title
    assert "\u202e" not in entry.title
    assert entry.title == "@here Tariffs <b>up</b>"


def test_a_selector_that_matches_nothing_or_is_invalid_is_an_error() -> None:
    page = announcement_page([("/1", "One", "2026-11-20")]).encode()
    with pytest.raises(ParseError, match="matches nothing"):
        parser.parse(page, URL, spec(select=HtmlSelectors(item="div.none")))
    with pytest.raises(ParseError, match="not valid CSS"):
        parser.parse(page, URL, spec(select=HtmlSelectors(item="li[[")))


def test_kind_html_needs_selectors() -> None:
    with pytest.raises(ValueError, match="select"):
        spec(kind="html")
    with pytest.raises(ValueError, match="only applies to kind: html"):
        spec(kind="rss", select={"item": "li"})


def test_mentions_in_an_announcement_title_never_ping_when_posted() -> None:
    from bot.domain.models import Item
    from bot.domain.scoring import RuleScorer
    from bot.render.slack import alert_message

    page = announcement_page(
        [("/1", "&lt;!channel&gt; &lt;!here|here&gt; <@U0ADMIN> tariffs on steel", "2026-11-20")]
    )
    [entry] = parser.parse(page.encode(), URL, spec(select=SELECT)).entries
    assert entry.title.startswith("<!channel> <!here|here>")
    item = Item(key="k", feed="f", title=entry.title, link=entry.link, summary="")
    text, blocks = alert_message(item, RuleScorer().score(item.article()), date(2026, 11, 20))
    # Slack reads mentions in the fallback text and mrkdwn only (plain_text never pings)
    mrkdwn = [
        o["text"]
        for b in blocks
        for o in [b.get("text"), *b.get("elements", [])]
        if isinstance(o, dict) and o.get("type") == "mrkdwn"
    ]
    posted = text + "\n".join(mrkdwn)
    assert "<!channel>" not in posted
    assert "<!here" not in posted
    assert "&lt;!channel&gt;" in posted
