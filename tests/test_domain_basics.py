import re
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.config import FeedSpec, Polling, Route
from bot.domain.identity import canonical_link, item_key
from bot.domain.models import Assessment, ClarityBand, Item, Label
from bot.domain.routing import matching_routes, route_matches
from bot.domain.schedule import FeedState, after_error, after_success, is_due
from bot.domain.text import fold_text, html_to_text, parsed_html_text, shorten

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def assessment(**overrides: object) -> Assessment:
    data: dict[str, object] = {
        "relevant": True,
        "label": Label.ESCALATION,
        "escalation": 6.0,
        "clarity": 75,
        "clarity_band": ClarityBand.COMMITMENT,
        "hedged": False,
        "topics": ["tariffs"],
        "actors": ["US", "CN"],
    }
    data.update(overrides)
    return Assessment.model_validate(data)


ITEM = Item(key="guid:1", feed="wire", title="t")


def test_item_key_prefers_guid_then_canonical_link_then_hash() -> None:
    assert item_key("abc", "https://x.org/a", "t", "s") == "guid:abc"
    assert (
        item_key("", "HTTPS://X.org:443/a?utm_source=rss&b=2#frag", "t", "s")
        == "link:https://x.org/a?b=2"
    )
    hashed = item_key("", "", "title", "summary")
    assert hashed.startswith("hash:")
    assert hashed == item_key("", "", "title ", " summary")
    assert hashed != item_key("", "", "other", "summary")


def test_canonical_link_keeps_meaningful_query_and_port() -> None:
    assert canonical_link("http://x.org:8080/p?z=1&a=2") == "http://x.org:8080/p?a=2&z=1"


def test_html_to_text_drops_tags_scripts_and_bidi_controls() -> None:
    html = "<p>Tariffs &amp; <b>chips</b></p><script>alert(1)</script>\u202eevil"
    assert html_to_text(html) == "Tariffs & chips\nevil"


def test_shorten_cuts_at_a_word_with_an_ellipsis() -> None:
    assert shorten("one two three four five", 16) == "one two three…"
    assert shorten("short", 12) == "short"


def test_routes_filter_on_every_field() -> None:
    route = Route.model_validate(
        {
            "name": "r",
            "to": "console",
            "topics": ["tariffs"],
            "actors": ["cn"],
            "min_escalation": 5,
            "labels": ["escalation"],
            "clarity": ["commitment"],
        }
    )
    assert route_matches(route, ITEM, assessment())
    assert not route_matches(route, ITEM, assessment(relevant=False))
    assert not route_matches(route, ITEM, assessment(topics=["visas"]))
    assert not route_matches(route, ITEM, assessment(actors=["EU"]))
    assert not route_matches(route, ITEM, assessment(escalation=-4.0))
    assert not route_matches(route, ITEM, assessment(label=Label.MIXED))
    assert not route_matches(route, ITEM, assessment(clarity=20, clarity_band=ClarityBand.SIGNAL))
    assert route_matches(route, ITEM, assessment(escalation=-5.0))  # |escalation| counts


def test_one_alert_per_destination() -> None:
    routes = [
        Route.model_validate({"name": "a", "to": "slack:C1"}),
        Route.model_validate({"name": "b", "to": "slack:C1", "topics": ["tariffs"]}),
        Route.model_validate({"name": "c", "to": "console"}),
    ]
    assert [r.name for r in matching_routes(routes, ITEM, assessment())] == ["a", "c"]


def test_schedule_adapts_to_change_within_bounds() -> None:
    spec = FeedSpec(name="f", url="https://x.org/")
    policy = Polling(
        interval=timedelta(minutes=20),
        min_interval=timedelta(minutes=5),
        max_interval=timedelta(hours=2),
    )
    state = FeedState(name="f")
    assert is_due(state, NOW)
    changed, _ = after_success(state, spec, policy, now=NOW, changed=True)
    assert changed == 600
    unchanged, at = after_success(state, spec, policy, now=NOW, changed=False)
    assert unchanged == 1800
    assert at == NOW + timedelta(seconds=1800)
    slow = FeedState(name="f", interval_s=7000)
    assert after_success(slow, spec, policy, now=NOW, changed=False)[0] == 7200
    hinted, _ = after_success(state, spec, policy, now=NOW, changed=True, server_min_s=3600)
    assert hinted == 3600


def test_errors_back_off_exponentially_and_honour_retry_after() -> None:
    spec = FeedSpec(name="f", url="https://x.org/")
    policy = Polling(interval=timedelta(minutes=10), max_interval=timedelta(hours=1))
    first = after_error(FeedState(name="f"), spec, policy, now=NOW)
    third = after_error(FeedState(name="f", error_count=2), spec, policy, now=NOW)
    assert first - NOW == timedelta(minutes=10)
    assert third - NOW == timedelta(minutes=40)
    capped = after_error(FeedState(name="f", error_count=9), spec, policy, now=NOW)
    assert capped - NOW == timedelta(hours=1)
    told = after_error(FeedState(name="f"), spec, policy, now=NOW, retry_after_s=1800)
    assert told - NOW == timedelta(minutes=30)


_HTML_TOKENS = st.sampled_from(
    ["a", " ", "\n", "\r", "\t", ">", "'", "é", "\x93", "\u00a0", "&", "&am", "p;", "&amp;",
     "&amp", "&lt;", "&nbsp;", "&#169;", "&#10;", "&#13;", "&#150;", "&#x41;", "&#", "&bogus;",
     "<p>", "</p>", "<P>", "<br>", "<br/>", "<br />", "</br>", "<b>", "</b>", "<li>", "</li>",
     "<ul>", "<div>", "</div>", "<span>", "<h1>", "</h1>", "<h5>", "<blockquote>", "<code>",
     "<script>", "</script>", "<a href='x'>", "</a>", "<!-- c -->", "<"]
)  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(_HTML_TOKENS, max_size=20).map("".join))
def test_simple_html_is_read_as_the_html_parser_reads_it(html: str) -> None:
    assert html_to_text(html) == fold_text(parsed_html_text(html))


@given(st.text(alphabet=st.sampled_from("ab \t\r\n\f\v\u00a0\u200b\u202e\x00\x85\u3000")))
def test_fold_text_folds_every_space_run_to_one_space_and_every_line_break_run_to_one(
    text: str,
) -> None:
    control = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e]", "", text)
    spaced = re.sub(r"[ \t\r\f\v\u00a0]+", " ", control)
    assert fold_text(text) == re.sub(r"\s*\n\s*", "\n", spaced).strip()
