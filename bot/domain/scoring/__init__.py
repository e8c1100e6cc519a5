"""The scoring engine: relevance, direction, commitment clarity, hedging, snap-back and evidence.

    from bot.domain.scoring import RuleScorer
    assessment = RuleScorer().score(article)

Pure: standard library and pydantic only; lexicons are versioned TOML files in ``lexicons/``.
"""

from .gaps import describe as describe_gap
from .gaps import given as gap_given
from .lexicon import versions as lexicon_versions
from .scorer import RuleScorer

__all__ = ["RuleScorer", "describe_gap", "gap_given", "lexicon_versions"]
