"""Builders for RSS documents used by the tests (text written for the tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

BASE_TIME = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def rss_item(
    guid: str, title: str, description: str, *, minutes: int = 0, link: str | None = None
) -> str:
    when = (BASE_TIME + timedelta(minutes=minutes)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    return (
        f'<item><guid isPermaLink="false">{escape(guid)}</guid><title>{escape(title)}</title>'
        f"<link>{escape(link or 'https://news.example.org/' + guid)}</link>"
        f"<description>{escape(description)}</description><pubDate>{when}</pubDate></item>"
    )


def rss(items: list[str], title: str = "Test Wire") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://news.example.org/</link>"
        f"<description>test feed</description>{''.join(items)}</channel></rss>"
    )


TARIFF_TITLE = "US imposes 25% tariffs on Chinese electric vehicles from 1 December"
TARIFF_TEXT = (
    "The Office of the US Trade Representative said on Thursday it will impose tariffs of 25% on "
    "electric vehicles imported from China, effective 1 December, under a Section 301 determination "
    "published in the Federal Register. Beijing's commerce ministry vowed to retaliate."
)
IRRELEVANT_TITLE = "Local bakery wins regional bread award"
IRRELEVANT_TEXT = (
    "A family bakery in the valley won first prize for its sourdough at the county fair."
)

_GOODS = [
    "steel",
    "aluminium",
    "solar panels",
    "EV batteries",
    "drones",
    "copper",
    "graphite",
    "lithium",
    "cranes",
    "tyres",
    "glass",
    "ceramics",
    "timber",
    "fertiliser",
    "pork",
]
_PARTNERS = [
    "Japan",
    "Germany",
    "Mexico",
    "Vietnam",
    "India",
    "Brazil",
    "Canada",
    "Korea",
    "Turkey",
    "Egypt",
    "Chile",
    "Kenya",
    "Peru",
]
_SYLLABLES = ["zor", "vel", "kam", "tri", "pax", "lun", "mer", "dax", "qui", "ron", "sol", "tek"]


def firm(n: int) -> str:
    """A unique invented company name for item ``n``."""
    a, b, c = _SYLLABLES[n % 12], _SYLLABLES[(n // 12) % 12], _SYLLABLES[(n // 144) % 12]
    return f"{a.title()}{b}{c} Industrial"


def distinct_story(n: int) -> tuple[str, str]:
    """Title and text of a relevant story unlike every other ``n``: its own acting state, firm,
    goods, partner and figures, so that story clustering keeps them apart."""
    goods, partner = _GOODS[n % len(_GOODS)], _PARTNERS[(n * 7) % len(_PARTNERS)]
    name, rate, qty = firm(n), 11 + n, 1000 + 37 * n
    shapes = [
        (
            f"US imposes {rate}% duties on {goods} from {partner} maker {name}",
            f"Washington set {rate}% anti-dumping duties on {goods} made by {name} in {partner}, "
            f"the Commerce Department said, after finding sales below cost.",
        ),
        (
            f"China adds {name} to unreliable entity list over {goods} sales to {partner}",
            f"Beijing's commerce ministry barred {name} from trading with Chinese firms, citing "
            f"{goods} deliveries of {qty} tonnes to {partner} that it called a security risk.",
        ),
        (
            f"EU opens anti-subsidy probe into {name} {goods}, eyes {rate}% levy",
            f"The European Commission began an investigation into subsidies for {goods} exported by "
            f"{name} from {partner} and may propose a provisional {rate}% levy within months.",
        ),
        (
            f"Japan curbs {goods} exports to {partner} after {name} licence breach",
            f"Tokyo's trade ministry capped licences for {goods} shipments to {partner} at {qty} "
            f"tonnes a year after {name} exceeded its permit, officials said.",
        ),
    ]
    return shapes[n % 4]
