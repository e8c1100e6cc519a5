"""Which states a text names: the longest name at each word wins, wherever it stands."""

from __future__ import annotations

import itertools
import re

from bot.domain.places import PLACES, places

_WORD_RE = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_LONGEST = max(len(key.split()) for key in PLACES)


def _every_length(cleaned: str) -> frozenset[str]:
    """The reading by definition: at each word, every length from the longest name down."""
    words = _WORD_RE.findall(cleaned)
    found = set()
    i = 0
    while i < len(words):
        for size in range(min(_LONGEST, len(words) - i), 0, -1):
            code = PLACES.get(" ".join(words[i : i + size]))
            if code is not None:
                found.add(code)
                i += size - 1
                break
        i += 1
    return frozenset(found)


def test_the_longest_name_wins_over_a_shorter_one_inside_it() -> None:
    assert places("tariffs on south africa and the united states") == {
        PLACES["south africa"],
        PLACES["united states"],
    }
    assert PLACES["south africa"] != PLACES.get("africa")


def test_every_name_is_found_alone_between_words_and_at_the_end() -> None:
    names = sorted(PLACES)
    texts = [
        *names,
        *(f"the {name} said" for name in names),
        *(f"{a} {b}" for a, b in itertools.pairwise(names)),
        *(f"talks with {a} {b[: len(b) // 2]}" for a, b in itertools.pairwise(names)),
    ]
    for text in texts:
        assert places(text) == _every_length(text), text
