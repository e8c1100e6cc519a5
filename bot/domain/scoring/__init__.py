"""The scoring engine: relevance, direction, commitment clarity, hedging, snap-back and evidence.

    from bot.domain.scoring import RuleScorer
    assessment = RuleScorer().score(article)

Pure: standard library and pydantic only; lexicons are versioned TOML files in ``lexicons/``.
The names below are imported when first used, so that reading a lexicon (``.lexicon``) does not
load the engine.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .gaps import describe as describe_gap
    from .gaps import given as gap_given
    from .lexicon import versions as lexicon_versions
    from .scorer import RuleScorer

__all__ = ["RuleScorer", "describe_gap", "gap_given", "lexicon_versions"]

_WHERE = {
    "RuleScorer": (".scorer", "RuleScorer"),
    "describe_gap": (".gaps", "describe"),
    "gap_given": (".gaps", "given"),
    "lexicon_versions": (".lexicon", "versions"),
}


def __getattr__(name: str) -> Any:
    try:
        module, attr = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(import_module(module, __name__), attr)
    globals()[name] = value
    return value
