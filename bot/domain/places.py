"""Which states an English news text names: countries and blocs by name, demonym, capital or seat
of government, mapped to one code ("Ottawa", "Canadian" and "Canada" are all ``CA``).

Every ISO 3166 country is known by its names, as the scorer knows them; the hand-written table
adds demonyms, capitals, metonyms and blocs, and wins where both know a word.
"""

from __future__ import annotations

import re
import unicodedata

from bot.domain.scoring.engine import country_names
from bot.domain.scoring.lexicon import load

_NAMED: dict[str, str] = {
    "china": "CN", "chinese": "CN", "beijing": "CN", "prc": "CN", "mofcom": "CN",
    "us": "US", "usa": "US", "united states": "US", "america": "US", "american": "US",
    "washington": "US", "white house": "US", "ustr": "US",
    "eu": "EU", "european union": "EU", "europe": "EU", "european": "EU", "brussels": "EU",
    "uk": "UK", "britain": "UK", "british": "UK", "united kingdom": "UK", "london": "UK",
    "japan": "JP", "japanese": "JP", "tokyo": "JP",
    "south korea": "KR", "south korean": "KR", "korea": "KR", "korean": "KR", "seoul": "KR",
    "india": "IN", "indian": "IN", "new delhi": "IN", "delhi": "IN",
    "russia": "RU", "russian": "RU", "moscow": "RU", "kremlin": "RU",
    "canada": "CA", "canadian": "CA", "ottawa": "CA",
    "mexico": "MX", "mexican": "MX",
    "turkey": "TR", "turkish": "TR", "ankara": "TR",
    "netherlands": "NL", "dutch": "NL", "the hague": "NL",
    "germany": "DE", "german": "DE", "berlin": "DE",
    "france": "FR", "french": "FR", "paris": "FR",
    "taiwan": "TW", "taiwanese": "TW", "taipei": "TW",
    "vietnam": "VN", "vietnamese": "VN", "hanoi": "VN",
    "brazil": "BR", "brazilian": "BR",
    "australia": "AU", "australian": "AU", "canberra": "AU",
    "iran": "IR", "iranian": "IR", "tehran": "IR",
    "ukraine": "UA", "ukrainian": "UA", "kyiv": "UA",
}  # fmt: skip


def _iso_names() -> dict[str, str]:
    """ISO 3166 names of every country and territory, as the scorer knows them ("peru",
    "republic of korea"), less those as often people or US states ("jordan", "georgia")."""
    skip = frozenset(load("actors.toml").get("countries", {}).get("skip", ()))
    names: dict[str, str] = {}
    for name, code in country_names():
        folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
        if folded not in skip:
            names[" ".join(_WORD_RE.findall(folded))] = code
    return names


_WORD_RE = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
PLACES: dict[str, str] = {**_iso_names(), **_NAMED}
PLACE_WORDS = frozenset(w for key in PLACES for w in key.split())
_SIZES: dict[str, tuple[int, ...]] = {}
"""For each first word of a name, the lengths in words of the names it begins, longest first."""
for _key in PLACES:
    _first, *_rest = _key.split()
    _SIZES[_first] = tuple(sorted({*_SIZES.get(_first, ()), 1 + len(_rest)}, reverse=True))


def places(cleaned: str) -> frozenset[str]:
    """Codes of the countries and blocs named in lowercase text, longest name first
    ("south africa" is ZA, not a stray "africa")."""
    words = _WORD_RE.findall(cleaned)
    found = set()
    i = 0
    while i < len(words):
        for size in _SIZES.get(words[i], ()):
            if i + size > len(words):
                continue
            code = PLACES.get(" ".join(words[i : i + size]) if size > 1 else words[i])
            if code is not None:
                found.add(code)
                i += size - 1
                break
        i += 1
    return frozenset(found)
