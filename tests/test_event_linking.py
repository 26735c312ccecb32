"""Event–location linking (geo/events/linking.py): which names in a sentence say where its event
happened, on sentences read by the real gazetteer."""
from __future__ import annotations

import pytest

from geo.events.context import place_refs
from geo.events.linking import Candidate, Link, Linker, RuleLinker, candidates

from conftest import analyse, pipeline

LINKER = RuleLinker()


def _cands(text: str) -> list[Candidate]:
    a = analyse(text, events=False)
    others = [(m.start, m.end, m.kind) for m in a.mentions if m.kind == "embedded"]
    return candidates(text, 0, len(text), place_refs(a), pipeline().gazetteer.lexicon, others)


def links(text: str, trigger: str, nth: int = 0) -> list[str]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(trigger, start + 1)
    return [lk.candidate.text for lk in LINKER.link(text, 0, len(text), start, start + len(trigger), _cands(text))]


def test_the_rule_linker_is_a_linker():
    assert isinstance(LINKER, Linker)
    text = "Shelling hit a trolleybus in Donetsk on Thursday."
    (lk,) = LINKER.link(text, 0, len(text), 0, 8, _cands(text))
    assert isinstance(lk, Link) and lk.why == "in" and 0 < lk.score <= 1
    assert lk.candidate.place is not None and lk.candidate.place.country_code == "UA"


def test_where_the_speaker_spoke_is_not_where_it_happened():
    text = "Shelling hit a bus in Donetsk on Thursday, killing eight people, officials in Kyiv said."
    assert links(text, "Shelling") == ["Donetsk"]
    assert links(text, "killing") == ["Donetsk"]
    assert links("A car bomb killed five people in Karbala, police said in Baghdad.", "killed") == ["Karbala"]
    assert links("The minister said in Tokyo that the missile had been fired.", "fired") == []


def test_demonyms_persons_and_organisations_are_no_places():
    assert links("A Sudanese refugee was stabbed on Monday.", "stabbed") == []
    assert links("Gunmen shot President Moon Jae-in's bodyguard.", "shot") == []
    assert links("The Syrian Arab Army attacked the rebels in Idlib.", "attacked") == ["Idlib"]


def test_a_name_the_gazetteer_lacks_still_says_where():
    text = "The 50-year-old widow was found murdered at her Reshimbagh residence on Saturday evening."
    (c,) = [c for c in _cands(text) if c.text == "Reshimbagh"]
    assert c.kind == "name" and c.place is None
    assert links(text, "murdered") == ["Reshimbagh"]


@pytest.mark.parametrize("text,trigger,expected", [
    # of a chain of places one inside the other, the most specific
    ("A bomb exploded at a mosque in Peshawar, Pakistan, on Friday.", "exploded", ["Peshawar"]),
    ("A roadside bomb killed six people in Baghdad's western Amriya district.", "killed", ["Amriya"]),
    ("Israeli soldiers shot a man in a village near the West Bank city of Hebron.", "shot", ["Hebron"]),
    ("Gunmen attacked a police post in the Giro district of Ghazni province.", "attacked", ["Giro"]),
    # a list, whole
    ("Warplanes struck insurgent targets in the governorates of Daraa, Sweida and Quneitra.", "struck",
     ["Daraa", "Sweida", "Quneitra"]),
    # objects, passive subjects, modifiers
    ("Rebels stormed Aleppo at dawn.", "stormed", ["Aleppo"]),
    ("Rebels captured the strategic town of Maaloula.", "captured", ["Maaloula"]),
    ("Kharkiv was shelled overnight.", "shelled", ["Kharkiv"]),
    ("Investigators are still at work after the Kabul bombing.", "bombing", ["Kabul"]),
])
def test_chains_lists_objects_subjects_modifiers(text, trigger, expected):
    assert links(text, trigger) == expected


def test_the_nearest_place_in_the_clause_wins():
    text = "The army launched an offensive in northern Hama on Tuesday, targeting the key village of Kawkab."
    assert links(text, "launched") == ["Hama"]
    assert links(text, "targeting") == ["Kawkab"]


def test_where_clause_and_sentence_frame():
    assert links("He was shot on Avenida Brasil, where two officials were gunned down last year.",
                 "gunned") == ["Avenida Brasil"]
    assert links("In the western city of Gagnoa, police clashed with demonstrators.", "clashed") == ["Gagnoa"]


def test_what_a_protest_is_against_is_not_where_it_is():
    text = "Thousands gathered to protest against the killing of five youths in Sopore last week."
    assert links(text, "protest") == []


def test_verbs_of_saying_have_no_place():
    assert links("Police in Kano said the attack killed ten people.", "said") == []


def test_a_title_case_headline_offers_only_known_names():
    text = "OSCE Envoy Condemns Dvani Attack That Killed One Policeman"
    assert [c.text for c in _cands(text) if c.kind == "name"] == []
    # a name-dense sentence is no headline
    text = "The Islamic State launched an offensive on Tal Bizam and Kafr Rouma."
    assert {"Tal Bizam", "Kafr Rouma"} <= {c.text for c in _cands(text) if c.kind == "name"}


def test_a_clocks_zone_is_no_place():
    text = "The missiles were fired at around 7.10am Tokyo time on Wednesday."
    assert [(c.text, c.kind) for c in _cands(text)] == [("Tokyo", "other")]
    assert links(text, "fired") == []


def test_a_title_inside_a_name_makes_a_person_unless_a_place_noun_ends_it():
    kinds = {c.text: c.kind for c in _cands("The crown prince detained Prime Minister Saad Hariri at the King Fahd "
                                             "Hospital in Jeddah.")}
    assert kinds["Prime Minister Saad Hariri"] == "person" and kinds["King Fahd Hospital"] == "name"
    assert {c.kind for c in _cands("He was detained under the Mental Health Act.")} == {"other"}     # a law


def test_a_victim_named_after_a_noun_is_a_person():
    kinds = {c.text: c.kind for c in _cands("Thousands mourned slain politician Benazir Bhutto in Larkana.")}
    assert kinds["Benazir Bhutto"] == "person"


def test_where_someone_spoke_is_no_candidate_place_when_another_is_named():
    kinds = {c.text: c.kind for c in _cands("Shelling hit a bus in Donetsk, officials in Kyiv said.")}
    assert kinds["Kyiv"] == "speaker" and kinds["Donetsk"] == "toponym"
    only = {c.text: c.kind for c in _cands("A police source in Ramadi said the blast killed four people.")}
    assert only["Ramadi"] == "toponym"          # the only place named: usually where it happened


def test_a_place_describing_the_next_one_stands_for_it():
    """"the Black Sea city of Batumi": the arrest was in Batumi, not on the sea; a link to the sea
    alone becomes one to the city, once."""
    from geo.events.linking import vetted
    text = "Police arrested a journalist in the Black Sea city of Batumi on Sunday."
    sea = Candidate(text.index("Black Sea"), text.index("Black Sea") + 9, "Black Sea", "toponym")
    city = Candidate(text.index("Batumi"), text.index("Batumi") + 6, "Batumi", "toponym")
    s, e = text.index("arrested"), text.index("arrested") + 8
    assert [lk.candidate.text for lk in vetted(text, 0, len(text), s, e, [sea, city], [Link(sea, 0.9, "in")])] == ["Batumi"]
    both = vetted(text, 0, len(text), s, e, [sea, city], [Link(sea, 0.9, "in"), Link(city, 0.8, "of")])
    assert [lk.candidate.text for lk in both] == ["Batumi"]
    # a sea that is where it happened stays
    text2 = "A tanker sank in the Black Sea near the city of Batumi."
    sea2 = Candidate(text2.index("Black Sea"), text2.index("Black Sea") + 9, "Black Sea", "toponym")
    city2 = Candidate(text2.index("Batumi"), text2.index("Batumi") + 6, "Batumi", "toponym")
    assert [lk.candidate.text for lk in vetted(text2, 0, len(text2), 9, 13, [sea2, city2], [Link(sea2, 0.9, "in")])] == [
        "Black Sea"]


def test_a_ships_flag_or_an_owners_country_is_a_suffix_not_a_place():
    from geo.events.linking import tokens
    text = "a Liberian-flagged, Greek-owned and Malta-registered tanker"
    assert [t.text for t in tokens(text, 0, len(text))] == [
        "a", "Liberian", "-flagged", ",", "Greek", "-owned", "and", "Malta", "-registered", "tanker"]
