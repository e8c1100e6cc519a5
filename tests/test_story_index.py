"""The story index answers exactly what ``match_story`` answers over the same candidates in order,
while comparing the new item with fewer of them."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.feed_farm import item_text
from bot.domain.stories import (
    StoryCandidate,
    _facts,
    _features,
    _overlap,
    _score,
    _score_bound,
    match_story,
)
from bot.domain.story_index import StoryIndex
from bot.domain.story_index import _facts as _masked_facts

FIXTURE = Path(__file__).parent / "fixtures" / "story_pairs.jsonl"
T0 = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)


def _fixture_items() -> list[StoryCandidate]:
    out = []
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for side in ("a", "b"):
            item = row[side]
            published = datetime.fromisoformat(item["published"].replace("Z", "+00:00"))
            out.append(
                StoryCandidate(
                    story_id=f"{row['id']}{side}",
                    title=item["title"],
                    lead=item["lead"],
                    published=published,
                    actors=tuple(item.get("actors", ())),
                    topics=tuple(item.get("topics", ())),
                )
            )
    return out


def _generated(rng: random.Random, n: int) -> list[StoryCandidate]:
    out = []
    for k in range(n):
        title, text = item_text(rng, relevant=0.9)
        published = None if k % 17 == 0 else T0 + timedelta(hours=rng.uniform(-60, 60))
        out.append(StoryCandidate(story_id=f"g{k}", title=title, lead=text, published=published))
    return out


def _replay(items: list[StoryCandidate], initial: int) -> list[tuple[str | None, str | None]]:
    """Each item matched by the index and by ``match_story``, then added in front of both, as a
    poll cycle adds the items it ingests."""
    listed = list(items[:initial])
    index = StoryIndex(listed)
    answers = []
    for item in items[initial:]:
        expected = match_story(item, listed)
        got = index.match(item)
        answers.append((got, expected))
        story = got or item.story_id
        joined = item.model_copy(update={"story_id": story})
        listed.insert(0, joined)
        index.add_front(joined)
    return answers


def test_index_matches_like_the_list_on_the_story_pairs() -> None:
    items = _fixture_items()
    random.Random(3).shuffle(items)  # noqa: S311 (a fixed order)
    answers = _replay(items, initial=len(items) // 3)
    assert all(got == expected for got, expected in answers)
    assert any(expected is not None for _, expected in answers)  # some items join a story


def test_index_matches_like_the_list_on_alike_generated_stories() -> None:
    """Template stories share most words: many candidates are close, several tie."""
    items = _generated(random.Random(11), 400)  # noqa: S311
    answers = _replay(items, initial=50)
    assert [got for got, _ in answers] == [expected for _, expected in answers]
    assert sum(expected is not None for _, expected in answers) > 20


def test_index_matches_like_the_list_when_actors_or_topics_part() -> None:
    """Disjoint actors or topics take 0.15 each off a score: the index leaves a candidate out
    only when it could not win with that taken off, never one the list would pick."""
    rng = random.Random(7)  # noqa: S311
    items = [
        item.model_copy(
            update={
                "actors": tuple(rng.sample(["US", "CN", "EU", "JP"], rng.randrange(0, 3))),
                "topics": tuple(
                    rng.sample(["tariffs", "chips", "rare earths"], rng.randrange(0, 2))
                ),
            }
        )
        for item in _generated(rng, 400)
    ]
    answers = _replay(items, initial=50)
    assert [got for got, _ in answers] == [expected for _, expected in answers]
    assert sum(expected is not None for _, expected in answers) > 20


def test_short_candidates_sharing_only_common_words_are_still_found() -> None:
    """A short candidate can pass the pre-filter on common words alone."""
    old = StoryCandidate(story_id="short", title="Tariff rate", lead="", published=T0)
    new = StoryCandidate(
        story_id="n",
        title="Tariff rate plan on imports of many quite unusual widgets",
        lead="Officials described widgets, gadgets and sprockets at length.",
        published=T0,
    )
    index = StoryIndex([old])
    assert match_story(new, [old]) == "short"
    assert index.match(new) == "short"


def test_the_score_bound_is_never_below_the_score() -> None:
    items = _fixture_items() + _generated(random.Random(4), 60)  # noqa: S311
    feats = [_features(c.title, c.lead) for c in items]
    pairs = 0
    for a, fa in zip(items, feats, strict=True):
        for b, fb in zip(items, feats, strict=True):
            score = _score(fa, fb, a, b)
            assert score <= max(0.0, _score_bound(fa, fb, _overlap(fa, fb))) + 1e-12
            pairs += 1
    assert pairs > 10_000


def test_the_facts_over_masks_are_the_facts_over_sets() -> None:
    items = _fixture_items() + _generated(random.Random(5), 60)  # noqa: S311
    index = StoryIndex(items)
    feats = [_features(c.title, c.lead) for c in items]
    masks = [index._masks(f) for f in feats]
    for fa, ma in zip(feats, masks, strict=True):
        for fb, mb in zip(feats, masks, strict=True):
            assert _masked_facts(ma, mb) == _facts(fa, fb)  # equal floats, not merely close
