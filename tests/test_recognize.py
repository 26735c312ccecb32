"""Recognition on the seed article and on the cases that make a recogniser precise."""
import pytest

from tests.conftest import find_mentions
from gazetteer.text import split_sentences
from tests.conftest import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_mentions():
    return find_mentions(SEED_TEXT)


def texts(text, kinds=("toponym", "demonym")):
    return [m.text for m in find_mentions(text) if m.kind in kinds]


def test_offsets_point_at_the_mention(seed_mentions):
    assert seed_mentions
    for m in seed_mentions:
        assert SEED_TEXT[m.start:m.end] == m.text


def test_every_place_the_seed_names_is_found(seed_mentions):
    found = {m.text for m in seed_mentions if m.kind in ("toponym", "demonym")}
    for name in ("Wonsan", "Shimane prefecture", "Sea of Japan", "Korean peninsula", "Japan", "North Korea",
                 "South Korea", "Seoul", "Pyongyang", "Tokyo", "Hanoi", "Singapore", "New York",
                 "Washington", "Hong Kong", "DMZ", "demilitarised zone", "US", "Japanese", "North Korean"):
        assert name in found, name


def test_no_person_or_organisation_becomes_a_place(seed_mentions):
    places = [m for m in seed_mentions if m.kind in ("toponym", "demonym")]
    for m in places:
        for bad in ("Suga", "Moon", "Bolton", "Easley", "Kim", "Trump", "Asan", "Sejong", "Ewha", "Sogang",
                    "Shin", "Lee", "Primrose", "Riordan", "Yonhap", "May", "Since"):
            assert bad not in m.text, (m.text, bad)
    embedded = {m.text for m in seed_mentions if m.kind == "embedded"}
    assert embedded <= {"Asan", "Sejong"}


def test_demonyms_are_mentions_of_their_country():
    ms = find_mentions("The Japanese government protested; North Korean officials declined to comment.")
    assert [(m.text, m.kind) for m in ms] == [("Japanese", "demonym"), ("North Korean", "demonym")]


def test_person_names_are_not_places():
    text = "John Bolton met Mr Lewis in Paris. Lewis said Georgia Stevens would skate in Georgia."
    got = texts(text)
    assert "Paris" in got and got.count("Georgia") == 1
    assert "Lewis" not in got and "Bolton" not in got


def test_organisations_named_after_places_are_embedded():
    ms = find_mentions("She studied at the University of Kentucky and works for the Asan Institute.")
    kinds = {m.text: m.kind for m in ms}
    assert kinds.get("Kentucky") == "embedded"
    assert kinds.get("Asan") == "embedded"


def test_common_words_and_months_are_not_places():
    assert texts("Police said that May was busy. Will they come? Since March, nothing.") == []


def test_abbreviations_are_case_sensitive():
    assert texts("He lives in Alexandria, La., near the US border.") == ["Alexandria", "La.", "US"]
    assert "US" not in texts("Let us go home, he told us.")


def test_lower_case_forms_and_generic_words():
    assert texts("They met in the demilitarised zone on the Korean peninsula.") == \
        ["demilitarised zone", "Korean peninsula"]
    assert texts("It fell north-east of Shimane prefecture.") == ["Shimane prefecture"]


def test_names_broken_across_lines_are_found():
    ms = find_mentions("The storm reached St.\n   Petersburg and the Sea of\n    Japan overnight.")
    assert [m.text for m in ms] == ["St.\n   Petersburg", "Sea of\n    Japan"]


def test_other_scripts_are_found():
    text = "미사일은 원산에서 발사됐다. 하노이 회담 이후"
    got = texts(text)
    assert "하노이" in got


def test_sentences_do_not_split_at_abbreviations():
    spans = split_sentences("Mr. Kim met U.S. officials in St. Louis. Then he left. \"Fine,\" he said.")
    assert len(spans) == 3


def test_datelines_in_capitals_but_not_acronyms():
    assert texts("KYIV, Ukraine (AP) — Shelling hit Kharkiv.") == ["KYIV", "Ukraine", "Kharkiv"]
    assert texts("ROME (Reuters) - The talks ended.") == ["ROME"]
    assert texts("AMLO said the SUV was found near the PTA office.") == []


def _placed(text):
    from tests.conftest import analyse
    return [(r.mention.text, r.place.name if r.place else None, r.place.feature_type if r.place else None)
            for r in analyse(text, events=False).resolutions if r.mention.kind in ("toponym", "demonym")]


def test_organisations_an_alternate_name_shares_with_a_place_are_not_places():
    # GeoNames lists "Hamas" among Hamm's names and "Taliban" among a Turkish village's
    assert _placed("Israel struck Hamas targets in Gaza.") == [("Israel", "Israel", "country"),
                                                               ("Gaza", "Gaza", "city")]
    assert [m for m, _, _ in _placed("The Taliban seized Kabul in August.")] == ["Kabul"]


def test_a_name_that_says_it_is_water_is_the_water():
    # a town called North Sea (New York), the Sudanese state called Red Sea, a town called Hudson Bay
    for name in ("North Sea", "Red Sea", "Hudson Bay"):
        assert _placed(f"A tanker was hit in the {name} on Monday.") == [(name, name, "water")]
    # the division's own cue word still chooses it
    assert _placed("Protesters gathered in Red Sea state.") == [("Red Sea state", "Red Sea", "admin1")]


def test_a_strait_the_gazetteer_lacks_is_not_a_village_of_its_first_word():
    # "Sunda" is an alternate name of Sund (Aland, 1,016 people); the strait is its own entry now
    assert _placed("A tsunami hit towns along the Sunda Strait.") == [("Sunda Strait", "Sunda Strait", "water")]
    assert _placed("The boat sank in the Sund Strait.") == [("Sund Strait", None, None)]
    assert _placed("The ferry crossed the Kerch Strait.")[0][2] == "water"


def test_a_given_name_before_a_generic_word_is_a_place():
    # "Manila" is also a given name; "Manila Bay" is no person
    assert _placed("Chinese ships were seen in Manila Bay on Monday.")[1][:2] == ("Manila Bay", "Manila")


def test_a_storm_s_name_is_no_place():
    assert [m for m, _, _ in _placed("Hurricane Milton made landfall near Siesta Key, Florida.")] \
        == ["Siesta Key", "Florida"]
    assert [m for m, _, _ in _placed("Tropical Storm Alberto hit Tampico on Thursday.")] == ["Tampico"]
    assert [m for m, _, _ in _placed("Police in Storm Lake said on Monday.")] == ["Storm Lake"]


def test_a_place_named_after_a_title_is_a_place_and_a_titled_person_is_not():
    assert [m for m, _, _ in _placed("Drones hit Prince Sultan Air Base on Monday.")] == ["Prince Sultan Air Base"]
    assert [m for m, _, _ in _placed("A flight landed at Queen Alia International Airport.")] \
        == ["Queen Alia International Airport"]
    assert [m for m, _, _ in _placed("Queen Elizabeth visited Ottawa.")] == ["Ottawa"]


def test_a_shoal_or_reef_the_gazetteer_lacks_is_not_a_town_of_its_first_word():
    # "Sabina Shoal" was Sabina, Ohio, before the shoal was in the gazetteer
    assert [x for x in _placed("Ships anchored near Nonesuch Shoal.") if x[1] is not None] == []
    assert _placed("A coast guard ship collided with a vessel near Sabina Shoal.")[0][:2] == ("Sabina Shoal", "Sabina Shoal")


def test_the_token_patterns_read_a_possessive_and_a_full_stop_alike_on_every_python_3_11():
    """Python 3.11.0-3.11.4 matched possessive quantifiers wrongly ("Sheriff’s" as one word, "14."
    as a number); the patterns are written without them, so every 3.11 reads the same."""
    import re

    from gazetteer.recognize import _CAPITAL_TOKEN
    from geo.events.linking import tokens
    from geo.spatial.measure import NUMBER_PATTERN

    text = "The Sheriff’s Office said on Nov. 14. It was 1,200.5 km away."
    assert [m.group() for m in _CAPITAL_TOKEN.finditer(text)] == ["The", "Sheriff", "Office", "Nov", "It"]
    assert [t.text for t in tokens(text, 0, len(text))][:4] == ["The", "Sheriff", "’s", "Office"]
    assert re.findall(NUMBER_PATTERN, text) == ["14", "1,200.5"]


def test_a_chunk_reads_alike_with_its_gaps_as_written_or_compacted():
    """The one-slice compaction (gaps kept as written) and the token-by-token one agree."""
    from gazetteer.normalize import fold
    from gazetteer.recognize import Recognizer, _tokenize
    rec = Recognizer()
    for text in ("They flew to St. Louis yesterday.", "in Port-au-Prince and", "near Stoke-on-Trent now",
                 "the U.S. Army said", "in New York, Shimane prefecture"):
        tokens, _ = _tokenize(text, split_sentences(text))
        ftext = fold(text)
        caps = [k for k, t in enumerate(tokens) if t.cap]
        i, j = caps[0], caps[-1] + 1
        tail = rec._tail(text, tokens, j)
        assert rec._compact_chunk(text, ftext, tokens, i, j, tail) == rec._compact_gaps(text, ftext, tokens, i, j, tail)


def test_the_longest_usable_name_wins_and_an_abbreviation_keeps_its_case():
    assert texts("Protesters marched in New York City on Monday.") == ["New York City"]
    assert "US" in texts("The US said it would act.")
    assert texts("They met in Ky. and in Calif. and in Ga. on Friday.") == ["Ky.", "Calif.", "Ga."]


@pytest.mark.parametrize("text,names", [
    # "abandoned ship" is an idiom, not an apposition naming a ship after the place before it
    ("In Paris, in the Black Sea, the crew abandoned ship.", {"Paris", "Black Sea"}),
    # a capitalised preposition that starts a sentence is no part of the name after it
    ("Off Sinop, in the Black Sea, the crew abandoned ship.", {"Sinop", "Black Sea"}),
    ("Outside Kyiv, fighting raged for a week.", {"Kyiv"}),
    ("Across Texas, storms knocked out power.", {"Texas"}),
])
def test_sentence_initial_prepositions_and_ship_idioms(text, names):
    got = {m.text: m.kind for m in find_mentions(text)}
    assert set(got) == names and set(got.values()) == {"toponym"}, got


def test_a_ship_named_after_a_place_is_still_a_ship():
    assert find_mentions("The Moskva, a guided-missile cruiser, sank in April.") == []


@pytest.mark.parametrize("text,names", [
    ("Troops moved to Camp 15 near Mosul.", {"Mosul"}),
    ("US forces at Tower 22 in Jordan were attacked.", {"US", "Jordan"}),
    # a strong name before a number is still that place ("struck Kyiv 12 times")
    ("Russia struck Kyiv 12 times this month.", {"Russia", "Kyiv"}),
])
def test_a_common_word_before_a_small_number_is_a_designation(text, names):
    assert {m.text for m in find_mentions(text)} == names


@pytest.mark.parametrize("text, name", [
    # ", the vessel's operator said" is no apposition making the name before it a ship's
    ("A tanker was attacked by a drone in the Gulf of Oman, the vessel's operator said.", "Gulf of Oman"),
    # a facility's generic words in lower case are part of its name when the gazetteer has the facility
    ("Explosions destroyed several warplanes at Saky air base on Thursday.", "Saky air base"),
    ("The IAEA said the Zaporizhzhia nuclear power plant had lost external power again.",
     "Zaporizhzhia nuclear power plant"),
    ("Food rations were cut at the Jenin refugee camp.", "Jenin refugee camp"),
    # a given name after a bearing or "off" is a place ("Miyako" is a Japanese given name)
    ("The epicentre was about 50 km east of Miyako.", "Miyako"),
    ("A fishing boat capsized off Miyako on Friday.", "Miyako"),
    # the article written in lower case before a name is part of it
    ("Thousands of displaced families crowded into tents in al-Mawasi on Friday.", "al-Mawasi"),
    ("RSF fighters shelled el-Fasher again, residents said.", "el-Fasher"),
    # what the text calls a name right after it makes it a place, whatever word it also is
    ("Ukraine retook Lyman, a rail hub in the northern Donetsk region, after Russian troops withdrew.", "Lyman"),
    ("Estonia's government said Narva, its largely Russian-speaking border city, faced no threat.", "Narva"),
    # lower-case words inside names: "es" (it made "Dar es Salaam" Dar in Cambodia), "des"
    ("Floods hit Dar es Salaam on Monday.", "Dar es Salaam"),
    ("Fighting in Croix des Bouquets continued on Monday.", "Croix des Bouquets"),
    ("Gang members kidnapped missionaries in Croix-des-Bouquets, near Port-au-Prince.", "Croix-des-Bouquets"),
])
def test_names_as_incident_reports_write_them(text, name):
    assert name in {m.text for m in find_mentions(text)}


@pytest.mark.parametrize("text, names", [
    # "and" inside a name the gazetteer has: one place
    ("Troops shelled villages in the Poonch district of Jammu and Kashmir overnight.",
     ["Poonch district", "Jammu and Kashmir"]),
    ("Floods hit Trinidad and Tobago and Bosnia and Herzegovina.", ["Trinidad and Tobago", "Bosnia and Herzegovina"]),
    # …and a list of two places stays two
    ("Rockets were fired at Israel and Gaza on Monday.", ["Israel", "Gaza"]),
    ("Storms hit Kansas and Missouri.", ["Kansas", "Missouri"]),
])
def test_and_joins_a_name_only_where_the_gazetteer_has_it_whole(text, names):
    assert texts(text, ("toponym",)) == names
