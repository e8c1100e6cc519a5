"""Turning untrusted feed HTML into plain text."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset({"p", "br", "div", "li", "h1", "h2", "h3", "h4", "tr", "blockquote"})
_SKIP_TAGS = frozenset({"script", "style", "template", "noscript"})
_SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")
_LINES = re.compile(r"\s*\n\s*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


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
    if "<" in html:
        collector = _Collector()
        collector.feed(html[: limit * 4])
        collector.close()
        text = "".join(collector.parts)
    else:
        text = unescape(html)
    text = _CONTROL.sub("", text)
    text = _LINES.sub("\n", _SPACE.sub(" ", text)).strip()
    return text[:limit]


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
