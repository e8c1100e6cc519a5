"""The scoring engine: relevance, direction, commitment clarity, hedging, snap-back and evidence.

    from bot.domain.scoring import RuleScorer
    assessment = RuleScorer().score(article)

Pure: standard library and pydantic only; lexicons are versioned TOML files in ``lexicons/``.
"""

from .lexicon import versions as lexicon_versions
from .scorer import RuleScorer

__all__ = ["RuleScorer", "lexicon_versions"]
