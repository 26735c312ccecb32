"""Scoring functions and corpus loaders of benchmarks/, on hand-computed examples and small
synthetic corpora written to tmp_path in each corpus' format (the real corpora may be absent)."""
from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from benchmarks import corpora, scoring
from benchmarks.scoring import MAX_ERROR_KM, resolution_scores, span_prf

REPO = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------------------------
# Recognition: exact spans, micro-averaged

def test_span_prf_micro_average_by_hand():
    gold = [[(0, 5), (10, 15), (20, 25)], [(3, 8)]]
    pred = [[(0, 5), (10, 14), (30, 35)], [(3, 8), (40, 45)]]
    # article 1: tp 1 (0,5); fp 2 (10,14 is a boundary error, 30,35 spurious); fn 2
    # article 2: tp 1; fp 1; fn 0  ->  tp 2, fp 3, fn 2
    r = span_prf(gold, pred)
    assert (r["tp"], r["fp"], r["fn"]) == (2, 3, 2)
    assert r["precision"] == pytest.approx(2 / 5)
    assert r["recall"] == pytest.approx(2 / 4)
    assert r["f1"] == pytest.approx(2 * 0.4 * 0.5 / 0.9)
    # micro, not macro: the mean of per-article precisions would be (1/3 + 1/2) / 2
    assert r["precision"] != pytest.approx((1 / 3 + 1 / 2) / 2)


def test_span_prf_exact_match_only_and_duplicates_once():
    assert span_prf([[(0, 6)]], [[(0, 5)]])["f1"] == 0.0          # off by one character: wrong
    r = span_prf([[(0, 6)]], [[(0, 6), (0, 6)]])                  # the same span twice counts once
    assert (r["tp"], r["fp"], r["fn"]) == (1, 0, 0)
    assert r["f1"] == 1.0
    assert span_prf([[[2, 4]]], [[(2, 4)]])["f1"] == 1.0          # lists and tuples alike (JSON gives lists)


def test_span_prf_empty_and_mismatched():
    r = span_prf([[], []], [[], []])
    assert r == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 0}
    r = span_prf([[(0, 3)]], [[]])
    assert (r["precision"], r["recall"], r["f1"], r["fn"]) == (0.0, 0.0, 0.0, 1)
    with pytest.raises(ValueError):
        span_prf([[(0, 3)]], [])


# ---------------------------------------------------------------------------------------------
# Resolution: A@161, AUC, median

def test_resolution_scores_by_hand():
    errors = [0.0, 100.0, 161.0, 162.0, MAX_ERROR_KM]
    r = resolution_scores(errors)
    assert r["n"] == 5
    assert r["a161"] == pytest.approx(3 / 5)               # 0, 100 and 161 are within 161 km
    assert r["median_km"] == pytest.approx(161.0)
    L = math.log(20039)
    expected_auc = (0 + math.log(101) / L + math.log(162) / L + math.log(163) / L + 1.0) / 5
    assert r["auc"] == pytest.approx(expected_auc)
    assert r["auc"] == pytest.approx(0.4987, abs=1e-4)


def test_resolution_scores_extremes():
    perfect = resolution_scores([0.0] * 4)
    assert (perfect["a161"], perfect["auc"], perfect["median_km"]) == (1.0, 0.0, 0.0)
    worst = resolution_scores([MAX_ERROR_KM] * 3)
    assert (worst["a161"], worst["auc"], worst["median_km"]) == (0.0, 1.0, MAX_ERROR_KM)
    # order does not matter; an even count takes the mean of the middle two for the median
    r = resolution_scores([500.0, 10.0, 50.0, 2000.0])
    assert r["median_km"] == pytest.approx(275.0)
    assert r["a161"] == pytest.approx(0.5)
    assert r["auc"] == pytest.approx(sum(math.log(e + 1) for e in (10, 50, 500, 2000)) / (4 * math.log(20039)))
    empty = resolution_scores([])
    assert empty["n"] == 0 and math.isnan(empty["a161"])


def test_distances_and_unplaced_error():
    one_degree = 2 * math.pi * scoring.EARTH_RADIUS_KM / 360
    assert scoring.haversine_km(0, 0, 1, 0) == pytest.approx(one_degree)
    assert scoring.haversine_km(10, 20, 10, 20) == 0.0
    assert scoring.haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * scoring.EARTH_RADIUS_KM)
    # London - Paris, about 343 km whichever distance is used
    assert scoring.distance_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.5, abs=1.5)
    assert scoring.error_km(35.0, 139.0, None, None) == MAX_ERROR_KM
    assert scoring.error_km(35.0, 139.0, 35.0, None) == MAX_ERROR_KM
    assert scoring.error_km(35.0, 139.0, "x", 1.0) == MAX_ERROR_KM
    assert scoring.error_km(35.0, 139.0, 36.0, 139.0) == pytest.approx(111.0, abs=1.0)
    assert scoring.error_km(0.0, 0.0, 0.0, 180.0) <= MAX_ERROR_KM


# ---------------------------------------------------------------------------------------------
# Synthetic corpora in each format

LGL_XML = """<?xml version="1.0" encoding="utf-8"?>
<articles>
  <article docid="101">
    <title>Fire in Alexandria</title>
    <text><![CDATA[Alexandria woman charged. Both Rapides Parish and the Sheriff's Office & co. investigated near Main St.]]></text>
    <toponyms count="3">
      <toponym><start>0</start><end>10</end><phrase>Alexandria</phrase>
        <gaztag geonameid="4314550"><name>Alexandria</name><fclass>P</fclass><fcode>PPL</fcode>
          <lat>31.3113</lat><lon>-92.4451</lon></gaztag></toponym>
      <toponym><start>31</start><end>45</end><phrase>Rapides Parish</phrase>
        <gaztag geonameid="4338356"><fcode>ADM2</fcode><lat>31.1669</lat><lon>-92.4835</lon></gaztag></toponym>
      <toponym><start>95</start><end>102</end><phrase>Main St</phrase></toponym>
    </toponyms>
  </article>
  <article docid="102">
    <text><![CDATA[No places here.]]></text>
    <toponyms count="0"/>
  </article>
</articles>
"""

TR_TEXT = "A Turkish policeman shot the envoy in Ankara.\nHe was held in the Laurel County jail near Kenyan hills."
TR_XML = """<?xml version="1.0" encoding="utf-8"?>
<articles>
  <article docid="1040001">
    <title>Envoy shot</title>
    <text><![CDATA[{text}]]></text>
    <toponyms>
      <toponym><phrase>Turkish</phrase><start>2</start><end>9</end>
        <gaztag geonameid="298795"><lat>39.0</lat><lon>35.0</lon></gaztag></toponym>
      <toponym><phrase>Ankara</phrase><start>42</start><end>48</end>
        <gaztag geonameid="323786"><lat>39.91987</lat><lon>32.85427</lon></gaztag></toponym>
      <toponym><phrase>Laurel County</phrase><start>{laurel}</start><end>{laurel_short_end}</end>
        <gaztag geonameid="4297380"><lat>37.11</lat><lon>-84.11</lon></gaztag></toponym>
      <toponym><phrase>Kenyan</phrase><start>{kenyan_far}</start><end>{kenyan_far_end}</end>
        <gaztag geonameid="192950"><lat>1.0</lat><lon>38.0</lon></gaztag></toponym>
    </toponyms>
  </article>
</articles>
"""


def _tr_xml() -> str:
    laurel = TR_TEXT.index("Laurel County")
    kenyan = TR_TEXT.index("Kenyan")
    return TR_XML.format(text=TR_TEXT, laurel=laurel, laurel_short_end=laurel + 6,
                         kenyan_far=kenyan - 14, kenyan_far_end=kenyan - 8)


GWN_TEXT = "Paris officials said the city is calm. Moscow denied it. French troops left Paris Hilton alone."
GWN_XML = """<?xml version="1.0" ?>
<articles>
  <article file="7">
    <title>Calm in Paris</title>
    <link>http://example.org</link>
    <text>{text}</text>
    <toponyms>
      <toponym><extractedName>Paris</extractedName><normalisedName/><type>Literal</type><modifierType/>
        <nonLocational>No</nonLocational><start>0</start><end>5</end><geonamesID>2988507</geonamesID>
        <latitude>48.85341</latitude><longitude>2.3488</longitude></toponym>
      <toponym><extractedName>the city</extractedName><normalisedName/><type>Literal_Expression</type>
        <modifierType/><nonLocational>No</nonLocational><start>21</start><end>29</end></toponym>
      <toponym><extractedName>officials</extractedName><normalisedName/><type>Non_Lit_Expression</type>
        <modifierType/><nonLocational>Yes</nonLocational><start>6</start><end>15</end></toponym>
      <toponym><extractedName>Moscow</extractedName><normalisedName/><type>Metonymic</type><modifierType/>
        <nonLocational>No</nonLocational><start>39</start><end>45</end><geonamesID>524901</geonamesID>
        <latitude>55.75222</latitude><longitude>37.61556</longitude></toponym>
      <toponym><extractedName>French</extractedName><normalisedName/><type>Demonym</type><modifierType/>
        <nonLocational>No</nonLocational><start>57</start><end>63</end><geonamesID/></toponym>
      <toponym><extractedName>Paris Hilton</extractedName><normalisedName/><type>Non_Toponym</type>
        <modifierType/><nonLocational>No</nonLocational><start>75</start><end>87</end></toponym>
      <toponym><extractedName>Calm</extractedName><normalisedName/><type>Literal</type><modifierType/>
        <nonLocational>No</nonLocational><start>-30</start><end>-26</end><geonamesID>1</geonamesID>
        <latitude>1.0</latitude><longitude>1.0</longitude></toponym>
    </toponyms>
  </article>
  <article file="8">
    <title>Offsets as attributes</title>
    <text>Fighting near Aleppo.</text>
    <toponyms>
      <toponym start="14" end="20"><extractedName>Aleppo</extractedName><type>Literal</type>
        <latitude>36.2</latitude><longitude>37.16</longitude></toponym>
    </toponyms>
  </article>
</articles>
"""


@pytest.fixture
def eval_dir(tmp_path, monkeypatch):
    (tmp_path / "lgl.xml").write_text(LGL_XML, encoding="utf-8")
    (tmp_path / "tr-news.xml").write_text(_tr_xml(), encoding="utf-8")
    (tmp_path / "geowebnews.xml").write_text(GWN_XML.format(text=GWN_TEXT), encoding="utf-8")
    monkeypatch.setenv(corpora.EVAL_DIR_ENV, str(tmp_path))
    return tmp_path


def test_lgl_loader(eval_dir):
    arts = corpora.load_corpus("lgl")
    assert [a.id for a in arts] == ["101", "102"]
    a = arts[0]
    assert a.title == "Fire in Alexandria"
    assert [a.text[t.start:t.end] for t in a.toponyms] == ["Alexandria", "Rapides Parish", "Main St"]
    assert all(a.text[t.start:t.end] == t.phrase for t in a.toponyms)
    alex = a.toponyms[0]
    assert (alex.lat, alex.lon, alex.geonameid, alex.feature_code) == (31.3113, -92.4451, 4314550, "PPL")
    assert a.toponyms[2].lat is None and not a.toponyms[2].has_coords   # no gaztag: recognition only
    assert corpora.summary(arts) == {"articles": 2, "recognition": 3, "resolution": 2}
    assert arts[1].toponyms == []


def test_trnews_offsets_realigned_onto_phrase(eval_dir):
    notes: list[str] = []
    # Drift Ankara's offsets by -3, as TR-News does (here the given start is 3 before)
    xml = _tr_xml().replace("<start>42</start><end>48</end>", "<start>39</start><end>45</end>")
    (eval_dir / "tr-news.xml").write_text(xml, encoding="utf-8")
    (a,) = corpora.load_trnews(eval_dir / "tr-news.xml", notes=notes)
    by_phrase = {t.phrase: t for t in a.toponyms}
    assert by_phrase["Turkish"].span == (2, 9) and not by_phrase["Turkish"].realigned
    ankara = by_phrase["Ankara"]
    assert a.text[ankara.start:ankara.end] == "Ankara" and ankara.realigned
    assert ankara.span == (TR_TEXT.index("Ankara"), TR_TEXT.index("Ankara") + 6)
    laurel = by_phrase["Laurel County"]      # start right, end short: mended to the phrase
    assert a.text[laurel.start:laurel.end] == "Laurel County" and laurel.realigned
    kenyan = by_phrase["Kenyan"]             # 14 characters off: beyond the ±10 window, kept as given
    assert not kenyan.realigned and kenyan.start == TR_TEXT.index("Kenyan") - 14
    assert any("2 gold span(s) realigned" in n for n in notes)
    assert any("1 gold span(s) do not match" in n for n in notes)
    # a wider window finds it
    (a2,) = corpora.load_trnews(eval_dir / "tr-news.xml", window=15)
    k2 = next(t for t in a2.toponyms if t.phrase == "Kenyan")
    assert a2.text[k2.start:k2.end] == "Kenyan"


def test_realign_prefers_nearest_occurrence():
    text = "US and US and US"
    assert corpora.realign(text, 7, 9, "US") == (7, 9, False)
    assert corpora.realign(text, 6, 8, "US") == (7, 9, True)      # 1 away beats 6 away
    assert corpora.realign(text, 12, 14, "US") == (14, 16, True)
    assert corpora.realign(text, -50, -48, "US") is None          # outside the text, not found
    assert corpora.realign("abc", 0, 2, "zz") == (0, 2, False)    # not found, kept as given


def test_geowebnews_type_filtering(eval_dir):
    notes: list[str] = []
    arts = corpora.load_corpus("gwn", notes=notes)
    a = arts[0]
    assert a.id == "7"
    assert [(t.phrase, t.type) for t in a.toponyms] == [
        ("Paris", "Literal"), ("Moscow", "Metonymic"), ("French", "Demonym")]
    assert all(a.text[t.start:t.end] == t.phrase for t in a.toponyms)
    assert {t.type for t in a.excluded} == {"Literal_Expression", "Non_Lit_Expression", "Non_Toponym"}
    assert [t.phrase for t in a.resolvable()] == ["Paris", "Moscow"]   # the demonym has no coordinates
    assert a.toponyms[1].lat == pytest.approx(55.75222) and a.toponyms[1].geonameid == 524901
    assert any("1 annotation(s) dropped" in n for n in notes)          # "Calm": offsets outside the text
    # offsets given as attributes
    assert arts[1].toponyms[0].span == (14, 20) and arts[1].toponyms[0].phrase == "Aleppo"
    assert corpora.summary(arts) == {"articles": 2, "recognition": 4, "resolution": 3}


def test_eval_dir_env_and_missing(tmp_path, monkeypatch):
    monkeypatch.setenv(corpora.EVAL_DIR_ENV, str(tmp_path / "absent"))
    assert corpora.eval_dir() is None
    assert corpora.available_corpora() == []
    with pytest.raises(corpora.CorpusMissing):
        corpora.require_eval_dir()
    with pytest.raises(corpora.CorpusMissing):
        corpora.load_corpus("lgl")
    monkeypatch.setenv(corpora.EVAL_DIR_ENV, str(tmp_path))
    assert corpora.eval_dir() == tmp_path
    with pytest.raises(corpora.CorpusMissing, match="lgl.xml"):
        corpora.load_corpus("lgl")
    with pytest.raises(ValueError):
        corpora.canonical_name("nope")
    monkeypatch.delenv(corpora.EVAL_DIR_ENV)
    assert corpora.eval_dir_path() == REPO.parent / "shared" / "eval"


# ---------------------------------------------------------------------------------------------
# The scripts end to end, with a tiny fake system

FAKE = textwrap.dedent("""
    import json, re, sys
    for line in sys.stdin:
        rec = json.loads(line)
        text = rec["text"]
        if "spans" in rec:   # place every span at Alexandria, Louisiana
            places = [{"start": s, "end": e, "text": text[s:e], "lat": 31.3113, "lon": -92.4451,
                       "name": "Alexandria", "country_code": "US", "feature_type": "city"}
                      for s, e in rec["spans"]]
        else:                # every capitalised word is a place
            places = [{"start": m.start(), "end": m.end(), "text": m.group()}
                      for m in re.finditer(r"[A-Z][a-z]+", text)]
        print(json.dumps({"id": rec["id"], "places": places}), flush=True)
""")


def _run(script: str, *args: str, env_dir: Path) -> subprocess.CompletedProcess:
    import os
    env = dict(os.environ, **{corpora.EVAL_DIR_ENV: str(env_dir)})
    return subprocess.run([sys.executable, str(REPO / "benchmarks" / script), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_scripts_skip_without_corpora(tmp_path):
    for script in ("eval_recognition.py", "eval_resolution.py"):
        r = _run(script, env_dir=tmp_path / "absent")
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("skipped:") and "not found" in r.stdout


def test_scripts_with_fake_system(eval_dir, tmp_path):
    fake = tmp_path / "fake.py"
    fake.write_text(FAKE)
    cmd = f"python {fake}"
    r = _run("eval_recognition.py", "--corpus", "lgl", "--json", "--errors", "3", "--cmd", cmd, env_dir=eval_dir)
    assert r.returncode == 0, r.stderr
    (res,) = json.loads(r.stdout)["corpora"]
    # gold: Alexandria, Rapides Parish, Main St; predicted: Alexandria, Both, Rapides, Parish, Sheriff,
    # Office, Main, St, No  ->  tp 1 (Alexandria), fp 8, fn 2
    assert (res["tp"], res["fp"], res["fn"]) == (1, 8, 2)
    assert res["f1"] == pytest.approx(2 * (1 / 9) * (1 / 3) / (1 / 9 + 1 / 3))
    assert ["Rapides Parish", 1] in res["top_false_negatives"]

    r = _run("eval_resolution.py", "--corpus", "lgl", "--json", "--cmd", cmd, env_dir=eval_dir)
    assert r.returncode == 0, r.stderr
    (res,) = json.loads(r.stdout)["corpora"]
    # Alexandria exact (0 km); Rapides Parish centre is about 16 km away; Main St has no gold point
    assert res["n"] == 2 and res["a161"] == 1.0 and res["unplaced"] == 0
    assert res["median_km"] == pytest.approx(8.0, abs=2.0)
