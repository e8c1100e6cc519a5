"""The route keyword filter: what an expression matches, what a malformed one is told, and
routes with it reading back equal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.commands import RouteCommand, parse_command
from bot.domain.config import Route
from bot.domain.keywords import MatchSyntaxError, parse_match, text_matches
from bot.domain.models import Label
from bot.domain.vocabulary import actor_codes, topic_names
from bot.services.chat import describe_route

EXPRESSION = 'rare earth* AND (licen* OR quota) NOT "oil"'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("China tightens Rare Earths export LICENCES", True),
        ("Rare-earth quota cut", True),  # punctuation separates words
        ("rare earth quota cut as oil prices fall", False),  # NOT "oil"
        ("rare earth quota cut; spoiled harvest", True),  # whole words only: spoiled is not oil
        ("rare earth quotas", False),  # quota without * is the whole word
        ("earth rare licence", True),  # adjacent terms need not be adjacent in the text
        ("rare metals licence", False),
    ],
)
def test_the_documented_expression(text: str, expected: bool) -> None:
    assert text_matches(EXPRESSION, text) is expected


def test_phrases_keep_their_word_order_and_may_end_in_a_wildcard() -> None:
    assert text_matches('"export control*"', "new Export-Controls on chips")
    assert not text_matches('"export control*"', "controls on export")
    assert text_matches('"U.S. tariffs"', "the U.S. tariffs rose")
    assert text_matches("china's", "China's exports")


def test_lower_case_operators_are_words() -> None:
    assert text_matches("salt and pepper", "salt, pepper and more")
    assert not text_matches("salt and pepper", "salt, pepper or more")


@pytest.mark.parametrize(
    ("expression", "position", "expected"),
    [
        ("", 1, "empty expression"),
        ("a AND", 6, "expected a word, a quoted phrase, NOT or '(', found the end"),
        ("a OR OR b", 6, "found 'OR'"),
        ("(a OR b", 8, "expected ')' to close the '(' at position 1, found the end"),
        ("a b)", 4, "found ')' without a matching '('"),
        ('a "b c', 3, "unclosed quoted phrase"),
        ('a ""', 3, "empty quoted phrase"),
        ("ab*c", 1, "'*' is allowed only at the end"),
        ('"a* b"', 1, "'*' is allowed only at the end"),
        ("x *", 3, "a '*' needs some letters before it"),
        ("NOT", 4, "found the end"),
    ],
)
def test_malformed_expressions_say_where_and_what_was_expected(
    expression: str, position: int, expected: str
) -> None:
    with pytest.raises(MatchSyntaxError) as caught:
        parse_match(expression)
    assert caught.value.position == position
    assert expected in str(caught.value)
    assert str(caught.value).endswith(f"at position {position}")


WORDS = ["alpha", "beta", "gamma", "delta"]
Tree = str | tuple[str, "Tree"] | tuple[str, "Tree", "Tree"]


def trees() -> st.SearchStrategy[Tree]:
    return st.recursive(
        st.sampled_from(WORDS),
        lambda inner: st.one_of(
            st.tuples(st.just("NOT"), inner),
            st.tuples(st.sampled_from(["AND", "OR", ""]), inner, inner),
        ),
        max_leaves=8,
    )


def render(tree: Tree) -> str:
    if isinstance(tree, str):
        return tree
    if len(tree) == 2:
        return f"NOT ({render(tree[1])})"
    op, left, right = tree
    return f"({render(left)}) {op} ({render(right)})".replace("  ", " ")


def truth(tree: Tree, present: set[str]) -> bool:
    if isinstance(tree, str):
        return tree in present
    if len(tree) == 2:
        return not truth(tree[1], present)
    op, left, right = tree
    if op == "OR":
        return truth(left, present) or truth(right, present)
    return truth(left, present) and truth(right, present)


@given(trees(), st.sets(st.sampled_from(WORDS)))
def test_any_expression_means_its_boolean_formula(tree: Tree, present: set[str]) -> None:
    text = "news: " + ", ".join(sorted(present)) + "."
    assert text_matches(render(tree), text) is truth(tree, present)


@given(
    topics=st.lists(st.sampled_from(topic_names()), max_size=3, unique=True),
    actors=st.lists(st.sampled_from(actor_codes()), max_size=3, unique=True),
    labels=st.lists(st.sampled_from([label.value for label in Label]), max_size=2, unique=True),
    minimum=st.sampled_from([0.0, 1.0, 2.5, 10.0]),
    match=st.one_of(st.none(), trees().map(render), st.just('rare earth* NOT "oil"')),
    relevant_only=st.booleans(),
)
def test_a_route_added_from_chat_reads_back_equal(
    topics: list[str],
    actors: list[str],
    labels: list[str],
    minimum: float,
    match: str | None,
    relevant_only: bool,
) -> None:
    route = Route.model_validate(
        {
            "name": "desk",
            "to": "slack:C0DESK",
            "topics": topics,
            "actors": actors,
            "labels": labels,
            "min_escalation": minimum,
            "match": match,
            "relevant_only": relevant_only,
        }
    )
    assert Route.model_validate_json(route.model_dump_json()) == route  # as the store keeps it
    described = describe_route(route)
    if "(every relevant item)" not in described:  # what `route list` shows, typed back in
        command = parse_command(f"route add {described}")
        assert isinstance(command, RouteCommand)
        assert command.to_route(route.to) == route
