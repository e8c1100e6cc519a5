"""Words for the codes of ``Assessment.missing``, from the ``[missing]`` table of ``clarity.toml``."""

from __future__ import annotations

from functools import cache

from bot.domain.models import Gap

from .lexicon import load


@cache
def _table() -> tuple[dict[str, str], dict[str, str]]:
    spec = dict(load("clarity.toml")["missing"])
    given = {str(k): str(v) for k, v in spec.pop("given", {}).items()}
    return {str(k): str(v) for k, v in spec.items()}, given


def describe(gap: Gap | str) -> str:
    """What the item lacks, in words: ``no volumes``, ``conditional on talks making progress``
    (a bare string, as in an assessment copied without validation, is its own code)."""
    if isinstance(gap, str):
        gap = Gap(code=gap)
    words = _table()[0].get(gap.code)
    return words.format(detail=gap.detail).strip() if words else gap.code


def given(gap: Gap | str) -> str:
    """What a later item supplied: ``volumes now given``."""
    if isinstance(gap, str):
        gap = Gap(code=gap)
    words = _table()[1].get(gap.code)
    return words.format(detail=gap.detail).strip() if words else f"{describe(gap)}: resolved"
