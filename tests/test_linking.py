"""Event-location linking (geo/linking.py) on sentences written for these tests.

Each sentence is run through the real recogniser and resolver, then the shipped model."""
from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from gazetteer.recognize import Recognizer
from gazetteer.resolve import Resolver
from gazetteer.text import split_sentences
from geo import linking
from geo.linking import Candidate, candidate_spans, link_locations

SOURCE = Path(linking.__file__)
_READERS: list = []       # one recogniser and resolver for the module (they load the gazetteer)


def _resolved(text: str, sents) -> list:
    if not _READERS:
        _READERS.extend((Recognizer(), Resolver()))
    recognizer, resolver = _READERS
    return resolver.resolve(text, recognizer.find(text, sents), 0)


def _sentence(text: str, offset: int):
    return next(s for s in split_sentences(text) if s.start <= offset < s.end)


def cands(text: str, at: int = 0) -> list[Candidate]:
    sents = split_sentences(text)
    resolutions = _resolved(text, sents)
    s = _sentence(text, at)
    return candidate_spans(text, s.start, s.end, resolutions)


def linked(text: str, trigger: str) -> list[str]:
    """The texts of the spans linked to the first occurrence of `trigger`."""
    t = text.index(trigger)
    s = _sentence(text, t)
    found = link_locations(text, s.start, s.end, t, t + len(trigger), cands(text, t))
    return [text[a:b] for a, b, _ in found]


# ---------------------------------------------------------------- linking

def test_event_place_not_the_officials_place():
    text = "Shelling hit a bus in Donetsk on Thursday, killing eight people, officials in Kyiv said."
    assert linked(text, "killing") == ["Donetsk"]


def test_unknown_village_is_linked():
    text = "Gunmen killed five farmers in the village of Kwagbanor on Sunday, police said."
    village = [c for c in cands(text) if c.text == "Kwagbanor"]
    assert village and village[0].kind == "name"         # not in the gazetteer: a capitalised run
    assert linked(text, "killed") == ["Kwagbanor"]


def test_no_place_gives_none():
    assert linked("The minister said the attack was a cowardly act that would not go unpunished.", "attack") == []
    assert linked("The company said its profits rose sharply last year.", "rose") == []


def test_speaker_location_is_not_the_event_location():
    text = "Speaking in Tokyo, the prime minister condemned the bombing in Kabul that killed 12 people."
    assert linked(text, "killed") == ["Kabul"]


def test_demonym_of_a_person_is_not_a_location():
    assert linked("A Sudanese refugee was stabbed to death in Cairo on Friday.", "stabbed") == ["Cairo"]


def test_every_place_of_a_list_is_linked():
    text = "Government aircraft bombed the towns of Kafr Zita, Latamneh and Morek on Monday."
    assert linked(text, "bombed") == ["Kafr Zita", "Latamneh", "Morek"]


def test_unknown_district_name_is_linked_whole():
    text = "Rebels shelled the Dara'a Al-Balad District overnight, the army said in a statement."
    assert linked(text, "shelled") == ["Dara'a Al-Balad District"]


def test_specific_place_rather_than_the_city_of_the_police():
    text = "Police in Lagos said the suspects were arrested after a raid in the Ikorodu area."
    assert linked(text, "arrested") == ["Ikorodu"]


def test_place_of_the_news_agency_is_not_linked():
    text = "An explosion ripped through a market in the northern city of Kano, witnesses told Reuters in Abuja."
    assert linked(text, "ripped") == ["Kano"]


def test_probabilities_and_threshold():
    text = "Shelling hit a bus in Donetsk on Thursday, killing eight people, officials in Kyiv said."
    t = text.index("killing")
    c = cands(text)
    everything = link_locations(text, 0, len(text), t, t + 7, c, threshold=0.0)
    assert [text[a:b] for a, b, _ in everything] == [x.text for x in c]      # text order, one per candidate
    assert all(0.0 <= p <= 1.0 for _, _, p in everything)
    best = max(everything, key=lambda x: x[2])
    assert text[best[0]:best[1]] == "Donetsk"
    assert link_locations(text, 0, len(text), t, t + 7, []) == []
    assert link_locations(text, 0, len(text), t, t + 7, c, threshold=1.01) == []


# ---------------------------------------------------------------- candidates

def test_candidates_are_capitalised_runs_with_the_recognisers_kind():
    text = "Rebels shelled the Dara'a Al-Balad District and Sheikh Sa'eed near Aleppo on Saturday."
    got = {c.text: (c.kind, c.feature_type) for c in cands(text)}
    # the run carries the kind of the mention inside it: a name the gazetteer lacks ("name"), or,
    # now that the gazetteer reads "Dara'a" in it, that town's
    assert "Dara'a Al-Balad District" in got and got["Dara'a Al-Balad District"] in (("name", ""), ("toponym", "city"))
    assert "Sheikh Sa'eed" in got
    assert got["Aleppo"][0] == "toponym" and got["Aleppo"][1] in ("city", "admin1")
    assert "Saturday" not in got and not any("Saturday" in k for k in got)


def test_candidates_split_at_possessives_and_drop_sentence_initial_function_words():
    text = "The attack hit Kandahar's Loi Karez neighbourhood."
    got = [c.text for c in cands(text)]
    assert "The" not in got
    assert "Kandahar" in got and "Loi Karez" in got


def test_candidates_stay_inside_their_sentence():
    text = "Troops entered Mosul. Then they shelled Tal Afar on Monday."
    second = text.index("Then")
    got = [c.text for c in cands(text, second)]
    assert "Tal Afar" in got and "Mosul" not in got


def test_arabic_article_in_lower_case_joins_the_name():
    got = [c.text for c in cands("Jets struck the town of Deir ez-Zor and al-Bukamal at dawn.")]
    assert "Deir ez-Zor" in got and "al-Bukamal" in got


# ---------------------------------------------------------------- the model and the module

def test_forest_evaluates_a_hand_made_tree():
    # tree 1: x[1] <= 0.5 -> leaf 1 (value -2.0), else -> leaf 2 (value 3.0)
    # tree 2: x[0] <= 1 -> (x[1] <= 0 -> 10, else 20), else 40; depth 2 (tree 1's leaves stay put)
    big = 1e300
    forest = linking.Forest({
        "feature": [1, 0, 0, 0, 1, 0, 0, 0, 0], "threshold": [0.5, big, big, 1.0, 0.0, big, big, big, big],
        "left": [1, 1, 2, 4, 6, 5, 6, 7, 8], "value": [0, -2.0, 3.0, 0, 0, 40.0, 10.0, 20.0, 0],
        "roots": [0, 3], "depth": 2})
    x = np.array([[9.0, 0.0], [0.0, 1.0], [0.0, 0.5], [1.0, 0.0]])
    assert forest.raw(x).tolist() == [-2.0 + 40.0, 3.0 + 20.0, -2.0 + 20.0, -2.0 + 10.0]


def test_model_file_is_small_and_consistent():
    assert linking.MODEL_PATH.stat().st_size < 20e6
    model = linking.Model.load()
    assert 0.0 < model.threshold < 1.0
    assert len(set(model.features)) == len(model.features)
    width = len(model.features)
    assert int(model.stage1.feature.max()) < width
    assert int(model.stage2.feature.max()) < width + len(linking.STACK_FEATURES)


def test_runtime_module_imports_only_stdlib_numpy_and_gazetteer():
    tree = ast.parse(SOURCE.read_text("utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.split(".")[0])
    assert roots <= {"__future__", "json", "re", "bisect", "collections", "dataclasses", "pathlib", "numpy",
                     "gazetteer"}, roots


@pytest.mark.parametrize("path", [SOURCE, Path(__file__).resolve().parent.parent / "scripts" / "train_event_linker.py"])
def test_no_function_longer_than_80_lines(path):
    tree = ast.parse(path.read_text("utf-8"))
    long = [n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            and n.end_lineno - n.lineno + 1 > 80]
    assert long == []
