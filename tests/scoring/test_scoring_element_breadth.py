"""Element readings by category of wording a desk meets beyond the sets the readers were built on,
written from the element definitions (SCORING.md §3): what a refusal holds back read in its own
clause, not in the whole sentence; a state's trade parties by any name; moves made for an
audience, kept small or granted to some; details kept confidential, blacked out or not shared;
reliefs that can be taken back or run on trial; orders and laws by who issued them or what they
govern, drafts and statements that are no instrument; numbers that name a model, a class, a text
or a stage; how soon a move can be undone, which is no timeline; violators' cases settled and
filings that check compliance. Each category is read in sentences of its own, with a look-alike
that must not be read (docs/scoring.md, "Element readings, breadth round")."""

from __future__ import annotations

import pytest

from bot.domain.element_eval import read_elements

# (category, element, sentence, read?)
WITHHELD_SCOPE: list[tuple[str, str, str, bool]] = [
    # what a refusal holds back is in its own clause: the buyers a sentence names elsewhere are
    # given, and so is the destination
    (
        "held back in its clause",
        "destination",
        "Ankara set a cobalt quota for Korean buyers but did not specify volumes.",
        True,
    ),
    (
        "held back in its clause",
        "destination",
        "Seoul opened rice imports to Turkish millers and declined to say how much.",
        True,
    ),
    (
        "held back in its clause",
        "quantity",
        "Seoul set a 5,000-tonne rice quota but would not say which buyers qualify.",
        True,
    ),
    # the look-alike: the buyers themselves are what the refusal holds back
    (
        "held back in its clause",
        "destination",
        "Ankara eased cobalt curbs but did not say which buyers in Korea would benefit.",
        False,
    ),
    (
        "held back in its clause",
        "destination",
        "The buyers of the Turkish cobalt were not disclosed.",
        False,
    ),
]

TRADE_PARTIES: list[tuple[str, str, str, bool]] = [
    # the trade's parties named by their state, whatever the trade calls them, after the verb or
    # preposition that reaches them, or placed in a state after them
    (
        "a state's trade party",
        "destination",
        "Ankara granted a licence to a lone Korean battery maker.",
        True,
    ),
    (
        "a state's trade party",
        "destination",
        "Seoul blacklisted two Turkish steelmakers over unpaid duties.",
        True,
    ),
    (
        "a state's trade party",
        "destination",
        "Ankara approved cobalt shipments for a single customer in Korea.",
        True,
    ),
    # the look-alikes: the firms as the subject, the doer or the holder, or a party placed in a
    # city that is no state
    (
        "a state's trade party",
        "destination",
        "Turkish carmakers welcomed the cut in cobalt duties.",
        False,
    ),
    (
        "a state's trade party",
        "destination",
        "Shares of Korean steelmakers fell after Ankara raised the levy.",
        False,
    ),
    (
        "a state's trade party",
        "destination",
        "The board at the Korean battery maker approved the cobalt contract.",
        False,
    ),
    (
        "a state's trade party",
        "destination",
        "Ankara approved cobalt shipments for a single customer in the capital.",
        False,
    ),
]

FOR_SHOW: list[tuple[str, str, str, bool]] = [
    # a move made for an audience rather than for trade
    (
        "for an audience",
        "symbolic",
        "The cobalt quota deal was little more than a publicity stunt, Ankara said.",
        True,
    ),
    (
        "for an audience",
        "symbolic",
        "The nickel waiver was mostly for domestic consumption and changes little for smelters.",
        True,
    ),
    ("for an audience", "symbolic", "The steel tariff cut pays lip service to the pledge.", True),
    (
        "for an audience",
        "symbolic",
        "Seoul's cut in rice duties was an overture to Ankara ahead of the summit.",
        True,
    ),
    (
        "for an audience",
        "symbolic",
        "Domestic consumption of cobalt rose 4 percent as Ankara cut duties.",
        False,
    ),
    # a concession kept small, or granted to some and not others
    (
        "kept small or for some",
        "symbolic",
        "Seoul approved some but not all cobalt licence applications from Turkish firms.",
        True,
    ),
    (
        "kept small or for some",
        "symbolic",
        "Ankara offered minor concessions on steel quotas to Korean buyers.",
        True,
    ),
    ("kept small or for some", "symbolic", "Seoul granted a narrow exemption for pears.", True),
    (
        "kept small or for some",
        "symbolic",
        "Ankara issued cobalt licences to certain exporters in Korea.",
        True,
    ),
    (
        "kept small or for some",
        "symbolic",
        "Cobalt licence approvals trickled in for Korean buyers.",
        True,
    ),
    (
        "kept small or for some",
        "symbolic",
        "The rice quota was a nod to Washington ahead of the summit.",
        True,
    ),
    (
        "kept small or for some",
        "symbolic",
        "Ankara is certain the cobalt licences will be approved.",
        False,
    ),
    ("kept small or for some", "symbolic", "Ankara gave the nod to the cobalt deal.", False),
    (
        "kept small or for some",
        "symbolic",
        "Cobalt exports to Korea slowed to a trickle in May.",
        False,
    ),
    (
        "kept small or for some",
        "symbolic",
        "Seoul granted an exemption for all Turkish pears.",
        False,
    ),
]

KEPT_BACK: list[tuple[str, str, str, bool]] = [
    # a detail kept confidential, blacked out, thinly given or not shared
    ("kept back", "withheld", "Ankara kept the size of the cobalt quota confidential.", True),
    (
        "kept back",
        "withheld",
        "The list of covered steel products was redacted from the published notice.",
        True,
    ),
    (
        "kept back",
        "withheld",
        "The ministry has been light on detail about which cobalt products are covered.",
        True,
    ),
    (
        "kept back",
        "withheld",
        "Officials would not be drawn on when the steel quota would be raised.",
        True,
    ),
    (
        "kept back",
        "withheld",
        "Seoul has not shared the list of Turkish firms that will get cobalt licences.",
        True,
    ),
    ("kept back", "withheld", "The exemption list was not publicly released.", True),
    (
        "kept back",
        "withheld",
        "It was not immediately clear how many firms the cobalt curbs cover.",
        True,
    ),
    ("kept back", "withheld", "The details of the cobalt quota remain unclear.", True),
    ("kept back", "withheld", "The minister would not put a number on the cobalt quota.", True),
    (
        "kept back",
        "withheld",
        "The minister made clear the cobalt quota would stay at 5,000 tonnes.",
        False,
    ),
    (
        "kept back",
        "withheld",
        "Seoul shared the list of Turkish firms that will get cobalt licences.",
        False,
    ),
    ("kept back", "withheld", "The cobalt quota will not be drawn down before July.", False),
    (
        "kept back",
        "withheld",
        "The customs agency gave a clear indication that cobalt duties would rise.",
        False,
    ),
]

UNDONE: list[tuple[str, str, str, bool]] = [
    # a relief that can be taken back, a deal a party can leave, a truce by another name, a move
    # on trial, an undo stated as a possibility in the active
    (
        "can be undone",
        "reversible",
        "The steel tariff exemption can be clawed back if imports surge.",
        True,
    ),
    (
        "can be undone",
        "reversible",
        "The cobalt deal has an escape clause that lets either side quit.",
        True,
    ),
    (
        "can be undone",
        "reversible",
        "Importers have a grace period before the new cobalt duties apply.",
        True,
    ),
    ("can be undone", "reversible", "Seoul and Ankara agreed a tariff ceasefire on steel.", True),
    (
        "can be undone",
        "reversible",
        "The rice quota will be allowed for a trial period of six months.",
        True,
    ),
    ("can be undone", "reversible", "Seoul could reverse the rice tariff cut.", True),
    ("can be undone", "reversible", "Seoul reversed the rice tariff cut last week.", False),
    (
        "can be undone",
        "reversible",
        "The cobalt deal will not be undone by the next government.",
        False,
    ),
    ("can be undone", "reversible", "Ankara clawed back 2 billion lira in unpaid duties.", False),
    (
        "can be undone",
        "reversible",
        "The steel ban will stay in place under any ceasefire between the two armies.",
        False,
    ),
]

TEXTS: list[tuple[str, str, str, bool]] = [
    # an order or a law named by who issued it or what it governs, a trade agreement or preference
    # scheme named by its name, an act adopted by the body that makes it law, is a formal
    # instrument
    ("order or law", "instrument", "The ministerial order bans cobalt exports to Korea.", True),
    (
        "order or law",
        "instrument",
        "Seoul issued a statutory instrument that raises steel duties to 25%.",
        True,
    ),
    ("order or law", "instrument", "The cobalt duty was made permanent in the customs law.", True),
    ("order or law", "instrument", "The ministry published final rules on cobalt exports.", True),
    ("order or law", "instrument", "Seoul wants to keep its AGOA preferences.", True),
    (
        "order or law",
        "instrument",
        "The Council adopted sanctions on 12 Korean cobalt traders.",
        True,
    ),
    ("order or law", "instrument", "The cobalt levy was formally adopted by parliament.", True),
    ("order or law", "instrument", "Ankara adopted a tougher tone on Korean cobalt.", False),
    ("order or law", "instrument", "Ottawa keeps the CUSMA exemption for Korean steel.", True),
    ("order or law", "instrument", "A trade law expert said the cobalt duties were lawful.", False),
    (
        "order or law",
        "instrument",
        "The minister's order of business put cobalt duties last.",
        False,
    ),
    # a text still drafted or proposed is none yet
    (
        "drafted",
        "instrument",
        "Turkey's trade ministry published draft rules on cobalt exports.",
        False,
    ),
    (
        "drafted",
        "instrument",
        "The proposed rule would raise cobalt duties on Korean buyers to 25%.",
        False,
    ),
    (
        "drafted",
        "instrument",
        "The rule raises cobalt duties on Korean buyers to 25%.",
        True,
    ),
    # a statement named with its authority puts it on the record, but is no formal instrument;
    # an announcement it publishes is both
    (
        "a statement",
        "on_record",
        "The cobalt ban stays in place, a Turkish trade ministry statement said.",
        True,
    ),
    (
        "a statement",
        "instrument",
        "The cobalt ban stays in place, a Turkish trade ministry statement said.",
        False,
    ),
    (
        "a statement",
        "instrument",
        "A customs announcement sets cobalt duties on Korean buyers at 10%.",
        True,
    ),
]

LABELS: list[tuple[str, str, str, bool]] = [
    # a number that names a model, a class, a text or a stage, the length of a text or a rate
    # against another currency is no quantity of the measure
    (
        "a number as a name",
        "quantity",
        "Seoul cut the quota of H-2B visas for steelworkers.",
        False,
    ),
    (
        "a number as a name",
        "quantity",
        "Ankara eased Press Note 3 curbs on Korean investors.",
        False,
    ),
    ("a number as a name", "quantity", "Seoul banned exports of 5G chips to Turkey.", False),
    ("a number as a name", "quantity", "Ankara will not sell F-16 jets to Korea.", False),
    (
        "a number as a name",
        "quantity",
        "The EU adopted its 18th sanctions package on Russian cobalt.",
        False,
    ),
    (
        "a number as a name",
        "quantity",
        "Seoul published the cobalt duties in a 300-page annex.",
        False,
    ),
    (
        "a number as a name",
        "quantity",
        "The lira weakened past 38.5 per dollar as Ankara raised cobalt duties.",
        False,
    ),
    # the look-alikes: amounts with a suffix or a unit
    ("a number as a name", "quantity", "Seoul set up a 10bn won fund for cobalt buyers.", True),
    ("a number as a name", "quantity", "Ankara bought 40 F-35 jets from Washington.", True),
    ("a number as a name", "quantity", "Ankara seized 1,200 tonnes of Korean cobalt.", True),
    ("a number as a name", "quantity", "Seoul raised cobalt duties to 45 per cent.", True),
]

HOW_SOON_UNDONE: list[tuple[str, str, str, bool]] = [
    # a span right after an undo says how soon the move can be undone, not when it starts
    ("how soon undone", "date", "The cobalt waiver could be reversed within days.", False),
    ("how soon undone", "date", "The cobalt waiver is reversible within weeks.", False),
    ("how soon undone", "date", "The steel duties can be reimposed within days.", False),
    ("how soon undone", "reversible", "The steel duties can be reimposed within days.", True),
    ("how soon undone", "date", "Ankara will retaliate within days.", True),
    ("how soon undone", "date", "The cobalt ban will be lifted within weeks.", True),
]

CHECKED: list[tuple[str, str, str, bool]] = [
    # violators' cases settled, trading privileges denied, filings and tip-offs that check
    # compliance
    (
        "violators pursued",
        "enforcement",
        "The firm agreed to pay 5 million dollars to settle charges over cobalt sales to Iran.",
        True,
    ),
    (
        "violators pursued",
        "enforcement",
        "Seoul issued a denial order against a Turkish cobalt trader.",
        True,
    ),
    (
        "violators pursued",
        "enforcement",
        "Ankara revoked the export privileges of a Korean broker.",
        True,
    ),
    ("filings", "enforcement", "Importers must register each cobalt cargo with customs.", True),
    ("filings", "enforcement", "The rule adds reporting obligations for cobalt importers.", True),
    (
        "filings",
        "enforcement",
        "A whistleblower programme will reward tips on cobalt diversion.",
        True,
    ),
    (
        "violators pursued",
        "enforcement",
        "The opposition leader was arrested at a protest against cobalt duties.",
        False,
    ),
    (
        "filings",
        "enforcement",
        "Ankara registered a complaint about Korean cobalt duties.",
        False,
    ),
]


CASES = [
    *WITHHELD_SCOPE,
    *TRADE_PARTIES,
    *FOR_SHOW,
    *KEPT_BACK,
    *UNDONE,
    *TEXTS,
    *LABELS,
    *HOW_SOON_UNDONE,
    *CHECKED,
]


@pytest.mark.parametrize(("category", "element", "text", "expected"), CASES)
def test_element_breadth_is_read_and_its_look_alike_is_not(  # type: ignore[no-untyped-def]
    score, category: str, element: str, text: str, expected: bool
) -> None:
    assert read_elements(score(text))[element] is expected, (category, text)
