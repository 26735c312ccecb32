"""The sample articles keep every result they had before events of other kinds were read: the
same events (labels, times, positions within metres, claims, zones, conflicts), relations, areas
and places (tests/data/seed_results.json, written from `python -m geo parse` on each seed)."""
from __future__ import annotations

import json

import pytest

from geo.io.export import to_feature_collection
from geo.io.reader import read_file

from conftest import ROOT, pipeline
from seed_digest import digest

EXPECTED = json.loads((ROOT / "tests" / "data" / "seed_results.json").read_text("utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_results_are_unchanged(name):
    article = read_file(str(ROOT / "seeds" / f"{name}.txt"))
    got = digest(to_feature_collection(pipeline().analyse(article.text, article.meta())))
    want = EXPECTED[name]
    assert [e["label"] for e in got["events"]] == [e["label"] for e in want["events"]]
    for g, w in zip(got["events"], want["events"]):
        assert g == w, (g["label"], {k: (g[k], w[k]) for k in g if g[k] != w[k]})
    assert got["relations"] == want["relations"]
    assert got["areas"] == want["areas"]
    assert got["places"] == want["places"]
