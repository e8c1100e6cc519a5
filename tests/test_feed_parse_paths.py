"""The lxml reader and feedparser give the same entries; what the lxml reader does not fully
understand is left to feedparser."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.fast_feed import parse_fast
from bot.adapters.feed_parse import FeedparserParser, RssAtomParser
from bot.errors import ParseError
from bot.ports import ParsedFeed
from tests.support.feeds import distinct_story, rss, rss_item
from tests.test_websub import hub_rss

URL = "https://feeds.example.org/feed"
SAMPLES = sorted((Path(__file__).parent.parent / "bot" / "samples" / "feeds").glob("*.xml"))
ATOM_NS = "http://www.w3.org/2005/Atom"


def reference(body: bytes) -> ParsedFeed | None:
    try:
        return FeedparserParser().parse(body, URL)
    except ParseError:
        return None


def check(body: bytes) -> ParsedFeed | None:
    """The fast reader's answer, after asserting that it is feedparser's when there is one."""
    fast = parse_fast(body)
    expected = reference(body)
    if fast is not None:
        assert fast == expected
    if expected is not None:
        assert RssAtomParser().parse(body, URL) == expected
    return fast


def atom(entries: str, title: str = "Atom Wire", head: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="{ATOM_NS}"><title>{title}</title>'
        f"<id>urn:feed</id>{head}{entries}</feed>"
    )


def atom_entry(ident: str, title: str, body: str, *, extra: str = "") -> str:
    return (
        f"<entry><id>{ident}</id><title>{title}</title>"
        f'<link rel="alternate" href="https://news.example.org/{ident}"/>'
        f"<published>2026-11-20T08:00:00+02:00</published>"
        f"<updated>2026-11-21T08:00:00Z</updated>{body}{extra}</entry>"
    )


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_the_bundled_samples_are_read_fast_and_alike(path: Path) -> None:
    assert check(path.read_bytes()) is not None


def test_the_test_suites_feeds_are_read_fast_and_alike() -> None:
    stories = [rss_item(f"s{n}", *distinct_story(n), minutes=n) for n in range(40)]
    assert check(rss(stories).encode()) is not None
    pushed = hub_rss(stories[:3], "https://hub.example.org/", "https://feeds.example.org/t")
    feed = check(pushed.encode())
    assert feed is not None
    assert (feed.hub, feed.self_url) == ("https://hub.example.org/", "https://feeds.example.org/t")


def test_html_in_titles_and_summaries_is_cleaned_as_feedparser_cleans_it() -> None:
    items = [
        rss_item("g1", "<b>Bold</b> &amp; title <script>alert(1)</script>", "<p>Para</p>"),
        rss_item("g2", "a < b > c", "<script>steal()</script><style>p{}</style><p>kept</p>"),
        rss_item("g3", "<!channel> ping <@U123> &lt;!here&gt;", "<img src=x onerror=y>text"),
        rss_item("g4", "Tom &amp; Jerry &#169; &nbsp;", "<a href='javascript:x'>link</a> &gt;"),
    ]
    feed = check(rss(items, "Wire <i>X</i>").encode())
    assert feed is not None
    assert [e.title for e in feed.entries][:2] == ["Bold & title", "a < b > c"]
    assert "steal" not in feed.entries[1].summary


def test_cdata_and_content_encoded_are_read_alike() -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>'
        "<ttl>15</ttl><item><title><![CDATA[Tariffs <em>rise</em> & fall]]></title>"
        "<guid>https://x.example/1</guid><description><![CDATA[<p>short</p>]]></description>"
        "<content:encoded><![CDATA[<p>Full <b>text</b><script>x()</script></p>]]>"
        "</content:encoded><pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate></item>"
        "<item><title>No link, no guid</title><description>plain</description></item>"
        "<item><title>Permalink false</title><guid isPermaLink='false'>tag:1</guid></item>"
        "</channel></rss>"
    )
    feed = check(body.encode())
    assert feed is not None
    assert feed.ttl_s == 900
    assert feed.entries[0].link == "https://x.example/1"
    assert feed.entries[0].summary == "Full text"


def test_atom_text_html_and_dates_are_read_alike() -> None:
    entries = "".join(
        [
            atom_entry(
                "urn:1", "Plain &lt;b&gt; text", '<summary type="html">&lt;p&gt;hi</summary>'
            ),
            atom_entry("urn:2", "Two", '<content type="html">&lt;b&gt;c&lt;/b&gt;</content>'),
            atom_entry("https://x.example/3", "Three", "<summary>s</summary>").replace(
                '<link rel="alternate" href="https://news.example.org/https://x.example/3"/>', ""
            ),
        ]
    )
    head = f'<link rel="hub" href="https://hub.example.org/"/><link rel="self" href="{URL}"/>'
    feed = check(atom(entries, head=head).encode())
    assert feed is not None
    assert feed.hub == "https://hub.example.org/"
    assert feed.self_url == URL
    assert feed.entries[2].link == "https://x.example/3"


def test_common_extension_elements_are_read_alike() -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:slash="http://purl.org/rss/1.0/modules/slash/" '
        'xmlns:wfw="http://wellformedweb.org/commentAPI/" '
        'xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><channel><title>T</title>'
        "<item><title>One</title><link>https://x.example/1</link>"
        '<media:thumbnail url="https://img.example/1.jpg" width="120"/>'
        '<media:content url="https://img.example/1.mp4" medium="video"/>'
        "<dc:creator>Desk</dc:creator><dc:subject>trade</dc:subject>"
        "<dc:date>2026-11-20T08:00:00Z</dc:date><slash:comments>4</slash:comments>"
        "<wfw:commentRss>https://x.example/1/comments</wfw:commentRss>"
        "<feedburner:origLink>https://orig.example/1</feedburner:origLink>"
        "<description>&lt;p&gt;Body &lt;a href='https://x.example'&gt;link&lt;/a&gt;</description>"
        "</item></channel></rss>"
    )
    feed = check(body.encode())
    assert feed is not None
    assert feed.entries[0].published is not None
    nested = body.replace(
        '<media:content url="https://img.example/1.mp4" medium="video"/>',
        "<media:content><media:title>Other</media:title></media:content>",
    )
    assert check(nested.encode()) is None


FALLBACKS = {
    "doctype with internal subset": (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "boom">]><rss version="2.0"><channel>'
        "<title>T</title><item><title>&x;</title><guid>g</guid></item></channel></rss>"
    ),
    "billion laughs": (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<rss version="2.0"><channel><item><title>&lol3;</title></item></channel></rss>'
    ),
    "undeclared entity": (
        '<rss version="2.0"><channel><item><title>a &eacute; b</title></item></channel></rss>'
    ),
    "unclosed tag": '<rss version="2.0"><channel><item><title>x</title><item></channel></rss>',
    "markup inside a title": (
        '<rss version="2.0"><channel><item><title>a <b>bold</b> move</title></item></channel></rss>'
    ),
    "xml:base": (
        f'<feed xmlns="{ATOM_NS}" xml:base="https://base.example/dir/"><title>T</title>'
        '<entry><id>e</id><title>t</title><link href="item/1"/></entry></feed>'
    ),
    "rss 1.0": (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="u"><title>T</title></channel>'
        '<item rdf:about="https://x.example/1"><title>one</title>'
        "<link>https://x.example/1</link></item></rdf:RDF>"
    ),
    "media:title": (
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><item>'
        "<media:title>m</media:title><title>t</title></item></channel></rss>"
    ),
    "xhtml content": atom(
        atom_entry(
            "e",
            "t",
            '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
            "<p>x</p></div></content>",
        )
    ),
    "atom link without href": atom(
        atom_entry("e", "t", "", extra='<link rel="alternate">https://x.example/text</link>')
    ),
    "xml 1.1": '<?xml version="1.1"?><rss version="2.0"><channel><item><title>t</title>'
    "</item></channel></rss>",
    "empty channel": '<rss version="2.0"><channel><title>T</title></channel></rss>',
    "html page": "<html><body><p>not a feed</p></body></html>",
    "comment inside a title": (
        '<rss version="2.0"><channel><item><title>a<!-- c -->b</title></item></channel></rss>'
    ),
}


@pytest.mark.parametrize("name", FALLBACKS)
def test_what_the_fast_reader_does_not_understand_goes_to_feedparser(name: str) -> None:
    assert check(FALLBACKS[name].encode()) is None


def test_other_encodings_declared_in_the_prolog_go_to_feedparser() -> None:
    text = rss([rss_item("g", "Zölle auf Stahl – 25 %", "Brüssel erhöht Zölle")])
    latin = text.replace('encoding="utf-8"', 'encoding="iso-8859-1"').replace("–", "-")
    assert check(latin.encode("iso-8859-1")) is None
    assert check(text.replace("utf-8", "utf-16").encode("utf-16")) is None
    assert check(text.replace("utf-8", "windows-1252").encode("cp1252")) is None
    lying = text.encode("utf-8").replace(b"\xc3\xb6", b"\xf6")
    assert check(lying) is None


def test_a_utf8_bom_and_repaired_encodings_are_read_alike() -> None:
    text = rss([rss_item("g", "Zölle – 25 % “quoted”", "double-encoded: Ã© and \x93x\x94")])
    assert check(b"\xef\xbb\xbf" + text.encode()) is not None
    assert check(text.encode()) is not None


def test_a_thousand_items_are_read_alike_and_capped() -> None:
    items = [rss_item(f"g{n}", f"Title {n}", f"<p>Body {n}</p>", minutes=n) for n in range(1000)]
    feed = check(rss(items).encode())
    assert feed is not None
    assert len(feed.entries) == 500


def test_unusual_dates_are_read_as_feedparser_reads_them() -> None:
    dates = [
        "Fri, 20 Nov 2026 08:00:00 +0530",
        "20 Nov 2026 08:00:00 -0000",
        "Fri, 20 Nov 26 08:00 EST",
        "Fri, 31 Feb 2026 08:00:00 GMT",
        "2026-11-20",
        "2026-11-20T08:00:00.123456+01:00",
        "2026-11-20 08:00:00",
        "next Tuesday",
        "",
    ]
    items = [
        f"<item><guid>g{n}</guid><title>t</title><pubDate>{d}</pubDate></item>"
        for n, d in enumerate(dates)
    ]
    body = f'<rss version="2.0"><channel><title>T</title>{"".join(items)}</channel></rss>'
    assert check(body.encode()) is not None


# Text that exercises XML escaping, HTML, entities, whitespace and non-ASCII.
_TEXT = st.lists(
    st.sampled_from(
        [
            *list("ab <>&\"'\n\t;#/=é–“”\x93\xa0"),
            "<p>",
            "</p>",
            "<b>",
            "</b>",
            "<script>",
            "</script>",
            "&amp;",
            "&#169;",
            "&lt;",
            "<!channel>",
            "<@U1>",
            "Ã©",
            "<a href='x'>",
            "</a>",
            "<br/>",
            "&nbsp;",
            "<li>",
            "</li>",
            "<br>",
            "</br>",
            "&#150;",
            "<div>",
            "<p/>",
        ]
    ),
    max_size=12,
).map("".join)
_DATE = st.one_of(
    st.datetimes(timezones=st.timezones()).map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S %z")),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.sampled_from(["", "garbage", "2026-11-20", "Fri, 20 Nov 2026 08:00 PST", "2026-W47"]),
)


def _xml(text: str, cdata: bool) -> str:
    if cdata and "]]>" not in text:
        return f"<![CDATA[{text}]]>"
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def rss_documents(draw: st.DrawFn) -> str:
    items = []
    for n in range(draw(st.integers(1, 4))):
        parts = [f"<title>{_xml(draw(_TEXT), draw(st.booleans()))}</title>"]
        if draw(st.booleans()):
            permalink = draw(st.sampled_from(["", ' isPermaLink="false"', ' isPermaLink="true"']))
            parts.append(f"<guid{permalink}>{_xml(draw(_TEXT), False) or 'g'}{n}</guid>")
        if draw(st.booleans()):
            parts.append(f"<link>https://x.example/{n}?a=1&amp;b={_xml(draw(_TEXT), False)}</link>")
        if draw(st.booleans()):
            parts.append(f"<description>{_xml(draw(_TEXT), draw(st.booleans()))}</description>")
        if draw(st.booleans()):
            parts.append(f"<pubDate>{draw(_DATE)}</pubDate>")
        items.append("<item>" + "".join(draw(st.permutations(parts))) + "</item>")
    title = _xml(draw(_TEXT), False)
    ttl = draw(st.sampled_from(["", "<ttl>30</ttl>", "<ttl> 5 </ttl>", "<ttl>x</ttl>"]))
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}'
        f"</title>{ttl}{''.join(items)}</channel></rss>"
    )


@st.composite
def atom_documents(draw: st.DrawFn) -> str:
    entries = []
    for n in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["", ' type="text"', ' type="html"']))
        parts = [f"<title{kind}>{_xml(draw(_TEXT), draw(st.booleans()))}</title>"]
        if draw(st.booleans()):
            parts.append(f"<id>urn:{n}:{_xml(draw(_TEXT), False)}</id>")
        for rel in draw(st.lists(st.sampled_from(["", ' rel="alternate"', ' rel="related"']))):
            parts.append(f'<link{rel} href="https://x.example/{n}/{len(parts)}"/>')
        for tag in ("summary", "content"):
            if draw(st.booleans()):
                kind = draw(st.sampled_from(["", ' type="text"', ' type="html"']))
                parts.append(f"<{tag}{kind}>{_xml(draw(_TEXT), draw(st.booleans()))}</{tag}>")
        for tag in ("published", "updated"):
            if draw(st.booleans()):
                parts.append(f"<{tag}>{draw(_DATE)}</{tag}>")
        entries.append("<entry>" + "".join(draw(st.permutations(parts))) + "</entry>")
    return atom("".join(entries), title=_xml(draw(_TEXT), False))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(rss_documents(), atom_documents()))
def test_random_rss_and_atom_documents_are_read_alike(document: str) -> None:
    check(document.encode())
