"""Scale, main-event priority, hedging cues and tokenising: rules added in scorer v1.1."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.models import Article, Label
from bot.domain.scoring import RuleScorer
from bot.domain.scoring.lexicon import PhraseIndex
from bot.domain.scoring.text import render, split_sentences, tokenize, tokenize_all


def test_main_event_outweighs_the_event_it_governs(read) -> None:  # type: ignore[no-untyped-def]
    assert read("Ankara rejected a proposal to resume talks with Athens.").label is (
        Label.ESCALATION
    )
    assert read("Oslo urged both sides to halt the shelling.").label is Label.DEESCALATION
    assert read("Vienna refused to join the ceasefire agreement.").label is Label.ESCALATION
    assert read("Lima accused its neighbour of violating the trade agreement.").label is (
        Label.ESCALATION
    )


def test_one_material_move_is_not_extreme(read) -> None:  # type: ignore[no-untyped-def]
    a = read("Canberra imposed a 30% tariff on imported steel.")
    assert a.label is Label.ESCALATION
    assert 2.0 <= a.escalation <= 7.0


def test_several_cues_combine_sub_additively(read) -> None:  # type: ignore[no-untyped-def]
    one = read("Rome imposed duties on Chinese e-bikes.").escalation
    text = " ".join(
        [
            "Rome imposed duties on Chinese e-bikes.",
            "It also imposed duties on Chinese scooters.",
            "Officials imposed duties on Chinese batteries.",
            "Customs imposed duties on Chinese motors.",
        ]
    )
    many = read(text).escalation
    assert one < many < 4 * one
    assert many < 9.5


def test_vague_hedged_move_scores_milder_than_a_binding_one(read) -> None:  # type: ignore[no-untyped-def]
    binding = read(
        "The trade ministry announced it lifted the 25% tariff on Canadian canola, effective "
        "1 March, under Order No. 12."
    )
    vague = read(
        "People familiar with the matter said the ministry may lift some tariffs on canola, "
        "but it declined to give details."
    )
    assert binding.escalation < vague.escalation < 0


def test_signing_an_instrument_is_not_cooperation(read) -> None:  # type: ignore[no-untyped-def]
    a = read("The president signed an order raising tariffs on Brazilian coffee to 30%.")
    assert a.label is Label.ESCALATION
    assert not any(e.cue == "signed" and e.contribution < 0 for e in a.evidence)


def test_market_rally_is_not_a_protest(read) -> None:  # type: ignore[no-untyped-def]
    a = read("Shares in Tokyo rallied after the tariff cut took effect.")
    assert not any("protest" in e.note for e in a.evidence)
    b = read("Farmers held a rally against the tariff deal in Dublin.")
    assert any("protest" in e.note for e in b.evidence)


def test_finance_funds_and_critical_minerals_are_not_events(read) -> None:  # type: ignore[no-untyped-def]
    a = read("Pension funds bought stakes in critical minerals miners.")
    assert not any(e.cue in {"funds", "critical"} for e in a.evidence)


def test_noun_compound_takes_its_head(read) -> None:  # type: ignore[no-untyped-def]
    a = read("Hanoi and Manila resumed their export-control dialogue on Friday.")
    assert a.label is Label.DEESCALATION


def test_past_pause_is_not_a_snapback(read) -> None:  # type: ignore[no-untyped-def]
    a = read("Tokyo and Seoul held talks on Monday after a three-year pause in contacts.")
    assert a.reversion_risk is None
    assert not any(e.kind == "clarity-" and "pause" in e.cue for e in a.evidence)
    b = read("Tokyo agreed to a 60-day pause in the duties, which expires on 10 May 2026.")
    assert b.reversion_risk is not None


@pytest.mark.parametrize(
    "text",
    [
        "These compounds may be toxic to fish.",
        "The enzyme might be involved in repair.",
        "The pattern supports the notion that sleep aids memory.",
        "This treatment may demonstrate benefits in older patients.",
        "The airline will probably cut routes.",
    ],
)
def test_hedged_sentences(read, text: str) -> None:  # type: ignore[no-untyped-def]
    assert read(text).hedged


@pytest.mark.parametrize(
    "text",
    [
        "The new terminal will open in 2027.",
        "The plane landed safely in Denver.",
        "The treatment significantly reduced pain in all groups.",
        "Exports rose 4% in October.",
    ],
)
def test_certain_sentences(read, text: str) -> None:  # type: ignore[no-untyped-def]
    assert not read(text).hedged


def test_percent_and_money_render_without_inner_spaces(read) -> None:  # type: ignore[no-untyped-def]
    pct = {e.cue for e in read("Ottawa imposed a 12% surtax on Chinese steel.").evidence}
    assert any("12%" in c for c in pct)
    assert not any(" %" in c for c in pct)
    money = {e.cue for e in read("Ottawa put a surtax on $3bn of Chinese steel.").evidence}
    assert any(c.startswith("$3bn") for c in money)
    assert render(["12", "%", "of", "$", "3bn", ","]) == "12% of $3bn,"


def test_tokenize_all_matches_single_sentence_tokenising() -> None:
    sentences = split_sentences(
        "U.S. officials said China’s 50,000-tonne quota (rare-earth) “ends” today. "
        "Mr. Li agreed: it's 3.5% lower! Why?"
    )
    assert sentences[0].startswith("U.S. officials")
    assert len(sentences) == 3
    together = tokenize_all(sentences)
    assert together == [tokenize(s) for s in sentences]
    raw, norms = together[0]
    assert len(raw) == len(norms)
    assert {"china", "rare", "earth"} <= set(norms)
    assert "%" in together[1][0]


def test_phrase_index_uses_function_word_phrases() -> None:
    idx = PhraseIndex()
    idx.add("x", "in response to", 1)
    idx.add("y", "to", 2)
    idx.add("z", "critic*", 3)
    idx.freeze()
    found = idx.scan(["it", "acted", "in", "response", "to", "the", "critics"])
    assert [(m.i, m.j) for m in found["x"]] == [(2, 5)]
    assert [m.i for m in found["y"]] == [4]
    assert [m.phrase for m in found["z"]] == ["critics"]
    assert idx.scan(["the", "response", "was", "to", "wait"]).get("x") is None


def test_forty_repeats_of_one_move_do_not_saturate() -> None:
    scorer = RuleScorer()
    sentence = "Seoul said it would ease curbs on gallium exports to Tokyo from 1 July. "
    art = Article(text=sentence * 40, published=datetime(2025, 6, 1, tzinfo=UTC))
    a = scorer.score(art)
    assert a.label is Label.DEESCALATION
    assert -9.5 < a.escalation < 0


def test_denial_reports_rather_than_commits_the_event(read) -> None:  # type: ignore[no-untyped-def]
    a = read("The ministry denied allegations that its navy had attacked a fishing boat.")
    assert a.label is Label.NEUTRAL
    b = read("The navy attacked a fishing boat near the atoll.")
    assert b.label is Label.ESCALATION


def test_absence_cancels_and_verbal_negation_flips(read) -> None:  # type: ignore[no-untyped-def]
    none_signed = read("No agreement was reached at the meeting in Vienna.")
    assert not any(e.cue == "agreement" for e in none_signed.evidence)
    not_lifted = read("Brasilia did not lift the tariffs on steel.")
    assert not_lifted.label is Label.ESCALATION


def test_divestment_is_decoupling(read) -> None:  # type: ignore[no-untyped-def]
    a = read("Norway's wealth fund trimmed its holdings in Russian lenders.")
    assert a.label is Label.ESCALATION
    b = read("Pension funds raised their holdings of Japanese bonds.")
    assert b.label is not Label.ESCALATION


@pytest.mark.parametrize(
    "text",
    [
        "The carrier is scheduled to take delivery of the jets in June.",
        "Ministers launched an effort to revive the stalled port project.",
        "The merger is expected to close early next year.",
    ],
)
def test_unrealised_events_are_hedged(read, text: str) -> None:  # type: ignore[no-untyped-def]
    assert read(text).hedged


def test_weak_cues_alone_do_not_hedge(read) -> None:  # type: ignore[no-untyped-def]
    assert not read("Customers often file claims for larger amounts in winter.").hedged
    assert not read("Smokers were more likely than non-smokers to favour the ban.").hedged
    assert read("Customers often seem to file claims in winter.").hedged
