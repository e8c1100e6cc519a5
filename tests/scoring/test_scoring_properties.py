"""The scorer never crashes and stays in range, whatever the input."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.models import Article
from bot.domain.scoring import RuleScorer
from bot.domain.scoring.text import MAX_SENTENCES

_SCORER = RuleScorer()
_WORDS = st.sampled_from(
    ["tariffs", "Beijing", "lifted", "not", "may", "U.S.", "August", "12", "%", "if", ",", ".",
     "threatened", "restore", "MOFCOM", "No.", "2025", "’s", "-", "\n", "İ", "ß", "🙂", "\x00"]
)  # fmt: skip


def _check(article: Article) -> None:
    a = _SCORER.score(article)
    assert -10.0 <= a.escalation <= 10.0
    assert 0 <= a.clarity <= 100
    assert a.clarity_band.value in {"signal", "conditional", "commitment"}
    assert len(a.summary) <= len(article.title) + len(article.text) + 2


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.text(max_size=200), text=st.text(max_size=2000))
def test_arbitrary_unicode(title: str, text: str) -> None:
    _check(Article(title=title, text=text))


@settings(max_examples=100, deadline=None)
@given(words=st.lists(_WORDS, max_size=400), day=st.integers(min_value=1, max_value=28))
def test_word_salad_with_dates(words: list[str], day: int) -> None:
    _check(Article(text=" ".join(words), published=datetime(2025, 2, day, tzinfo=UTC)))


def test_one_megabyte_is_capped() -> None:
    text = "Beijing imposed 10% tariffs on US soybeans effective August 1. " * 17_000
    assert len(text) > 1_000_000
    a = _SCORER.score(Article(text=text, published=datetime(2025, 6, 1, tzinfo=UTC)))
    assert a.relevant
    per_sentence = [e for e in a.evidence if e.kind == "escalation"]
    assert len({e.sentence for e in per_sentence}) <= MAX_SENTENCES


def test_one_megabyte_without_punctuation() -> None:
    _check(Article(text="x" * 1_000_000))
    _check(Article(text="tariff " * 150_000))
