"""Look-alikes the element readers must not read, by category of wording, each beside wording of
the same element that must still be read (SCORING.md §3; docs/scoring.md, "Element precision on a
set written blind"): the number of a text or the day of a date read as a quantity, a statement's
month or a text that merely took effect read as the move's timeline, states that act together or
house a firm read as counterparties, markets watched and figures checked read as enforcement, and
the like."""

from __future__ import annotations

import pytest

from bot.domain.element_eval import read_elements

QUANTITY: list[tuple[str, str, bool]] = [
    # (category, sentence, read?)
    # the number of a notice, decree or note in its series
    ("numbered text", "Ankara issued Circular No. 7 banning cobalt exports to Seoul.", False),
    ("numbered text", "Under decree No. 2,114 Ankara bans cobalt exports to Seoul.", False),
    ("numbered text", "Seoul eased the Press Note 4 curbs on Turkish investment.", False),
    ("numbered text", "Ankara banned 7 cobalt products from export to Seoul.", True),
    # the day of a date written with an abbreviated month
    ("day of a date", "Seoul may extend the cobalt waiver past its Sept. 30 deadline.", False),
    ("day of a date", "Seoul may extend the cobalt waiver to 30 Turkish smelters.", True),
    # a letter-and-number code or type
    ("code", "Ankara cut quotas for H-1B style work permits on Korean engineers.", False),
    ("code", "Ankara cut quotas to 1,500 work permits for Korean engineers.", True),
    # the length of a text, the hours a meeting ran
    ("text length", "Seoul published a 120-page annex of cobalt tariff lines.", False),
    ("text length", "Seoul published an annex of 120 cobalt tariff lines.", True),
    ("meeting length", "Cobalt tariff talks in Ankara ran for 11 hours.", False),
    # the members that ratify a text
    ("members", "The cobalt pact applies once all 12 member states ratify it.", False),
    ("members", "The cobalt pact covers 12 products traded with Seoul.", True),
    # an estimate of what a move does to the economy
    ("estimate", "Economists said the cobalt levy would trim 0.2 points off growth.", False),
    ("estimate", "Ankara raised the cobalt levy by 2 points to 14% on Korean buyers.", True),
    # a price moving past a level
    ("market", "The lira weakened past 41 per dollar as the cobalt talks opened.", False),
    # the people a report cites, two words after their count
    ("cited people", "Two Turkish officials said Seoul would cut cobalt duties.", False),
    ("cited people", "Seoul cut cobalt duties for two Turkish smelters.", True),
]


@pytest.mark.parametrize(("category", "text", "expected"), QUANTITY)
def test_quantity_look_alikes(  # type: ignore[no-untyped-def]
    score, category: str, text: str, expected: bool
) -> None:
    assert read_elements(score(text))["quantity"] is expected, (category, text)


DATE: list[tuple[str, str, bool]] = [
    # the month or day a statement was made or a meeting held
    ("statement", "Seoul will not lift its cobalt duties, the ministry said in June.", False),
    ("statement", "Cobalt envoys of Seoul and Ankara met in June without a deal.", False),
    ("statement", "Ankara discussed in June a levy on Korean cobalt.", False),
    ("statement", "Seoul said it will lift its cobalt duties in June.", True),
    ("statement", "The ministry said the cobalt levy starts on 2 June.", True),
    # a text's entry into force without a date
    ("in force", "The cobalt levy on Korean smelters came into force without fanfare.", False),
    ("in force", "The cobalt pact will enter into force once both assemblies ratify it.", False),
    ("in force", "The cobalt levy on Korean smelters came into force on 2 June.", True),
    ("in force", "The cobalt levy on Korean smelters takes effect on Thursday.", True),
    ("in force", "The cobalt levy takes effect 60 days after its publication.", True),
    ("in force", "The cobalt levy took effect on signature of the decree.", True),
    ("in force", "The cobalt levy on Korean smelters takes effect immediately.", True),
    # when a move may be undone, not when it is due
    ("undone", "The cobalt truce with Seoul could be reversed within weeks.", False),
    ("undone", "Seoul's temporary cobalt waiver may collapse within days.", False),
    ("undone", "Seoul will set its cobalt quota within weeks.", True),
    # effective dates named as a noun
    ("noun", "Seoul listed the cobalt tariff lines and their effective dates.", False),
    ("noun", "Seoul listed the cobalt tariff lines, effective 1 July.", True),
]


@pytest.mark.parametrize(("category", "text", "expected"), DATE)
def test_date_look_alikes(  # type: ignore[no-untyped-def]
    score, category: str, text: str, expected: bool
) -> None:
    assert read_elements(score(text))["date"] is expected, (category, text)


DESTINATION: list[tuple[str, str, bool]] = [
    # two states that act side by side, each on its own
    ("side by side", "Seoul and Ankara both raised cobalt duties on Monday.", False),
    ("side by side", "Seoul and Ankara each tightened their cobalt export rules.", False),
    ("side by side", "Seoul and Ankara agreed to cut cobalt duties on each other.", True),
    ("side by side", "Seoul raised cobalt duties on Ankara.", True),
    # the states of a trade statistic, named without a preposition before them
    ("statistic", "Turkey's cobalt exports to South Korea fell 4% last quarter.", False),
    ("statistic", "Cobalt orders from Korea rose sharply last month.", False),
    ("statistic", "Turkey banned cobalt exports to South Korea.", True),
    # a refusal to give a figure moves no flow
    (
        "statistic",
        "Turkey opened cobalt exports to Korean refiners and declined to say how much.",
        True,
    ),
    ("statistic", "Turkey's cobalt exports to South Korea declined last quarter.", False),
    # the firm or think tank a speaker works at
    ("employer", "An analyst at a Seoul think tank said Ankara's cobalt levy is fragile.", False),
    ("employer", "Nur Avci of a Turkish research firm said the cobalt levy would hold.", False),
    ("employer", "Ankara put its cobalt levy on Korean smelting firms.", True),
    # a continent's adjective: a vague region
    ("region", "Ankara's cobalt levy on Asian smelters starts in May.", False),
    ("region", "Ankara's cobalt levy on Korean smelters starts in May.", True),
    # "adding" as a verb of saying
    ("saying", "The minister praised the cobalt pact, adding Korea would buy more ore.", False),
]


@pytest.mark.parametrize(("category", "text", "expected"), DESTINATION)
def test_destination_look_alikes(  # type: ignore[no-untyped-def]
    score, category: str, text: str, expected: bool
) -> None:
    assert read_elements(score(text))["destination"] is expected, (category, text)


INSTRUMENT: list[tuple[str, str, bool]] = [
    # a firm of lawyers, a yard's order book behind a body's name
    ("law firm", "Partners at the law firm said cobalt export work for Seoul had tripled.", False),
    ("law firm", "Ankara said the law bans cobalt exports to Seoul.", True),
    ("order book", "The commission's order book for cobalt barges is full.", False),
    ("order book", "The commission's order bans cobalt exports to Seoul.", True),
]

ON_RECORD: list[tuple[str, str, bool]] = [
    # a title a move is left to or done with, or in the possessive before no statement
    ("title", "Seoul signed a cobalt deal during the Turkish premier's visit.", False),
    ("title", "The cobalt decree leaves the quotas to the trade secretary.", False),
    ("title", "Seoul's trade secretary said the cobalt quotas are final.", True),
    ("title", "The trade secretary's statement sets cobalt quotas for Ankara.", True),
    ("title", "The cobalt quota stays, according to the trade secretary.", True),
    # "said on" after a speaker who decides nothing
    ("said on", "The cobalt probe found no dumping, lawyers for Ankara said on Monday.", False),
    ("said on", "The cobalt probe found no dumping, the ministry said on Monday.", True),
]


@pytest.mark.parametrize(("category", "text", "expected"), INSTRUMENT)
def test_instrument_look_alikes(  # type: ignore[no-untyped-def]
    score, category: str, text: str, expected: bool
) -> None:
    assert read_elements(score(text))["instrument"] is expected, (category, text)


@pytest.mark.parametrize(("category", "text", "expected"), ON_RECORD)
def test_on_record_look_alikes(  # type: ignore[no-untyped-def]
    score, category: str, text: str, expected: bool
) -> None:
    assert read_elements(score(text))["on_record"] is expected, (category, text)


ENFORCEMENT: list[tuple[str, str, bool]] = [
    # markets and prices watched, figures and studies checked by those who wrote or read them
    ("markets", "Seoul's central bank is monitoring bond markets after the cobalt levy.", False),
    ("markets", "Seoul is monitoring cobalt imports from Ankara for evasion of the levy.", True),
    ("figures", "The study's authors checked the cobalt data against customs records.", False),
    ("figures", "Customs officers checked cobalt cargoes from Ankara at Busan.", True),
    # violations that may emerge, named only as what the move hangs on
    ("condition", "Seoul's cobalt waiver holds unless new violations come to light.", False),
    ("condition", "Ankara fined two cobalt traders for violations of the export ban.", True),
    ("condition", "Ankara keeps the cobalt waiver provided buyers accept on-site audits.", True),
]


@pytest.mark.parametrize(("category", "text", "expected"), ENFORCEMENT)
def test_enforcement_look_alikes(  # type: ignore[no-untyped-def]
    score, category: str, text: str, expected: bool
) -> None:
    assert read_elements(score(text))["enforcement"] is expected, (category, text)


CUE_CLASSES: list[tuple[str, str, str, bool]] = [
    # (category, element, sentence, read?)
    # a symbolism denied
    (
        "denied",
        "symbolic",
        "The cobalt deal was far from symbolic: Seoul lifted every duty.",
        False,
    ),
    ("denied", "symbolic", "The step was anything but a gesture: Ankara scrapped its levy.", False),
    ("denied", "symbolic", "The cobalt deal was largely symbolic: Seoul lifted one duty.", True),
    # a firm's or association's own forecast, guidance or dividend withheld; no move offered
    ("own accounts", "withheld", "The smelters' association withheld its cobalt forecast.", False),
    (
        "own accounts",
        "withheld",
        "The miner withheld 20% of dividends due to Korean holders.",
        False,
    ),
    ("own accounts", "withheld", "Seoul withheld the names of the Turkish cobalt buyers.", True),
    ("no move", "withheld", "Ankara's minister offered no new measures on cobalt.", False),
    ("no move", "withheld", "Ankara offered no list of the cobalt grades covered.", True),
    # prices back at an earlier level; a passing measure revoked for good
    ("prices", "reversible", "Cobalt freight rates reverted to their 2019 levels.", False),
    ("prices", "reversible", "Cobalt duties will revert to 25% when the waiver ends.", True),
    (
        "revoked",
        "reversible",
        "Seoul revoked the temporary cobalt licence of a Turkish trader.",
        False,
    ),
    ("revoked", "reversible", "Seoul granted a Turkish trader a temporary cobalt licence.", True),
    # "unnamed" before a thing; a name before an unnamed-looking title
    ("unnamed thing", "anonymous", "An unnamed fund bought Korean cobalt futures.", False),
    (
        "unnamed thing",
        "anonymous",
        "An unnamed senior official said Seoul would cap cobalt duties.",
        True,
    ),
    (
        "apposition",
        "anonymous",
        "Seoul will cap cobalt duties, said Mina Park, a former trade negotiator.",
        False,
    ),
    ("apposition", "anonymous", "Seoul will cap cobalt duties, a trade negotiator said.", True),
]


@pytest.mark.parametrize(("category", "element", "text", "expected"), CUE_CLASSES)
def test_cue_class_look_alikes(  # type: ignore[no-untyped-def]
    score, category: str, element: str, text: str, expected: bool
) -> None:
    assert read_elements(score(text))[element] is expected, (category, text)
