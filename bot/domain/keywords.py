"""Keyword filters for routes: ``rare earth* AND (licen* OR quota) NOT "oil"``.

Grammar (operators in capitals; a lower-case ``and`` is an ordinary word)::

    expression := term ("OR" term)*
    term       := factor (["AND"] factor)*      adjacent factors must all match
    factor     := "NOT" factor | "(" expression ")" | word | "quoted phrase"

A word matches a whole word of the text, case-insensitively; a trailing ``*`` matches any ending
(``licen*``: licence, licensing). A quoted phrase matches its words in that order, separated only
by spaces or punctuation; its last word may end in ``*`` too. Pure: parsing and matching only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

OPERATORS = {"AND", "OR", "NOT"}
_SPECIAL = '()"'


class MatchSyntaxError(ValueError):
    """A malformed expression; ``position`` is the 1-based character where it went wrong."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position}")
        self.position = position


@dataclass(frozen=True)
class Term:
    pattern: re.Pattern[str]

    def matches(self, text: str) -> bool:
        return self.pattern.search(text) is not None


@dataclass(frozen=True)
class Not:
    operand: Expr

    def matches(self, text: str) -> bool:
        return not self.operand.matches(text)


@dataclass(frozen=True)
class AllOf:
    operands: tuple[Expr, ...]

    def matches(self, text: str) -> bool:
        return all(o.matches(text) for o in self.operands)


@dataclass(frozen=True)
class AnyOf:
    operands: tuple[Expr, ...]

    def matches(self, text: str) -> bool:
        return any(o.matches(text) for o in self.operands)


Expr = Term | Not | AllOf | AnyOf


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "phrase", "(", ")", "AND", "OR", "NOT", "end"
    text: str
    position: int  # 1-based


def _word_pattern(words: list[str], position: int) -> re.Pattern[str]:
    parts = []
    for i, word in enumerate(words):
        stem = word.removesuffix("*")
        if "*" in stem or (word.endswith("*") and i < len(words) - 1):
            raise MatchSyntaxError(
                f"'*' is allowed only at the end of a word or phrase ({word!r})", position
            )
        if not stem:
            raise MatchSyntaxError("a '*' needs some letters before it", position)
        parts.append(re.escape(stem) + (r"\w*" if word.endswith("*") else ""))
    return re.compile(r"(?<!\w)" + r"\W+".join(parts) + r"(?!\w)", re.IGNORECASE)


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char, char, i + 1))
            i += 1
        elif char == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise MatchSyntaxError("unclosed quoted phrase: expected a closing '\"'", i + 1)
            words = text[i + 1 : end].split()
            if not words:
                raise MatchSyntaxError(
                    "empty quoted phrase: expected words inside the quotes", i + 1
                )
            tokens.append(_Token("phrase", text[i + 1 : end], i + 1))
            i = end + 1
        else:
            start = i
            while i < len(text) and not text[i].isspace() and text[i] not in _SPECIAL:
                i += 1
            word = text[start:i]
            kind = word if word in OPERATORS else "word"
            tokens.append(_Token(kind, word, start + 1))
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self._tokens = _tokens(text)
        self._at = 0

    def _peek(self) -> _Token:
        return self._tokens[self._at]

    def _next(self) -> _Token:
        token = self._tokens[self._at]
        self._at += 1
        return token

    def parse(self) -> Expr:
        expr = self._expression()
        token = self._peek()
        if token.kind != "end":
            found = "')' without a matching '('" if token.kind == ")" else repr(token.text)
            raise MatchSyntaxError(f"expected AND, OR or the end, found {found}", token.position)
        return expr

    def _expression(self) -> Expr:
        operands = [self._term()]
        while self._peek().kind == "OR":
            self._next()
            operands.append(self._term())
        return operands[0] if len(operands) == 1 else AnyOf(tuple(operands))

    def _term(self) -> Expr:
        operands = [self._factor()]
        while self._peek().kind in ("AND", "NOT", "word", "phrase", "("):
            if self._peek().kind == "AND":
                self._next()
            operands.append(self._factor())
        return operands[0] if len(operands) == 1 else AllOf(tuple(operands))

    def _factor(self) -> Expr:
        token = self._next()
        if token.kind == "NOT":
            return Not(self._factor())
        if token.kind == "(":
            inner = self._expression()
            close = self._next()
            if close.kind != ")":
                raise MatchSyntaxError(
                    f"expected ')' to close the '(' at position {token.position}, found "
                    + (repr(close.text) if close.kind != "end" else "the end"),
                    close.position,
                )
            return inner
        if token.kind == "word":
            return Term(_word_pattern([token.text], token.position))
        if token.kind == "phrase":
            return Term(_word_pattern(token.text.split(), token.position))
        found = "the end" if token.kind == "end" else repr(token.text)
        raise MatchSyntaxError(
            f"expected a word, a quoted phrase, NOT or '(', found {found}", token.position
        )


@cache
def parse_match(text: str) -> Expr:
    """The expression ``text`` as a matcher. Raises MatchSyntaxError saying where and what was
    expected."""
    if not text.strip():
        raise MatchSyntaxError("empty expression: expected a word or a quoted phrase", 1)
    return _Parser(text).parse()


def text_matches(expression: str, *texts: str) -> bool:
    """True when the texts (e.g. an item's title and text), read together, satisfy ``expression``."""
    return parse_match(expression).matches("\n".join(texts))
