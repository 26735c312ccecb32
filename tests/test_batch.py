"""`python -m geo batch`: folders, JSON Lines and feeds to one aggregated GeoJSON; journal, resume, Dask."""
import csv
import json
import shutil
import sqlite3
import subprocess
import sys

import pytest

from geo.apps.batch import journal as batch_journal
from geo.apps.batch.assemble import errors_path, journal_path
from geo.apps.batch.run import run_batch
from geo.io.export import CSV_COLUMNS, to_feature_collection
from geo.pipeline import Pipeline, split_text
from geo.settings import Settings
from tests.conftest import ROOT, analyse

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Wire</title>
<item><title>Talks resume in Seoul</title>
  <description>&lt;p&gt;Negotiators met in &lt;b&gt;Seoul&lt;/b&gt; and Busan on Monday.&lt;/p&gt;</description>
  <link>https://example.org/talks</link><guid>wire-1</guid><pubDate>Mon, 06 Sep 2021 10:00:00 GMT</pubDate></item>
<item><title></title><description>   </description><guid>wire-2</guid></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title>Flooding in Bangladesh</title><id>urn:a:1</id><updated>2022-06-20T08:00:00Z</updated>
  <link rel="alternate" href="https://example.org/flood"/>
  <content type="html">&lt;p&gt;Rivers rose across Sylhet after days of rain.&lt;/p&gt;</content></entry>
</feed>
"""

EVIL = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<rss><channel><item><title>&lol2; Paris</title></item></channel></rss>
"""


def make_inputs(root):
    d = root / "in"
    (d / "sub").mkdir(parents=True)
    shutil.copy(SEEDS[0], d / SEEDS[0].name)
    shutil.copy(SEEDS[0].with_suffix(".json"), d / SEEDS[0].with_suffix(".json").name)
    shutil.copy(SEEDS[1], d / "sub" / SEEDS[1].name)
    (d / "page.html").write_text("<html><head><title>Hanoi summit</title><script>var Paris = 1;</script></head>"
                                 "<body><p>Leaders met in Hanoi, Vietnam.</p></body></html>", "utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "junk.txt").write_bytes(bytes(range(256)) * 40)
    lines = [
        json.dumps({"id": "j1", "text": "Officials in Seoul said the talks would go on.", "date": "2020-01-02",
                    "url": "https://example.org/j1", "title": "Talks"}),
        "{broken json",
        json.dumps({"id": "j2", "text": ""}),
        json.dumps({"id": "j3", "text": "Storms hit St. Louis and flooded parts of Missouri."}),
        json.dumps({"id": "j4", "text": 7}),
    ]
    (d / "wire.jsonl").write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe not utf-8\n")
    (d / "feed.rss").write_text(RSS, "utf-8")
    (d / "feed.atom").write_text(ATOM, "utf-8")
    (d / "evil.xml").write_text(EVIL, "utf-8")
    return d


def places_of(fc):
    return {f["properties"]["name"]: f["properties"] for f in fc["features"] if f["properties"]["kind"] == "place"}


def signature(fc):
    return sorted((f["properties"]["place_id"], f["properties"]["articles"],
                   tuple((m["article_id"], m["start"], m["end"]) for m in f["properties"]["mentions"]))
                  for f in fc["features"] if f["properties"]["kind"] == "place")


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    src = make_inputs(root)
    out = root / "out" / "places.geojson"
    stats = run_batch([src], out, workers=2, csv_out=True, chunk=3)
    return src, out, stats


def test_one_feature_collection_with_places_aggregated_across_articles(first_run):
    src, out, stats = first_run
    fc = json.loads(out.read_text("utf-8"))
    assert fc["type"] == "FeatureCollection"
    places = places_of(fc)
    seoul = places["Seoul"]
    ids = {m["article_id"] for m in seoul["mentions"]}
    assert {"j1", "wire-1"} <= ids and seoul["articles"] == len(ids) >= 2     # one feature, mentions of both
    assert sum(1 for f in fc["features"] if f["properties"].get("place_id") == seoul["place_id"]) == 1
    m = next(m for m in seoul["mentions"] if m["article_id"] == "j1")
    assert (m["start"], m["end"], m["text"]) == (13, 18, "Seoul") and "talks would go on" in m["sentence"]
    assert "Hanoi" in places and "Paris" not in places           # HTML without its script
    assert "Sylhet" in places or "Bangladesh" in places           # the Atom entry
    assert "St. Louis" in places
    # mentions of every place point into their article's text
    texts = {"j1": "Officials in Seoul said the talks would go on."}
    for p in places.values():
        for m in p["mentions"]:
            if m["article_id"] in texts:
                assert texts[m["article_id"]][m["start"]:m["end"]] == m["text"]
    # events and relations keep their article; the seed from the folder has its sidecar's date
    extras = [f for f in fc["features"] if f["properties"]["kind"] != "place"]
    assert extras and all(f["properties"]["article_id"] for f in extras)
    arts = {a["article_id"]: a for a in fc["articles"]}
    assert arts["wire-1"]["url"] == "https://example.org/talks" and arts["wire-1"]["date"] == "2021-09-06"
    assert arts["j1"]["title"] == "Talks" and arts["page"]["title"] == "Hanoi summit"
    assert arts[SEEDS[0].stem]["date"] == json.loads(SEEDS[0].with_suffix(".json").read_text())["date"]
    assert f"sub/{SEEDS[1].stem}" in arts


def test_errors_file_lists_every_bad_input_and_nothing_else(first_run):
    src, out, stats = first_run
    errs = [json.loads(x) for x in errors_path(out).read_text("utf-8").splitlines()]
    by_id = {(e["source"].rsplit("/", 1)[-1], e["id"]): e["error"] for e in errs}
    assert "empty" in by_id[("empty.txt", "empty")]
    assert "binary" in by_id[("junk.txt", "junk")]
    assert "not JSON" in by_id[("wire.jsonl", "2")]
    assert "empty" in by_id[("wire.jsonl", "j2")]
    assert "'text'" in by_id[("wire.jsonl", "j4")]
    assert "UTF-8" in by_id[("wire.jsonl", "6")]
    assert "no text" in by_id[("feed.rss", "wire-2")]
    assert "DOCTYPE" in by_id[("evil.xml", "evil.xml")]
    assert len(errs) == 8 == stats["errors"]
    assert stats["articles_ok"] == 7          # 2 seeds + page + j1 + j3 + rss item + atom entry


def test_csv_has_one_row_per_mention(first_run):
    src, out, stats = first_run
    rows = list(csv.DictReader(out.with_suffix(".csv").open(encoding="utf-8")))
    assert list(rows[0]) == CSV_COLUMNS         # the page's CSV and the batch's are one schema
    assert len(rows) == stats["mentions"]
    seoul = [r for r in rows if r["place_name"] == "Seoul" and r["article_id"] == "j1"]
    assert len(seoul) == 1 and seoul[0]["country_code"] == "KR" and abs(float(seoul[0]["lat"]) - 37.57) < 0.1
    assert seoul[0]["start"] == "13" and seoul[0]["end"] == "18"


def test_rerun_analyses_nothing_and_writes_the_same_output(first_run, tmp_path):
    src, out, stats = first_run
    before = out.read_bytes(), errors_path(out).read_bytes(), out.with_suffix(".csv").read_bytes()
    again = run_batch([src], out, workers=2, csv_out=True, chunk=3)
    assert again["analysed"] == 0 and again["reused"] == stats["inputs"] == again["inputs"]
    assert (out.read_bytes(), errors_path(out).read_bytes(), out.with_suffix(".csv").read_bytes()) == before
    db = sqlite3.connect(journal_path(out))
    assert db.execute("SELECT COUNT(*), MAX(run) FROM articles").fetchone() == (stats["inputs"], 1)


def test_resume_analyses_only_what_the_journal_lacks(first_run, tmp_path):
    src, _, full = first_run
    out = tmp_path / "r.geojson"
    # a run on part of the input, then on all of it: only the new articles are analysed
    part_src = tmp_path / "in"
    shutil.copytree(src, part_src, ignore=shutil.ignore_patterns("*.rss", "*.atom", "*.xml", "*.html"))
    part = run_batch([part_src], out, workers=2, chunk=2)
    assert part["inputs"] == full["inputs"] - 5 and part["analysed"] == full["analysed"] - 3
    for name in ("feed.rss", "feed.atom", "evil.xml", "page.html"):
        shutil.copy(src / name, part_src / name)
    rest = run_batch([part_src], out, workers=2, chunk=2)
    assert rest["analysed"] == 3 and rest["reused"] == full["inputs"] - 5
    # an interrupted run: the last transaction never reached the journal
    db = sqlite3.connect(journal_path(out))
    lost = [k for (k,) in db.execute("SELECT key FROM articles WHERE status = 'ok' ORDER BY rowid DESC LIMIT 2")]
    db.executemany("DELETE FROM articles WHERE key = ?", [(k,) for k in lost])
    db.executemany("DELETE FROM mentions WHERE article_key = ?", [(k,) for k in lost])
    db.commit()
    db.close()
    resumed = run_batch([part_src], out, workers=2, chunk=2)
    assert resumed["analysed"] == 2 and resumed["reused"] == full["inputs"] - 2
    assert signature(json.loads(out.read_text("utf-8"))) == signature(json.loads(first_run[1].read_text("utf-8")))


def test_dask_engine_gives_the_same_places(first_run, tmp_path):
    src, out, stats = first_run
    out_dask = tmp_path / "dask.geojson"
    d = run_batch([src], out_dask, workers=2, engine="dask", chunk=3)
    assert d["analysed"] == stats["analysed"] and d["inputs"] == stats["inputs"]
    assert signature(json.loads(out_dask.read_text("utf-8"))) == signature(json.loads(out.read_text("utf-8")))
    assert errors_path(out_dask).read_text("utf-8") == errors_path(out).read_text("utf-8")


def test_long_articles_are_analysed_in_pieces_with_true_offsets(monkeypatch):
    text = "\n\n".join(p.read_text("utf-8") for p in SEEDS) * 3
    pieces = split_text(text, 3000)
    assert "".join(p for _, p in pieces) == text and all(len(p) <= 3000 for _, p in pieces)
    assert all(text[o:o + len(p)] == p for o, p in pieces) and len(pieces) > 5
    fc = to_feature_collection(Pipeline(Settings(piece_chars=3000)).analyse(text))
    places = [f for f in fc["features"] if f["properties"]["kind"] == "place"]
    assert len({f["properties"]["place_id"] for f in places}) == len(places)      # merged across pieces
    n = 0
    for f in places:
        for m in f["properties"]["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]
            n += 1
    assert n > 100 and max(m["start"] for f in places for m in f["properties"]["mentions"]) > len(text) - 3000


def test_cli_batch_and_bad_arguments(first_run, tmp_path):
    src, _, stats = first_run
    out = tmp_path / "cli.geojson"
    run = lambda *a: subprocess.run([sys.executable, "-m", "geo", "batch", *a], capture_output=True, cwd=ROOT,
                                    timeout=120)
    r = run(str(src / "wire.jsonl"), str(tmp_path / "missing"), "--out", str(out), "--workers", "1", "--csv",
            "--date", "2024-05-01")
    assert r.returncode == 0, r.stderr
    assert b"Traceback" not in r.stderr and b"analysed" in r.stderr
    fc = json.loads(out.read_text("utf-8"))
    assert {a["article_id"]: a["date"] for a in fc["articles"]} == {"j1": "2020-01-02", "j3": "2024-05-01"}
    errs = [json.loads(x) for x in errors_path(out).read_text("utf-8").splitlines()]
    assert any("no such file" in e["error"] for e in errs) and len(errs) == 5
    assert out.with_suffix(".csv").exists()
    r = run(str(src), "--out", str(out), "--date", "yesterday")
    assert r.returncode == 2 and b"not a date" in r.stderr


def test_ctrl_c_keeps_what_is_done_and_the_rerun_finishes_the_rest(tmp_path):
    from benchmarks.bench_throughput import synthetic_articles
    import signal
    import time
    n = 2 * batch_journal.COMMIT_EVERY        # the first commit comes before the end
    src = tmp_path / "many.jsonl"
    src.write_text("".join(json.dumps({"id": f"a{i}", "text": t}) + "\n"
                           for i, t in enumerate(synthetic_articles(n, 1500))), "utf-8")
    out = tmp_path / "many.geojson"
    cmd = [sys.executable, "-m", "geo", "batch", str(src), "--out", str(out), "--workers", "1", "--chunk", "4"]
    # Ctrl-C as a terminal sends it: the test run itself may have been started in the background,
    # where the shell ignores SIGINT for it and its children (and Python then keeps ignoring it)
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    done = 0
    deadline = time.time() + 300          # a loaded machine: the first commit can take minutes
    while done < batch_journal.COMMIT_EVERY and time.time() < deadline and p.poll() is None:
        time.sleep(0.05)
        try:
            # read-only: polling before the run has made its journal must not make an empty one
            db = sqlite3.connect(f"file:{journal_path(out)}?mode=ro", uri=True, timeout=5)
            try:
                done = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            finally:
                db.close()
        except sqlite3.Error:
            pass
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    if p.returncode == 0:
        pytest.fail(f"the run finished before it could be interrupted (journal rows seen: {done}); "
                    f"its stderr: {err.decode(errors='replace')[-600:]}")
    assert p.returncode == 130 and b"resume" in err and b"Traceback" not in err, err
    with sqlite3.connect(journal_path(out)) as db:
        kept = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    assert batch_journal.COMMIT_EVERY <= kept < n and not out.exists()
    stats = run_batch([src], out, workers=2)
    assert stats["analysed"] == n - kept and stats["reused"] == kept and stats["errors"] == 0
    fc = json.loads(out.read_text("utf-8"))
    assert [a["article_id"] for a in fc["articles"]] == [f"a{i}" for i in range(n)]


def test_one_run_per_journal_at_a_time(tmp_path):
    j = batch_journal.Journal(tmp_path / "x.journal.sqlite")
    with pytest.raises(batch_journal.JournalBusy):
        batch_journal.Journal(tmp_path / "x.journal.sqlite")
    j.close()
    batch_journal.Journal(tmp_path / "x.journal.sqlite").close()


def test_long_article_in_pieces_keeps_event_provenance_offsets():
    PIECE_CHARS = Settings().piece_chars
    seed = (ROOT / "seeds" / "north-korea-missiles-2019-10-02.txt").read_text(encoding="utf-8")
    text = "Filler about Paris and Berlin.\n\n" * (PIECE_CHARS // 30 + 10) + seed
    fc = to_feature_collection(analyse(text, date="2019-10-02", timezone="Asia/Tokyo"))
    events = [f for f in fc["features"] if f["properties"]["kind"] == "event"]
    assert len(events) == 3
    for e in events:
        for a, b in e["properties"]["provenance"]["sentence_offsets"]:
            assert a > PIECE_CHARS and text[a:b] in e["properties"]["sentences"]


def test_a_record_given_twice_is_analysed_once(tmp_path):
    src = tmp_path / "wire.jsonl"
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Officials in Seoul and Busan met on day {i}."}) + "\n"
                           for i in range(5)), "utf-8")
    out = tmp_path / "twice.geojson"
    stats = run_batch([src, src], out, workers=1)       # the same file twice: the same records
    assert stats["inputs"] == 10 and stats["duplicates"] == 5 and stats["analysed"] == 5
    fc = json.loads(out.read_text("utf-8"))
    assert [a["article_id"] for a in fc["articles"]] == [f"d{i}" for i in range(5)]
    seoul = places_of(fc)["Seoul"]
    assert seoul["articles"] == 5 and len(seoul["mentions"]) == 5


def test_a_journal_of_an_older_layout_is_started_afresh(tmp_path, capsys):
    src = tmp_path / "wire.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Storms hit St. Louis and flooded parts of Missouri."}) + "\n", "utf-8")
    out = tmp_path / "old.geojson"
    with sqlite3.connect(journal_path(out)) as db:      # the first layout: a FeatureCollection per article
        db.executescript("CREATE TABLE articles(key TEXT PRIMARY KEY, status TEXT, fc BLOB);"
                         "CREATE TABLE mentions(article_key TEXT, place_key TEXT, midx INTEGER, mention TEXT);"
                         "INSERT INTO articles VALUES ('x', 'ok', NULL);")
    stats = run_batch([src], out, workers=1)
    assert "older layout" in capsys.readouterr().err
    assert stats["analysed"] == 1 and stats["reused"] == 0
    assert {"St. Louis", "Missouri"} <= set(places_of(json.loads(out.read_text("utf-8"))))
    with sqlite3.connect(journal_path(out)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == batch_journal.JOURNAL_VERSION
        assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1
