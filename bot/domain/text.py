"""Turning untrusted feed HTML into plain text."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset({"p", "br", "div", "li", "h1", "h2", "h3", "h4", "tr", "blockquote"})
_SKIP_TAGS = frozenset({"script", "style", "template", "noscript"})
_SPACE = re.compile(r"[\t\r\f\v\u00a0][ \t\r\f\v\u00a0]*| [ \t\r\f\v\u00a0]+")
"""Runs of spaces other than one plain space (which would only be replaced by itself)."""
_LINES = re.compile(r"\s*\n\s*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


# Fragments made only of text and attribute-free formatting tags (the usual shape of a feed
# summary) are read without the HTML parser; the text is the same, several times sooner.
_SIMPLE_TAGS = r"p|b|i|u|em|strong|span|div|li|ul|ol|h[1-6]|blockquote|small|sub|sup|code"
_SIMPLE_HTML = re.compile(rf"(?:[^<]|</?(?:{_SIMPLE_TAGS})>|<br\s*/?>)*")
_SIMPLE_TAG = re.compile(rf"</?({_SIMPLE_TAGS})>|<(br)\s*/?>")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str, limit: int = 20_000) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, whitespace folded.

    Control and bidi-override characters are removed so that text cannot disguise itself.
    """
    if not html:
        return ""
    if "<" not in html:
        text = unescape(html)
    elif len(html) <= limit * 4 and _SIMPLE_HTML.fullmatch(html):
        text = _simple_text(html)
    else:
        text = parsed_html_text(html[: limit * 4])
    return fold_text(text, limit)


def fold_text(text: str, limit: int = 20_000) -> str:
    """Control and bidi-override characters removed, spaces and blank lines folded, cut."""
    text = _SPACE.sub(" ", _CONTROL.sub("", text))
    if "\n" in text:
        text = _LINES.sub("\n", text)
    return text.strip()[:limit]


def _simple_text(html: str) -> str:
    """What ``_Collector`` collects from a fragment that ``_SIMPLE_HTML`` matches."""
    parts: list[str] = []
    start = 0
    for tag in _SIMPLE_TAG.finditer(html):
        parts.append(unescape(html[start : tag.start()]))
        if (tag.group(1) or tag.group(2)) in _BLOCK_TAGS:
            parts.append("\n")
        start = tag.end()
    parts.append(unescape(html[start:]))
    return "".join(parts)


def parsed_html_text(html: str) -> str:
    """The text the HTML parser collects from a fragment (tags dropped, entities decoded)."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return "".join(collector.parts)


def one_line(text: str) -> str:
    """Fold all whitespace (including newlines) to single spaces."""
    return " ".join(text.split())


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary and add an ellipsis when ``text`` exceeds ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"
