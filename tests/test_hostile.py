"""Hostile input (issue 15): one bad record never stops a run, cost stays linear, output bounded.

Each test is a regression test for one finding of the hostile-input campaign: it fails on the code
before the fix. Timing bounds are far apart from what the quadratic code took (minutes), so they
hold on a loaded machine."""
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gazetteer.text import MAX_SENTENCE_CHARS, split_sentences
from geo.apps.batch.assemble import errors_path
from geo.apps.batch.run import run_batch
from geo.apps.batch.sources import folder_files
from geo.io import feeds, reader
from geo.io.export import MAX_LISTED_MENTIONS, all_mentions, to_feature_collection
from geo.io.validate import InputError
from geo.model import CONTEXT_CHARS
from tests.conftest import ROOT, SEED, analyse


def run(*args, stdin=b"", timeout=120):
    return subprocess.run([sys.executable, "-m", "geo", *args], input=stdin, capture_output=True, cwd=ROOT,
                          timeout=timeout)


def no_traceback(p):
    return b"Traceback" not in p.stderr


def errors_of(out) -> dict:
    return {e["id"]: e["error"] for e in map(json.loads, errors_path(out).read_text("utf-8").splitlines())}


def places_of(fc) -> dict:
    return {f["properties"]["name"]: f["properties"] for f in fc["features"] if f["properties"]["kind"] == "place"}


# ---------------------------------------------------------------------------------------------
# 1. One record never stops a batch

def test_one_bad_record_or_file_name_never_stops_a_batch(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "s.jsonl").write_text('{"id":"\\ud800","text":"Talks in Tokyo."}\n'
                               '{"id":"t1","title":"\\udfff","text":"Protest in Nairobi."}\n'
                               '{"id":1e999,"text":"Talks in Lima."}\n'
                               '{"id":"ok","text":"Flooding in Dhaka on Monday.","date":"0001-01-01"}\n'
                               '{"id":"ok2","text":"Flooding in Dhaka on Monday."}\n', "utf-8")
    (d / "bad\udcff.txt").write_bytes(b"Storms in Oslo.")          # a name that is not UTF-8
    long_name = d / ("a" * 251 + ".txt")                           # its sidecar's name is too long
    long_name.write_text("Rain in Quito.", "utf-8")
    out = tmp_path / "o" / "o.geojson"
    stats = run_batch([d], out, workers=1)
    fc = json.loads(out.read_text("utf-8"))
    assert {"Dhaka", "Quito"} <= set(places_of(fc)) and "Tokyo" not in places_of(fc)
    errs = errors_of(out)
    assert "lone surrogate" in errs["1"] and "lone surrogate" in errs["t1"]
    assert "string or an integer" in errs["3"] and "before the year 1000" in errs["ok"]
    assert "not valid UTF-8; rename" in errs["bad\ufffd"]
    assert stats["errors"] == 5 and stats["articles_ok"] == 2
    assert all(m.isprintable() for m in errs)


def test_parse_names_a_bad_file_name_and_reads_a_255_byte_one(tmp_path):
    long_name = tmp_path / ("b" * 251 + ".txt")
    long_name.write_text("Rain in Quito.", "utf-8")
    p = run("parse", str(long_name))
    assert p.returncode == 0 and no_traceback(p) and json.loads(p.stdout)["features"][0]["properties"]["name"] == "Quito"
    bad = tmp_path / "bad\udcff.txt"
    bad.write_bytes(b"Storms in Oslo.")
    p = run("parse", os.fsencode(bad))
    assert p.returncode == 2 and no_traceback(p) and b"not valid UTF-8" in p.stderr


# ---------------------------------------------------------------------------------------------
# 2. Linear time: every pattern that reads untrusted text, on long adversarial strings

N = 200_000
LINEAR_CASES = {
    "sentence ends: dots": lambda: split_sentences("." * N),
    "sentence ends: '! '": lambda: split_sentences("! " * (N // 2)),
    "sentence ends: '. ' then lower case": lambda: split_sentences(". " * (N // 2) + "x"),
    "sentence ends: blank lines of spaces": lambda: split_sentences("\n" + " \t" * N),
    "distance: digits": lambda: __import__("geo.spatial.measure").spatial.measure.parse_distance("9" * N),
    "distance: digits and commas": lambda: __import__("geo.spatial.measure").spatial.measure.parse_distance(
        "9," * (N // 2) + " x"),
    "clock times: a time then blanks": lambda: __import__("geo.events.times").events.times.find_times("7am" + " " * N),
    "clock times: a time, a bracket, blanks": lambda: __import__("geo.events.times").events.times.find_times(
        "7.10am (" + " " * N),
    "distance and direction: digits": lambda: list(__import__("geo.spatial.expressions").spatial.expressions
                                                   ._DIST_DIR_RE.finditer("about " + "9" * N)),
    "object counts: numbers": lambda: list(__import__("geo.events.missiles").events.missiles._COUNT_RE.finditer(
        "two " + "9 " * (N // 2))),
    "html: unclosed tags": lambda: reader.html_to_text("<a " * (N // 3)),
    "html: unclosed comments": lambda: reader.html_to_text("<!--" * (N // 4)),
    "html: unclosed quotes": lambda: reader.html_to_text('<a "' * (N // 4)),
    "html: end tags": lambda: reader.html_to_text("</" * (N // 2)),
    "html: carriage returns": lambda: reader.html_to_text("<p>" + " \r" * N),
    "markdown: brackets": lambda: reader.markdown_to_text("[" * N),
    "markdown: images": lambda: reader.markdown_to_text("![" * (N // 2)),
    "markdown: emphasis": lambda: reader.markdown_to_text("** " * (N // 3)),
    "markdown: links": lambda: reader.markdown_to_text("[a](" * (N // 4)),
}


@pytest.mark.parametrize("case", list(LINEAR_CASES))
def test_no_pattern_backtracks_on_long_adversarial_text(case):
    t = time.perf_counter()
    LINEAR_CASES[case]()
    assert time.perf_counter() - t < 2.0, case       # quadratic: minutes


PIPELINE_CASES = {
    "dots": "Fighting near Kharkiv. " + "." * 100_000,
    "a name without sentence breaks": "Seoul, " * 15_000,
    "a name on every line": "Seoul\n" * 15_000,
    "huge number": "North Korea fired a missile. It landed " + "9" * 100_000 + " km north of Seoul.",
    "commas then names": "," * 50_000 + " Seoul" * 8_000,
    "launches without sentence breaks": "North Korea fired a missile from Wonsan and " * 2_000,
    "capitalised words": "Aaaa " * 20_000,
}


@pytest.mark.parametrize("case", list(PIPELINE_CASES))
def test_whole_pipeline_is_fast_on_adversarial_text(case):
    text = PIPELINE_CASES[case]
    t = time.perf_counter()
    fc = to_feature_collection(analyse(text, date="2020-01-01", timezone="Asia/Tokyo"))
    assert time.perf_counter() - t < 15.0, case
    assert len(json.dumps(fc)) < 10 * len(text) + 200_000, case


def test_sentences_are_bounded_and_cover_the_text():
    text = "word " * 10_000 + "." * 5_000
    spans = split_sentences(text)
    assert all(s.end - s.start <= MAX_SENTENCE_CHARS for s in spans)
    assert "".join(text[s.start:s.end] for s in spans).replace(" ", "") == text.replace(" ", "")
    short = "Mr. Kim went to St. Louis. Then he left!"
    assert [short[s.start:s.end] for s in split_sentences(short)] == ["Mr. Kim went to St. Louis.", "Then he left!"]


# ---------------------------------------------------------------------------------------------
# 3. Output bounded: a context window, not the whole sentence; more mentions compactly

def test_repeated_name_without_sentence_breaks_gives_bounded_output(tmp_path):
    text = "Seoul, " * 20_000
    fc = to_feature_collection(analyse(text))
    assert len(json.dumps(fc)) < 10 * len(text)
    seoul = places_of(fc)["Seoul"]
    assert len(seoul["mentions"]) == MAX_LISTED_MENTIONS
    assert len(all_mentions(seoul)) == 20_000
    for m in seoul["mentions"]:
        assert len(m["sentence"]) <= CONTEXT_CHARS
        assert text[m["sentence_start"]:m["sentence_end"]] == m["sentence"]
        assert m["sentence_start"] <= m["start"] < m["end"] <= m["sentence_end"]
    assert all(text[s:e] == t == "Seoul" for s, e, t in seoul["more_mentions"])
    # the batch: the same bound, its more_mentions grouped by article, every mention a CSV row
    src = tmp_path / "rep.jsonl"
    src.write_text(json.dumps({"id": "rep", "text": "Seoul, " * 3_000}) + "\n"
                   + json.dumps({"id": "b", "text": "Seoul and Busan."}) + "\n", "utf-8")
    out = tmp_path / "rep.geojson"
    stats = run_batch([src], out, workers=1, csv_out=True)
    seoul = places_of(json.loads(out.read_text("utf-8")))["Seoul"]
    assert len(seoul["mentions"]) == MAX_LISTED_MENTIONS + 1 and seoul["articles"] == 2
    assert [m["article_id"] for m in seoul["more_mentions"]] == ["rep"]
    assert len(all_mentions(seoul)) == 3_001 == stats["mentions"] - 1
    assert len(out.with_suffix(".csv").read_text("utf-8").splitlines()) == stats["mentions"] + 1
    assert out.stat().st_size < 10 * src.stat().st_size


def test_a_short_sentence_is_its_own_context():
    fc = to_feature_collection(analyse("Talks in Tokyo went well. Then rain fell in Osaka."))
    m = places_of(fc)["Osaka"]["mentions"][0]
    assert (m["sentence"], m["sentence_start"], m["sentence_end"]) == ("Then rain fell in Osaka.", 26, 50)


# ---------------------------------------------------------------------------------------------
# 4. parse --jsonl: a bad line is an error record, every later line is answered

def test_parse_jsonl_answers_every_bad_line_and_goes_on():
    lines = ['{"id":"a","text":"Seoul.","spans":[[0,1e400]]}', '{"id":"\\ud800","text":"Seoul."}',
             "[" * 100_000, '{"id":1e999,"text":"Seoul."}', '{"id":"t","text":"Seoul \\ud800 Busan"}',
             '{"id":"s","text":"Seoul.","spans":[[true,5]]}', '{"id":"z","text":"Talks in Hanoi."}']
    p = run("parse", "--jsonl", "-", stdin=("\n".join(lines) + "\n").encode())
    assert p.returncode == 0 and no_traceback(p), p.stderr
    recs = [json.loads(x) for x in p.stdout.decode("utf-8").splitlines()]     # strict JSON: no Infinity
    assert len(recs) == len(lines)
    assert [r.get("line") for r in recs] == [1, 2, 3, 4, None, 6, None]
    assert recs[3]["id"] == 4 and "integer" in recs[3]["error"]
    assert recs[4]["places"][0]["text"] == "Seoul" and recs[6]["places"][0]["name"] == "Hanoi"


def test_parse_jsonl_never_holds_a_line_over_the_limit():
    f = io.BytesIO(b"x" * 5000 + b"\n" + b'{"id":1}\n')
    assert list(reader.bounded_lines(f, 100)) == [(None, 5001), (b'{"id":1}\n', 9)]


# ---------------------------------------------------------------------------------------------
# 5. and 12. Feeds: no entity in any encoding; a CDATA holding "<!DOCTYPE" is text

EVIL = ('<?xml version="1.0" encoding="{enc}"?><!DOCTYPE rss [<!ENTITY inj "Injected text about Paris">]>'
        '<rss version="2.0"><channel><item><guid>1</guid><description>&inj;</description></item></channel></rss>')


@pytest.mark.parametrize("enc,bom,codec", [("UTF-16", b"\xff\xfe", "utf-16-le"), ("UTF-16", b"\xfe\xff", "utf-16-be"),
                                           ("UTF-16", b"", "utf-16-le"), ("UTF-8", b"", "utf-8"),
                                           ("ISO-8859-1", b"", "latin-1")])
def test_feed_with_an_entity_is_refused_in_any_encoding(tmp_path, enc, bom, codec):
    path = tmp_path / "f.rss"
    path.write_bytes(bom + EVIL.format(enc=enc).encode(codec))
    got = list(feeds.read_feed(path))
    assert len(got) == 1 and isinstance(got[0][1], InputError) and "DOCTYPE" in str(got[0][1])


def test_cdata_holding_a_doctype_deep_in_a_feed_keeps_the_rest(tmp_path):
    items = "".join(f"<item><guid>g{i}</guid><description>News from Seoul, item {i}.</description></item>"
                    for i in range(1, 1601))
    items = items.replace("<description>News from Seoul, item 1500.",
                          "<description><![CDATA[<!DOCTYPE html><p>Talks in Hanoi</p>]]> item 1500.")
    path = tmp_path / "big.rss"
    path.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>', "utf-8")
    got = list(feeds.read_feed(path))
    assert len(got) == 1600 and not any(isinstance(a, InputError) for _, a, _ in got)
    assert "Hanoi" in got[1499][1].text and got[-1][1].id == "g1600"


# ---------------------------------------------------------------------------------------------
# 7. The batch's CSV neutralises formulas

def test_batch_csv_neutralises_formula_cells(tmp_path):
    src = tmp_path / "f.jsonl"
    src.write_text(json.dumps({"id": '=HYPERLINK("http://x")', "text": "=1+2 said officials in Seoul."}) + "\n"
                   + json.dumps({"id": "@cmd", "text": "-5 in Busan."}) + "\n", "utf-8")
    out = tmp_path / "f.geojson"
    run_batch([src], out, workers=1, csv_out=True)
    import csv
    rows = list(csv.reader(out.with_suffix(".csv").open(encoding="utf-8")))[1:]
    cells = [c for r in rows for c in r]
    assert len(rows) == 2 and "'=HYPERLINK(\"http://x\")" in cells and "'@cmd" in cells
    assert not any(c[:1] in ("=", "+", "-", "@") for c in cells if not c[:1].isdigit() and c[1:2] != ".")


# ---------------------------------------------------------------------------------------------
# 8. Sub-folders that are not read are error records

def test_symlinked_and_unreadable_folders_are_reported(tmp_path, monkeypatch):
    d = tmp_path / "in"
    (d / "locked").mkdir(parents=True)
    (d / "locked" / "x.txt").write_text("Rain in Lima.", "utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "y.txt").write_text("Rain in Oslo.", "utf-8")
    (d / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (d / "ok.txt").write_text("Rain in Quito.", "utf-8")
    real = os.scandir

    def scandir(path):          # tests run as root, who can read any folder: refuse one here
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real(path)
    monkeypatch.setattr(os, "scandir", scandir)
    listed = {p.name: err for p, err in folder_files(d)}
    assert listed["ok.txt"] is None
    assert "cannot read the folder: Permission denied" in listed["locked"]
    assert "symbolic link to a folder is not followed" in listed["link"]
    out = tmp_path / "o.geojson"
    stats = run_batch([d], out, workers=1)
    assert set(errors_of(out)) == {"locked", "link"} and stats["articles_ok"] == 1


# ---------------------------------------------------------------------------------------------
# 9. No traceback from odd numbers, dates and sidecars

def test_odd_numbers_and_dates_never_raise():
    text = "North Korea fired a missile. It landed " + "9" * 400 + " km north of Seoul."
    fc = to_feature_collection(analyse(text, date="2020-01-01"))
    assert all(c.get("distance_km") is None for f in fc["features"] for c in f["properties"].get("claims") or [])
    from geo.events.times import iso_time
    assert iso_time("0001-01-01", 7, 10, "Tokyo", weekday="Wednesday") is None
    p = run("parse", str(SEED), "--date", "0001-01-01", "--timezone", "Asia/Tokyo")
    assert p.returncode == 2 and no_traceback(p) and b"before the year 1000" in p.stderr
    p = run("parse", str(SEED), "--timezone", "Not/AZone")
    assert p.returncode == 2 and b"IANA" in p.stderr


@pytest.mark.parametrize("sidecar,message", [("[1, 2]", "JSON object"), ('{"date": 20190101}', "must be a string"),
                                             ('{"a":' * 8_000 + "1" + "}" * 8_000, "nested too deeply"),
                                             ('{"date": "yesterday"}', "not a date"),
                                             ('{"timezone": "Mars/Olympus"}', "IANA")],
                         ids=["list", "number date", "deep", "bad date", "bad zone"])
def test_a_bad_sidecar_is_an_error_for_its_article(tmp_path, sidecar, message):
    (tmp_path / "a.txt").write_text("Talks in Tokyo.", "utf-8")
    (tmp_path / "a.json").write_text(sidecar, "utf-8")
    with pytest.raises(InputError, match=message):
        reader.read_file(tmp_path / "a.txt")


def test_an_oversized_sidecar_is_named_as_such(tmp_path):
    (tmp_path / "a.txt").write_text("Talks in Tokyo.", "utf-8")
    (tmp_path / "a.json").write_text('{"title": "' + "x" * 70_000 + '"}', "utf-8")
    with pytest.raises(InputError, match="more than the 64 kB a sidecar may have"):
        reader.read_file(tmp_path / "a.txt")


# ---------------------------------------------------------------------------------------------
# 10. Size limits applied while reading

def test_limits_apply_while_reading():
    class Endless(io.RawIOBase):
        read_bytes = 0

        def readable(self):
            return True

        def readinto(self, b):
            b[:] = b"a" * len(b)
            Endless.read_bytes += len(b)
            return len(b)
    with pytest.raises(InputError, match="MB"):
        reader.read_stdin(io.BufferedReader(Endless()))
    assert Endless.read_bytes <= reader.MAX_ARTICLE_BYTES + (1 << 20)
    t = time.perf_counter()
    p = run("parse", "/dev/zero", timeout=60)
    assert p.returncode == 2 and no_traceback(p) and time.perf_counter() - t < 30


# ---------------------------------------------------------------------------------------------
# 12. Smaller findings

def test_out_inside_an_input_folder_never_reads_its_own_outputs(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.jsonl").write_text('{"id":"a","text":"Rain in Lima."}\n{broken\n', "utf-8")
    counts = [run_batch([d], d / "out.geojson", workers=1)["errors"] for _ in range(3)]
    assert counts == [1, 1, 1]


def test_html_without_head_end_keeps_its_body_and_utf32_is_read():
    text, title = reader.read_article(b"<html><head><title>T</title><body><p>Talks in Hanoi.</p>", "a.html")
    assert (text, title) == ("Talks in Hanoi.", "T")
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be")):
        assert reader.read_article(bom + "Talks in Hanoi.".encode(codec), "a.txt")[0] == "Talks in Hanoi."


# ---------------------------------------------------------------------------------------------
# The whole pipeline on adversarial generators: time and memory bounded per input size

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

RUN_UNITS = [".", "!", "?", "…", ",", ";", "\n", "\r", " ", "\t", "\u00a0", "-", "(", "[", "<", "<a ", "<!--", "&",
             "**", "9", "9,", "Seoul, ", "Seoul\n", "Seoul ", "Sea of ", "north of ", "300 km ", "\ud800", "東京",
             '"', "'", "fired ", "landed "]
PIECES = st.one_of(
    st.tuples(st.sampled_from(RUN_UNITS), st.integers(1, 4000)).map(lambda t: t[0] * t[1]),    # long runs
    st.sampled_from(["North Korea fired a missile from Wonsan. ", "It landed 250 km north of Seoul. ",
                     "Talks in St. Louis, Mo., went on.", "U.S. officials said."]),
    st.text(max_size=30),
)
HOSTILE_TEXT = st.lists(PIECES, min_size=1, max_size=10).map("".join)
ENCODINGS = st.sampled_from([("utf-8", b""), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                             ("utf-32-le", b"\xff\xfe\x00\x00"), ("latin-1", b"")])


def test_an_impact_verb_repeated_is_one_impact():
    """Found by the property below: "landed" 136 times after one launch made 136 impacts (and as
    many lines), 312 kB of output for 993 bytes; nothing tells them apart, so they are as many as
    the missiles the text counts."""
    text = "North Korea fired a missile from Wonsan. " + "landed " * 136
    fc = to_feature_collection(analyse(text, date="2020-01-01", timezone="Asia/Tokyo"))
    assert [f["properties"]["type"] for f in fc["features"] if f["properties"].get("kind") == "event"] == [
        "missile_launch", "missile_impact"]
    assert len(json.dumps(fc, ensure_ascii=False).encode("utf-8")) < 10 * len(text) + 300_000


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(HOSTILE_TEXT, ENCODINGS, st.sampled_from(["a.txt", "a.html", "a.md"]))
def test_pipeline_cost_is_linear_on_hostile_input(text, encoding, name):
    import tracemalloc
    codec, bom = encoding
    data = bom + text.encode(codec, "surrogatepass" if codec.startswith("utf") else "replace")
    n = len(data)
    tracemalloc.start()
    t = time.perf_counter()
    try:
        body, _ = reader.read_article(data, name)
    except InputError:
        body = None
    if body is not None:
        fc = to_feature_collection(analyse(body, date="2020-01-01", timezone="Asia/Tokyo"))
        out = json.dumps(fc, ensure_ascii=False).encode("utf-8")          # encodable: no surrogates
        assert len(out) < 10 * n + 300_000
    seconds = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seconds < 2.0 + 200e-6 * n, (n, seconds)              # ~5 µs a character measured; quadratic: minutes
    assert peak < 64e6 + 4_000 * n, (n, peak)                     # quadratic copies: gigabytes


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(st.integers(1, 200_000).map(lambda k: "[" * k), st.integers(1, 5000).map(lambda k: '{"id":' + "9" * k + "}"),
                 st.sampled_from(['{"id":1e999,"text":"a"}', '{"id":NaN,"text":"a"}', '{"id":"\\ud800","text":"a"}',
                                  '{"text":"\\udfff Seoul","date":-1}', '{"text":"a","timezone":"../../etc/passwd"}',
                                  '{"text":"a","title":{"x":1}}']),
                 st.text(max_size=50)))
def test_a_json_line_is_an_article_or_an_input_error(line):
    try:
        article = reader.article_from_record(reader.read_json_line(line.encode("utf-8", "surrogatepass")), "x")
    except InputError:
        return
    for value in (article.text, article.id, article.title, article.date, article.timezone):
        value.encode("utf-8")           # never a lone surrogate
