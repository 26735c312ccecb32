"""The shared trigger vocabulary (geo/vocabulary.py), the taxonomy (geo/events/taxonomy.py) and the
trigger reader that types each trigger (geo/events/triggers.py)."""
from __future__ import annotations

import re

import pytest

from geo.events.registry import FAMILIES
from geo.events.taxonomy import BY_NAME, TYPES, family_types
from geo.events.triggers import TriggerLexicon
from geo.vocabulary import IMPACT_VERBS, LAUNCH_VERBS, SPEECH_VERBS, TRIGGER_WORDS, forms_of, plural, verb_forms

from conftest import ROOT

LEX = TriggerLexicon()


@pytest.mark.parametrize("lemma,form,expected", [
    ("strike", "past", "struck"), ("shoot", "participle", "shot"), ("patrol", "ing", "patrolling"),
    ("kidnap", "past", "kidnapped"), ("capsize", "ing", "capsizing"), ("splash down", "third", "splashes down"),
    ("test-fire", "past", "test-fired"), ("make landfall", "past", "made landfall"), ("fly over", "ing", "flying over"),
    ("bury", "past", "buried"), ("sink", "participle", "sunk"), ("detonate", "third", "detonates"),
    ("gun down", "past", "gunned down"), ("ram into", "ing", "ramming into"), ("fight", "past", "fought"),
    ("burst its banks", "past", "burst its banks"),
])
def test_every_inflection_is_generated(lemma, form, expected):
    assert expected in verb_forms(lemma)[form]


def test_plurals_of_nominalisations():
    assert [plural(w) for w in ("strike", "air strike", "blaze", "casualty", "clash")] == [
        "strikes", "air strikes", "blazes", "casualties", "clashes"]


def test_the_missile_family_keeps_every_word_it_read_and_reads_falling_into():
    # the lists the seeds were read with, before the vocabulary was generated
    before_launch = {"fired", "fires", "launched", "launches", "test-fired", "test-fires", "test-launched",
                     "lifted off", "took off"}
    before_impact = {"landed", "lands", "fell", "falls", "splashed down", "splashes down", "impacted", "crashed",
                     "came down", "dropped"}
    assert before_launch <= set(LAUNCH_VERBS) and before_impact <= set(IMPACT_VERBS)
    assert {"falling", "landing", "coming down"} <= set(IMPACT_VERBS)
    assert set(SPEECH_VERBS) == {"said", "says", "say", "confirmed", "confirms", "announced", "announces",
                                 "reported", "reports", "told", "added", "stated", "according to", "claimed", "claims"}
    assert forms_of(("fire", "launch"), "past") == ("fired", "launched")


def test_every_type_has_an_icon_a_colour_and_a_registered_family():
    assert len({t.name for t in TYPES}) == len(TYPES) >= 26
    for t in TYPES:
        assert t.icon and len(t.icon) == 1
        assert re.fullmatch(r"#[0-9a-f]{6}", t.colour)
        assert t.family in FAMILIES, t
    for name in TRIGGER_WORDS:
        assert name.split("#")[0] in BY_NAME
    assert family_types("hazards") == {"earthquake", "tsunami", "flood", "wildfire", "storm", "eruption"}


def test_the_readme_lists_every_type_with_its_icon_and_colour():
    readme = (ROOT / "README.md").read_text("utf-8")
    for t in TYPES:
        assert f"`{t.name}`" in readme and t.icon in readme and t.colour in readme, t.name


def _types(sentence: str) -> list[tuple[str, str]]:
    return [(t.text, t.type) for t in LEX.find(sentence, 0, len(sentence))]


@pytest.mark.parametrize("sentence,expected", [
    ("A magnitude 7.5 earthquake struck north-east of Anamizu.", [("earthquake", "earthquake"),
                                                                  ("struck", "earthquake")]),
    ("A merchant vessel was struck by a missile off Yemen.", [("struck", "ship_attack")]),
    ("Russian missiles struck the city overnight.", [("struck", "airstrike")]),
    ("Ukrainian sea drones attacked a Russian landing ship near Feodosia.", [("attacked", "ship_attack")]),
    ("Houthi rebels seized the cargo ship in the Red Sea.", [("seized", "ship_seizure")]),
    ("Rebels seized the town after heavy fighting.", [("seized", "attack"), ("fighting", "attack")]),
    ("Workers went on strike in Paris.", [("strike", "protest")]),
    ("Israeli strikes on Khan Younis killed 20 people.", [("strikes", "airstrike"), ("killed", "killing")]),
    ("An explosion at a chemical plant killed 173 people.", [("explosion", "industrial"), ("killed", "killing")]),
    ("Two oil tankers collided in the Strait of Hormuz.", [("collided", "ship_accident")]),
    ("The plane crashed shortly after take-off.", [("crashed", "aircraft_crash")]),
    ("A suicide bomber blew himself up at a checkpoint.", [("blew himself up", "explosion")]),
    ("Typhoon Hagibis made landfall near Izu.", [("Typhoon", "storm"), ("made landfall", "storm")]),
    ("Thousands marched in Tbilisi and riot police made arrests.", [("marched", "protest"), ("arrests", "arrest")]),
])
def test_triggers_are_typed_by_the_cue_nearest_them(sentence, expected):
    assert _types(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "Stock prices fell and shares hit a record in Tokyo.",            # "hit" with nothing to cue it
    "Tokyo lodged a protest through its embassy in Beijing.",          # a diplomatic protest
    "The two countries agreed last month to deploy the system.",       # intended, not done
    "A tsunami warning was issued for the coast of Hokkaido.",         # a precaution
    "Air raid sirens sounded on Ulleung island.",
    "The army did not attack the town.",                               # negated
    "The talks will resume in March in Geneva.",                       # the month
    "Riot police stood by in Minsk.",
])
def test_no_trigger_where_nothing_happened(sentence):
    assert _types(sentence) == []


def test_a_given_trigger_is_typed_by_the_vocabulary_or_not_at_all():
    s = "Shelling hit a trolleybus in Donetsk on Thursday killing 8 people, an official said."
    assert LEX.type_of(s, s.index("Shelling"), s.index("Shelling") + 8, 0, len(s)) == "shelling"
    assert LEX.type_of(s, s.index("killing"), s.index("killing") + 7, 0, len(s)) == "killing"
    assert LEX.type_of(s, s.index("said"), s.index("said") + 4, 0, len(s)) == ""


@pytest.mark.parametrize("sentence", [
    "McDonnell is counting on Huckabee for the impending battle with the winner of the nomination.",
    "These tariffs that have targeted China confirm the administration's course.",
    "The senator suffered a heart attack in Washington.",
])
def test_words_of_politics_and_medicine_are_no_attacks(sentence):
    assert _types(sentence) == []


def test_battles_and_targets_of_war_are_attacks():
    assert _types("Rebels targeted army positions near Hama.") == [("targeted", "attack")]
    assert _types("A fierce battle raged between troops and militants.") == [("battle", "attack")]
