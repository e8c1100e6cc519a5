"""Direction by wording: the forms a CAMEO event takes besides an active verb of its category.

A verb that tells someone to act (a demand), a passive verb and its subject, materiel handed to
another party (aid) against force sent (posture), a restriction noun that only modifies a
cooperative one, a negated will (a refusal), a move put on hold, event words in the name of an
armed force or party, a cooperation named with a force word (*military aid*), a cause told in a
participle (*displaced by fighting*), what a leading statement reports, and nominal and headline
forms of the categories. Each case has a look-alike that must read otherwise."""

from __future__ import annotations

import pytest

from bot.domain.models import Label
from bot.domain.scoring.lexicon import inflect, load

E, D, N = Label.ESCALATION, Label.DEESCALATION, Label.NEUTRAL


def _moves(a) -> dict[str, tuple[float, str]]:  # type: ignore[no-untyped-def]
    return {
        e.cue: (e.contribution, e.note)
        for e in a.evidence
        if e.kind in ("escalation", "de-escalation")
    }


_DIRECTIVES = [
    # a directive with "to" and a verb is a demand (CAMEO 10), whatever the complement does
    ("The council ordered the observers to leave the country within a week.", E),
    ("The ministry told the embassy to close its visa section.", E),
    ("Beijing instructed its banks to stop lending to the firm.", E),
    ("A resolution passed on Friday requires the militia to hand back the villages.", E),
    # look-alike: "in order to" tells no one to act
    ("The government sent food to the region in order to ease the crisis.", D),
]


@pytest.mark.parametrize(
    "text",
    [
        "The president ordered 3,000 troops to Poland.",  # a destination, not a verb
        "The general ordered the reserves to the front line.",
        "The minister told reporters the talks went well.",  # no "to"
    ],
)
def test_a_directive_needs_someone_told_to_act(read, text: str) -> None:  # type: ignore[no-untyped-def]
    assert not any("directive" in note for _, note in _moves(read(text)).values())


_PASSIVES = [
    # a passive verb is the main event; the noun before it is what it acts on
    ("The offer was rejected.", E),
    ("The ceasefire was violated within hours.", E),
    ("The lifting of the sanctions was criticised by hawks in parliament.", E),
    # … and a passive pivot takes its subject as object, not a noun after it
    ("Talks were suspended over the sanctions dispute.", E),
    # look-alikes: the noun leads when no passive verb follows it
    ("The offer was made on Monday.", D),
    ("Washington suspended the sanctions after the talks.", D),
]


_MATERIEL_GIVEN_AGAINST_FORCE_SENT = [
    # materiel handed to another party is military aid (CAMEO 07) …
    ("Washington delivered anti-tank missiles to Kyiv last month.", D),
    ("Britain sent 14 tanks to Ukraine under a new package.", D),
    ("The EU delivered a million vaccine doses to Ghana.", D),
    # … force sent, or materiel deployed or fired, is a show of force
    ("Russia sent troops to the border region.", E),
    ("Turkey sent warships to the eastern Mediterranean.", E),
    ("Iran deployed missiles along the coast.", E),
    ("The rebels fired rockets at the town.", E),
    # materiel withdrawn de-escalates
    ("The army withdrew its heavy weapons from the front line.", D),
]


_RESTRICTION_NOUNS_AS_MODIFIERS = [
    # a restriction noun before a cooperative noun modifies it
    ("Washington and Beijing opened tariff talks in Geneva on Monday.", D),
    ("The two sides reached a tariff truce after a week of talks.", D),
    ("The council agreed to a sanctions waiver for humanitarian shipments.", D),
    ("The embargo talks collapsed on Tuesday.", E),
    # look-alike: the restriction itself
    ("Japan imposed tariffs on Chinese steel on Monday.", E),
]


def test_a_negated_will_is_a_refusal(read) -> None:  # type: ignore[no-untyped-def]
    refused = read("Officials said Seoul would not attend the summit.")
    assert refused.label is E
    assert max(c for c, _ in _moves(refused).values()) == 4.0  # as strong as "refused to attend"
    assert read("Tokyo won't accept the proposal, the minister said.").label is E
    # look-alike: a report that something did not happen is no refusal
    past = read("Officials said they had not discussed tariffs with Japan.")
    assert _moves(past)["discussed"][0] == 1.5


_MOVES_PUT_ON_HOLD = [
    ("The mediators put their shuttle diplomacy on hold.", E),
    ("Beijing put its planned tariffs on Canadian canola on hold.", D),
    # look-alike: talks held, not on hold
    ("The talks were held in Oslo on Monday.", D),
]


_EVENT_WORDS_IN_A_FORCE_OR_PARTY_NAME = [
    # event words in the name of an armed force or party name it
    ("The Popular Mobilization Forces welcomed the agreement.", D),
    ("The Reform and Support Party criticised the budget.", E),
    # look-alike: the same words as words
    ("The parties gave their support to the budget.", D),
]


_COOPERATION_NAMED_WITH_A_FORCE_WORD = [
    # a cooperation named with a force word is a cooperation
    ("Washington suspended military aid to the regime.", E),
    ("The two countries froze military cooperation in 2019.", E),
    # look-alike: the force itself
    ("The army withdrew military units from the border.", D),
]


def test_a_cause_in_a_participle_is_background(read) -> None:  # type: ignore[no-untyped-def]
    a = read("The agency appealed for food for villagers displaced by fighting in the hills.")
    assert a.label is D
    assert "background" in _moves(a)["fighting"][1]


_LEADING_STATEMENTS = [
    # a leading statement: what it reports never outweighs it
    ("A rebel group claimed responsibility for the bombing of the pipeline.", N),
    ("The minister expressed his sympathy to the families of those killed in the floods.", N),
    ("The ministry is studying whether to extend the steel quotas.", N),
    ("The commission will publish its annual report on trade barriers in May.", N),
    # look-alikes: the move itself
    ("A rebel group carried out the bombing of the pipeline.", E),
    ("The ministry extended the steel quotas.", E),
]


_NOMINAL_AND_HEADLINE_FORMS = [
    # nominal forms of the categories
    ("The recognition of the new state by Paris came on Tuesday.", D),
    ("The sharing of intelligence between the two services has grown.", D),
    ("The severance of diplomatic ties with Doha was announced in June.", E),
    ("The denunciation of the vote by the observers was swift.", E),
    ("Hanoi signalled its readiness to resume the border talks.", D),
    ("The two states launched a joint research programme on batteries.", D),
    ("The ministers held a call on the grain corridor.", D),
    ("The Senate opened hearings into the arms sales.", E),
    ("The province sought financial help from the capital.", D),
    ("The regime gave way to demands for free elections.", D),
    ("Customs officers handed the fugitive to French police.", D),
    ("The navy flexed its muscle with a long-range patrol.", E),
    # headline verbs
    ("Ottawa Nixes Pipeline Deal With Neighbour", E),
    ("Police Nab Smuggling Suspects", E),
    ("Minister Raps Allies Over Budget Shortfall", E),
    ("Drones Hit Fuel Depot Near Border", E),
    # look-alikes
    ("The army declared its readiness to fight.", E),
    ("The readiness report was published on Monday.", N),
]


_REDUCED_RELATIVE_CLAUSES = [
    # a participle right after its noun, before a passive main verb, describes the noun
    ("Duties imposed by Ottawa in 2019 were lifted on Monday.", D),
    ("Warships deployed to the coast last spring have been withdrawn.", D),
    ("Imports resumed last year were halted again by the ministry.", E),
    # look-alikes: the participle is the main verb, or nothing follows it
    ("The EU imposed duties that were later lifted.", E),
    ("Duties imposed on Ottawa in 2019 remain in force.", E),
]


_LIGHT_VERBS_AND_STATEMENTS = [
    # a light verb with the category's noun
    ("The two sides reached an understanding on grazing rights.", D),
    ("The coast guard opened fire on a trawler.", E),
    ("Brasilia filed a case at the WTO over the cotton subsidies.", E),
    ("The minister expressed regret over the shooting of the herdsmen.", D),
    # considering an option, or voicing concern, is a statement (CAMEO 01)
    ("The alliance is exploring the possibility of naval escorts in the strait.", N),
    ("The delegate voiced concern over the fate of the fishermen.", N),
    # an envoy named as the speaker is no consultation
    ("The envoy said on Monday that the vote would go ahead.", N),
    # look-alike: an envoy sent is one
    ("Rome sent an envoy to Tripoli.", D),
]


_TAKEN_TO_A_FORUM = [
    # a party taken before a court or tribunal (CAMEO 11, sue)
    ("Brasilia took Washington to the WTO over cotton subsidies.", E),
    ("The province hauled the federal government to court over the levy.", E),
    # look-alike: "took … to" without a forum
    ("The minister took the delegation to the harbour on Monday.", N),
]


_MEASURES_THAT_LAPSE = [
    # a measure that lapses or expires ends
    ("The truce lapsed at midnight without a deal.", E),
    ("The steel duties expire at the end of the month.", D),
    ("Ottawa dropped its digital services tax.", D),
    # look-alike: the tax raised
    ("Ottawa raised its digital services tax.", E),
]


_COMPLEMENTS_AND_IDIOMS = [
    # a warning with "against" after its object (CAMEO 13)
    ("Moscow cautioned Helsinki against joining the alliance.", E),
    # handing over needs a recipient: a person or territory handed to someone (CAMEO 06)
    ("The border guards handed the smugglers to Turkish police.", D),
    # look-alike: an ambassador handed a note receives a protest
    ("The ambassador was handed a note of protest over the overflights.", E),
    # approval, support reaffirmed, calls ignored
    ("The parliament gave the green light to the defence pact.", D),
    ("Rome and Madrid reaffirmed their commitment to the fisheries accord.", D),
    ("The junta ignored appeals for the release of the monks.", E),
]


def test_caution_alone_is_no_warning(read) -> None:  # type: ignore[no-untyped-def]
    a = read("The central bank cautioned that growth would slow.")
    assert not _moves(a)


_WANTING_HESITATING_ADMITTING = [
    # wanting someone else to act is a demand; wanting to act oneself is not
    ("Vilnius wants Minsk to close the nuclear plant.", E),
    ("Seoul wants to join the fisheries pact.", D),
    # a negated hesitation is a readiness, not a negated move
    ("The ministry said it would not hesitate to impose quotas.", E),
    # acknowledging what one did is a statement (CAMEO 01)
    ("The militia commander acknowledged that his men had burned the village.", N),
    # a verdict of guilt, an interception, a rally against someone
    ("A tribunal found the general guilty of ordering the massacre.", E),
    ("The coast guard intercepted a trawler carrying rifles.", E),
    ("The senator sought to rally his party against the treaty.", E),
    # meeting demands is yielding, not meeting people
    ("The company met the demands of the strikers.", D),
]


_PARTICIPANTS_AS_SUBJECTS = [
    # the people taking part, named first, are the subject of the event after them
    ("Striking nurses agreed to return to the wards on Monday.", D),
    ("Peacekeepers came under attack near the airport.", E),
    ("Demonstrators appealed to the soldiers for protection.", D),
    ("Critics welcomed the decision to free the editor.", D),
    # look-alikes: alone, or with an event of their kind, they still tell it
    ("Protesters filled the main square on Sunday.", E),
    ("Gunmen killed two guards at the depot.", E),
]


_CLOSER_TIES_AND_EASING_PRICES = [
    # seeking closer ties is an intent to cooperate
    ("The new government will seek closer trade ties with its neighbours.", D),
    # prices and policy easing are no concession
    ("The governor said he expected inflation to ease by the summer.", N),
    ("The central bank eased monetary policy for a second month.", N),
    # look-alike: a restriction eased
    ("Hanoi eased curbs on rice exports.", D),
]


_ADJUNCTS_RELATIVES_AND_FORCE = [
    # "in protest" after the verb's own object is an adjunct, and a protest
    ("Traders shut their stalls in protest at the new levy.", E),
    # the noun before "that" is the subject of the verb, not its object
    ("Unions staged a strike that shut down the port for a day.", E),
    # look-alike: a nominal pivot with "in" acts on its noun
    ("Brussels announced an increase in duties on fertiliser.", E),
    # threats of force
    ("The minister said the army was ready to use force to retake the island.", E),
    ("Ankara said it would take all necessary measures against the militia.", E),
    ("Border units were put on a war footing overnight.", E),
]


_YIELDING_AND_PARTICIPANT_ADJECTIVES = [
    # yielding in other words (CAMEO 08)
    ("The militia stood down its fighters along the river.", D),
    ("The regime legalised two opposition parties.", D),
    ("The country repatriated 200 detained fishermen.", D),
    # an -ing word naming the participants is their description
    ("The occupying troops pulled out of the port town.", D),
    # a hotline opened or cut
    ("The two armies opened a hotline between their commanders.", D),
    ("Pyongyang cut the military hotline with Seoul.", E),
    # look-alike: the participants alone
    ("Invading troops shelled the suburbs.", E),
]


_VERBS_GOVERNING_THEIR_NOUN = [
    # a verb that is the category's event only with one of its nouns after it
    ("Oslo declined a Swedish request to host the talks.", E),
    ("The council brushed aside calls for an inquiry.", E),
    ("Lisbon took in 3,000 Afghan refugees last year.", D),
    ("Ottawa admitted 20,000 Syrian refugees in 2016.", D),
]


@pytest.mark.parametrize(
    "text",
    [
        "Exports declined a further 3% in May.",  # a fall, no refusal
        "The retailer took in record revenue over the holidays.",
        "The minister admitted the figures were disappointing.",
    ],
)
def test_governing_verbs_without_their_noun(read, text: str) -> None:  # type: ignore[no-untyped-def]
    assert not any("with a noun" in note for _, note in _moves(read(text)).values())


_MUNITIONS_DROPPED_ON_A_TARGET = [
    # munitions dropped on a target are an attack
    ("Helicopters dropped barrel bombs on the rebel-held suburb.", E),
    # look-alikes: weapons dropped (laid down), tariffs dropped
    ("The rebels dropped their weapons and surrendered.", D),
    ("Seoul dropped its duties on Chilean copper.", D),
]


_HEADLINE_PREDICATES = [
    # headline present tense of an undoing predicate
    ("Fisheries Talks Stall Over Quotas", E),
    ("Border Talks Collapse After Shooting", E),
    # expulsion and recapture in other words
    ("Two Attaches Declared Persona Non Grata", E),
    ("Army Retakes Hill Town", E),
    # look-alike: talks that go on
    ("Fisheries Talks Resume In Reykjavik", D),
]


_BACKGROUND_PHRASE_ENDS_AT_THE_MAIN_VERB = [
    # a prepositional background phrase ends where the main verb's "be" comes
    ("Export quotas imposed during the drought were quietly unwound.", D),
    # look-alike: a background clause keeps its own verb
    ("After talks were suspended, Seoul imposed duties on steel.", E),
]


def _forms(cue: str, irregular: dict[str, list[str]]) -> list[tuple[str, ...]]:
    seqs: list[tuple[str, ...]] = [()]
    for w in cue.lower().replace("-", " ").split():
        if w.endswith("*") and len(w) > 2:
            forms = {w}
        elif w.endswith("~"):
            forms = inflect(w[:-1], irregular)
        else:
            forms = {w.rstrip("*~")}
        seqs = [(*s, f) for s in seqs for f in sorted(forms)]
    return seqs


def test_a_verb_with_a_complement_is_no_other_cue() -> None:
    """The first registration of a phrase wins, so a verb that needs a complement must not also
    be a cue elsewhere ("ordered" as a demand and as a purchase would be one of them only)."""
    events = load("events.toml")
    irregular = events["irregular"]
    keys = ("directives", "to_forum", "to_recipient", "with_against")
    seen: dict[tuple[str, ...], tuple[str, str]] = {}
    clashes = []
    for cat in events["category"]:
        groups = [("cues", cat["cues"])] + [(k, cat[k]) for k in keys if k in cat]
        groups += [("governed", g["verbs"]) for g in cat.get("governed", ())]
        for kind, cues in groups:
            for seq in (s for cue in cues for s in _forms(cue, irregular)):
                where = (str(cat["code"]), kind)
                first = seen.setdefault(seq, where)
                if first != where and (kind != "cues" or first[1] != "cues"):
                    clashes.append((seq, first, where))
    assert not clashes


_RESUMPTIONS_AND_BOOKINGS = [
    # a resumption acts on its subject when one comes before it
    ("Shipments of cobalt from Kinshasa to Beijing resumed in June.", D),
    ("Lima resumed imports of Bolivian gas.", D),
    # cargoes booked are a purchase
    ("Egyptian buyers booked several cargoes of Ukrainian wheat.", D),
]


_MISSIONS_EXERCISES_AND_SET_UP = [
    # a fact-finding mission sent is an investigation, not a mission of cooperation
    ("The council sent a fact-finding mission to the mining district.", E),
    # look-alike: a mission of monitors
    ("The bloc sent a monitoring mission to the ceasefire line.", D),
    # posture and set-up restrictions
    ("The navy began large-scale exercises in the gulf.", E),
    ("Soldiers set up roadblocks around the provincial capital.", E),
    ("The two ministries set up a hotline for crises.", D),
    # a call for an immediate withdrawal is a demand (CAMEO 106)
    ("The assembly called for the immediate withdrawal of the garrison.", E),
]


_STATEMENTS_AND_VISITS = [
    # statements (CAMEO 01): judging too early, a proposal studied, optimism, symbolic acts
    ("The envoy said it was too early to judge the border talks.", N),
    ("Officials said they were studying the proposal for new quotas.", N),
    ("The premier voiced optimism that the dispute would be settled.", N),
    ("The president laid a wreath for the soldiers killed in the war.", N),
    # a visit postponed is one called off
    ("The minister's visit to Canberra was postponed.", E),
    # look-alike: the visit made
    ("The minister visited Canberra on Monday.", D),
]


_DISPUTES_SETTLED = [
    # a dispute settled, resolved or defused ends (CAMEO 037/08)
    ("The two neighbours settled their river dispute.", D),
    ("Envoys defused the row over the fishing boats.", D),
    ("The two sides exchanged prisoners at the crossing.", D),
    # look-alike: talks to resolve it that failed
    ("Talks to resolve the quota dispute collapsed.", E),
]


_PROCEEDINGS_AND_TRADE_LISTS = [
    # proceedings brought against a state are a complaint (CAMEO 114/115)
    ("Canberra launched WTO proceedings against Beijing over barley duties.", E),
    # the trade blacklists by their names
    ("Washington placed 12 Iranian firms on the Unverified List.", E),
    ("Commerce removed two universities from the Unverified List.", D),
]


_NUCLEAR_TESTS_AND_ORDERS_OUT = [
    # a nuclear test is a show of force; agencies ordered out are expelled (CAMEO 166)
    ("Pakistan carried out two underground nuclear tests.", E),
    ("Relief agencies were ordered out of the province by the army.", E),
    # look-alike: agencies let in
    ("Relief agencies were allowed into the province.", D),
]


_NEGATIONS_THAT_CANCEL_OR_BELONG = [
    # two negations cancel: not ruling out a move threatens it
    ("Beijing did not rule out further countermeasures against the bloc.", E),
    # a cue that holds its own negation is not negated by it
    ("The president said he had no intention of meeting the rebel envoy.", E),
    # a finite verb before a passive in a clause after it keeps the main event
    ("Ankara said it would not lift the blockade until the sailors were freed.", E),
    # staying away from a conference refuses it
    ("The rebels said they would not attend the peace conference.", E),
]


_BY_CATEGORY: dict[str, list[tuple[str, Label]]] = {
    "directives": _DIRECTIVES,
    "passives": _PASSIVES,
    "materiel_given_against_force_sent": _MATERIEL_GIVEN_AGAINST_FORCE_SENT,
    "restriction_nouns_as_modifiers": _RESTRICTION_NOUNS_AS_MODIFIERS,
    "moves_put_on_hold": _MOVES_PUT_ON_HOLD,
    "event_words_in_a_force_or_party_name": _EVENT_WORDS_IN_A_FORCE_OR_PARTY_NAME,
    "cooperation_named_with_a_force_word": _COOPERATION_NAMED_WITH_A_FORCE_WORD,
    "leading_statements": _LEADING_STATEMENTS,
    "nominal_and_headline_forms": _NOMINAL_AND_HEADLINE_FORMS,
    "reduced_relative_clauses": _REDUCED_RELATIVE_CLAUSES,
    "light_verbs_and_statements": _LIGHT_VERBS_AND_STATEMENTS,
    "taken_to_a_forum": _TAKEN_TO_A_FORUM,
    "measures_that_lapse": _MEASURES_THAT_LAPSE,
    "complements_and_idioms": _COMPLEMENTS_AND_IDIOMS,
    "wanting_hesitating_admitting": _WANTING_HESITATING_ADMITTING,
    "participants_as_subjects": _PARTICIPANTS_AS_SUBJECTS,
    "closer_ties_and_easing_prices": _CLOSER_TIES_AND_EASING_PRICES,
    "adjuncts_relatives_and_force": _ADJUNCTS_RELATIVES_AND_FORCE,
    "yielding_and_participant_adjectives": _YIELDING_AND_PARTICIPANT_ADJECTIVES,
    "verbs_governing_their_noun": _VERBS_GOVERNING_THEIR_NOUN,
    "munitions_dropped_on_a_target": _MUNITIONS_DROPPED_ON_A_TARGET,
    "headline_predicates": _HEADLINE_PREDICATES,
    "background_phrase_ends_at_the_main_verb": _BACKGROUND_PHRASE_ENDS_AT_THE_MAIN_VERB,
    "resumptions_and_bookings": _RESUMPTIONS_AND_BOOKINGS,
    "missions_exercises_and_set_up": _MISSIONS_EXERCISES_AND_SET_UP,
    "statements_and_visits": _STATEMENTS_AND_VISITS,
    "disputes_settled": _DISPUTES_SETTLED,
    "proceedings_and_trade_lists": _PROCEEDINGS_AND_TRADE_LISTS,
    "nuclear_tests_and_orders_out": _NUCLEAR_TESTS_AND_ORDERS_OUT,
    "negations_that_cancel_or_belong": _NEGATIONS_THAT_CANCEL_OR_BELONG,
}


@pytest.mark.parametrize(
    ("text", "label"),
    [
        pytest.param(text, label, id=f"{category}-{k}")
        for category, cases in _BY_CATEGORY.items()
        for k, (text, label) in enumerate(cases)
    ],
)
def test_each_wording_reads_as_its_category(read, text: str, label: Label) -> None:  # type: ignore[no-untyped-def]
    """Each case of a category, and each look-alike, reads with the direction it is listed with
    (the tables above, named after the category)."""
    assert read(text).label is label
