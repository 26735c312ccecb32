"""The learned event–location linker (geo/events/learned.py) on sentences written for these tests.

Each sentence is read by the real pipeline (recogniser, resolver), its candidates by the one
candidate generator (geo/events/linking.py), then scored by the shipped model."""
from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from geo.events import learned
from geo.events.context import place_refs
from geo.events.learned import LearnedLinker, Model
from geo.events.linking import Candidate, Linker, candidates
from geo.pipeline import make_linker

from conftest import analyse, pipeline

SOURCE = Path(learned.__file__).with_name("learned.py")      # the source, also where the module runs compiled


def cands(text: str, at: int = 0) -> tuple[int, int, list[Candidate]]:
    a = analyse(text, events=False)
    s = next(s for s in a.document.sentences if s.start <= at < s.end)
    others = [(m.start, m.end, m.kind) for m in a.mentions if m.kind == "embedded"]
    return s.start, s.end, candidates(text, s.start, s.end, place_refs(a), pipeline().gazetteer.lexicon, others)


def linked(text: str, trigger: str) -> list[str]:
    """The texts of the spans linked to the first occurrence of `trigger`."""
    t = text.index(trigger)
    s0, s1, c = cands(text, t)
    return [lk.candidate.text for lk in pipeline().linker.link(text, s0, s1, t, t + len(trigger), c)]


def test_the_default_linker_is_the_learned_one_and_holds_its_model():
    linker = pipeline().linker
    assert isinstance(linker, LearnedLinker) and isinstance(linker, Linker)
    assert isinstance(linker.model, Model) and 0.0 < linker.threshold < 1.0
    assert make_linker("learned").model is not linker.model        # each pipeline loads its own
    assert not any(isinstance(v, Model) for v in vars(learned).values())     # no module-level model
    with pytest.raises(ValueError):
        make_linker("oracle")


# ---------------------------------------------------------------- linking

@pytest.mark.parametrize("text,trigger,expected", [
    ("Shelling hit a bus in Donetsk on Thursday, killing eight people, officials in Kyiv said.", "Shelling",
     ["Donetsk"]),
    ("Gunmen killed five farmers in the village of Kwagbanor on Sunday, police said.", "killed", ["Kwagbanor"]),
    ("Speaking in Tokyo, the prime minister condemned the bombing in Kabul that killed 12 people.", "killed",
     ["Kabul"]),
    ("A Sudanese refugee was stabbed to death in Cairo on Friday.", "stabbed", ["Cairo"]),
    ("Government aircraft bombed the towns of Kafr Zita, Latamneh and Morek on Monday.", "bombed",
     ["Kafr Zita", "Latamneh", "Morek"]),
    ("Rebels shelled the Dara'a Al-Balad District overnight, the army said in a statement.", "shelled",
     ["Dara'a Al-Balad District"]),
    ("Police in Lagos said the suspects were arrested after a raid in the Ikorodu area.", "arrested", ["Ikorodu"]),
    ("An explosion ripped through a market in the northern city of Kano, witnesses told Reuters in Abuja.",
     "ripped", ["Kano"]),
    ("A bomb exploded at the Sinka Dheer market in Mogadishu on Saturday.", "exploded", ["Sinka Dheer"]),
    ("The minister said the attack was a cowardly act that would not go unpunished.", "attack", []),
    ("The company said its profits rose sharply last year.", "rose", []),
])
def test_links(text, trigger, expected):
    assert linked(text, trigger) == expected


def test_the_model_scores_only_candidates_that_may_be_places():
    text = "Shelling hit a bus in Donetsk on Thursday, killing eight people, in Kyiv and in Lviv."
    t = text.index("hit")
    s0, s1, c = cands(text)
    scored, feats = learned.candidate_features(text, s0, s1, t, t + 3, c, pipeline().gazetteer.lexicon)
    assert [x.text for x in scored] == ["Donetsk", "Kyiv", "Lviv"] and len(feats) == 3
    p = pipeline().linker.model.probabilities(feats)
    assert p.shape == (3,) and p[0] > 0.5
    # where officials spoke is no candidate place when the sentence names another
    text = "Shelling hit a bus in Donetsk on Thursday, killing eight people, officials in Kyiv said."
    s0, s1, c = cands(text)
    assert [(x.text, x.kind) for x in c if x.text in ("Donetsk", "Kyiv")] == [("Donetsk", "toponym"), ("Kyiv", "speaker")]
    assert [x.text for x in learned.candidate_features(text, s0, s1, t, t + 3, c)[0]] == ["Donetsk"]
    assert pipeline().linker.link(text, s0, s1, t, t + 3, []) == []
    # many triggers in one pass give what each gives alone
    t2 = text.index("killing")
    many = pipeline().linker.link_many(text, [(s0, s1, t, t + 3, c), (s0, s1, t2, t2 + 7, c)])
    assert many == [pipeline().linker.link(text, s0, s1, t, t + 3, c),
                    pipeline().linker.link(text, s0, s1, t2, t2 + 7, c)]
    assert "Kyiv" not in [lk.candidate.text for links in many for lk in links]     # where officials spoke


def test_a_threshold_above_every_probability_links_nothing():
    text = "Shelling hit a bus in Donetsk on Thursday."
    s0, s1, c = cands(text)
    assert LearnedLinker(pipeline().gazetteer.lexicon, threshold=1.01).link(text, s0, s1, 0, 8, c) == []
    assert [lk.candidate.text for lk in LearnedLinker(threshold=0.0).link(text, s0, s1, 0, 8, c)] == ["Donetsk"]


# ---------------------------------------------------------------- the model and the module

def test_forest_evaluates_a_hand_made_tree():
    # tree 1: x[1] <= 0.5 -> leaf 1 (value -2.0), else -> leaf 2 (value 3.0)
    # tree 2: x[0] <= 1 -> (x[1] <= 0 -> 10, else 20), else 40; depth 2 (tree 1's leaves stay put)
    big = 1e300
    forest = learned.Forest({
        "feature": [1, 0, 0, 0, 1, 0, 0, 0, 0], "threshold": [0.5, big, big, 1.0, 0.0, big, big, big, big],
        "left": [1, 1, 2, 4, 6, 5, 6, 7, 8], "value": [0, -2.0, 3.0, 0, 0, 40.0, 10.0, 20.0, 0],
        "roots": [0, 3], "depth": 2})
    x = np.array([[9.0, 0.0], [0.0, 1.0], [0.0, 0.5], [1.0, 0.0]])
    assert forest.raw(x).tolist() == [-2.0 + 40.0, 3.0 + 20.0, -2.0 + 20.0, -2.0 + 10.0]


def test_model_file_is_small_and_consistent():
    assert learned.MODEL_PATH.stat().st_size < 20e6
    model = Model.load()
    assert 0.0 < model.threshold < 1.0
    assert len(set(model.features)) == len(model.features)
    width = len(model.features)
    assert int(model.stage1.feature.max()) < width
    assert int(model.stage2.feature.max()) < width + len(learned.STACK_FEATURES)


def test_runtime_module_imports_only_stdlib_numpy_and_the_project():
    """No learning library at run time: the trees are read from JSON and walked by numpy (or by the
    project's own compiled loops, gazetteer/treewalk.pyx)."""
    tree = ast.parse(SOURCE.read_text("utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.split(".")[0])
    assert roots <= {"__future__", "json", "bisect", "dataclasses", "pathlib", "typing", "numpy", "geo", "gazetteer"}, roots


@pytest.mark.parametrize("path", [SOURCE, Path(__file__).resolve().parent.parent / "scripts" / "train_event_linker.py"])
def test_no_function_longer_than_80_lines(path):
    tree = ast.parse(path.read_text("utf-8"))
    long = [n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            and n.end_lineno - n.lineno + 1 > 80]
    assert long == []
