"""The store of analysed articles (SQLite backend): adding, replacing, merging, removing,
corrections, schema versions and migrations, bad files, the filters of the collection view, the
exports, and what concurrent writers and a killed batch leave behind."""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import zlib

import pytest

from geo.store import StoreError, from_analysis, open_store
from geo.store.query import Filter, build_snapshot, select
from geo.store.records import text_hash
from tests.conftest import ROOT, SEED, analyse
from tests.store_helpers import consistent, fake_record, seed_variants


@pytest.fixture(scope="module")
def variants():
    return seed_variants(3)


@pytest.fixture()
def store(tmp_path):
    s = open_store(tmp_path / "store.sqlite")
    yield s
    s.close()


def test_add_twice_updates_and_same_text_under_another_id_merges(store, tmp_path):
    a = analyse(SEED.read_text(), title="T", date="2019-10-02", article_id="seed")
    rec = from_analysis(a)
    assert store.add([rec]) == {"added": 1, "updated": 0}
    assert store.add([rec]) == {"added": 0, "updated": 1}
    other = from_analysis(analyse(SEED.read_text(), title="Copy", date="2019-10-03", article_id="copy"))
    assert other.text_hash == rec.text_hash
    assert store.add([other]) == {"added": 0, "updated": 1}       # same text: the same article
    rows = list(store.articles())
    assert [(r["article_id"], r["title"]) for r in rows] == [("copy", "Copy")]
    n, bad = consistent(tmp_path / "store.sqlite")
    assert n == 1 and not bad
    snap = build_snapshot(store)
    assert len(snap.art_id) == 1 and snap.n_events == 3
    assert len(snap.m_art) == len(a.places)


def test_remove_and_text_kept(store, tmp_path):
    store.add([fake_record(i) for i in range(10)])
    assert store.article("a3")["text"].startswith("Article 3:")
    assert store.remove(["a3", "a4", "nope"]) == 2
    assert store.count() == 8 and store.article("a3") is None
    n, bad = consistent(tmp_path / "store.sqlite")
    assert n == 8 and not bad
    assert store.search("Article")[0] and 4 not in store.search("Article")[0]


def test_correction_rederives_places_and_events(store):
    from geo.store.derive import correct
    from tests.conftest import pipeline
    text = SEED.read_text()
    store.add([from_analysis(analyse(text, date="2019-10-02", timezone="Asia/Tokyo", article_id="seed"))])
    start = text.index("Wonsan")
    launch = [e for e in build_snapshot(store).ev["label"] if "Launch" in e]
    assert launch == ["Launch (Wonsan)"]
    correct(store, pipeline(), "seed", [{"start": start, "end": start + 6, "lat": 41.0, "lon": 129.0}])
    snap = build_snapshot(store)
    k = [i for i, n in enumerate(snap.pl_name) if n in ("Wonsan", "Wŏnsan")]     # GeoNames writes Wŏnsan
    assert any(abs(snap.pl_lat[i] - 41.0) < 1e-6 for i in k)           # the corrected place
    ev = snap.ev
    i = list(ev["type"]).index("missile_launch")
    assert abs(ev["lat"][i] - 41.0) < 0.01 and abs(ev["lon"][i] - 129.0) < 0.01   # the launch moved with it
    assert store.article("seed")["corrections"][0]["lat"] == 41.0


def _sql(path, statement: str) -> None:
    db = sqlite3.connect(path)
    db.execute(statement)
    db.commit()
    db.close()


def test_not_a_store_and_newer_schema_are_clear_errors(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="not a newsmap store"):
        open_store(junk)
    other = tmp_path / "other.sqlite"
    _sql(other, "CREATE TABLE t(x)")
    with pytest.raises(StoreError, match="SQLite database but not a newsmap store"):
        open_store(other)
    newer = tmp_path / "newer.sqlite"
    open_store(newer).close()
    _sql(newer, "PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="schema version 99.*upgrade newsmap"):
        open_store(newer)
    r = subprocess.run([sys.executable, "-m", "geo", "store", "list", "--store", str(junk)], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 1 and "not a newsmap store" in r.stderr and "Traceback" not in r.stderr


def test_version_1_store_is_migrated(tmp_path):
    from geo.store.sqlite import APPLICATION_ID, MIGRATIONS
    path = tmp_path / "v1.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    MIGRATIONS[1](db)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO articles(id, article_id, text_hash, title, date, day, text, n_places, n_features)"
               " VALUES (1, 'old', 'h', 'Old', '2018-01-01', 17532, ?, 0, 0)",
               (zlib.compress("Troops gathered near Kharkiv".encode()),))
    db.execute("COMMIT")
    db.close()
    s = open_store(path)
    assert s.schema_version == 3
    assert s.search("Kharkiv")[0] == [1]
    assert s.article("old")["text"] == "Troops gathered near Kharkiv"
    s.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 3


def test_filters_each_change_what_is_shown(store, variants):
    store.add(variants)
    snap = build_snapshot(store)
    everything = select(snap, Filter())
    n_ev, n_pl = len(everything.events), len(everything.places)
    assert n_ev >= 20 and n_pl >= 20
    cases = {
        "time": Filter(start="2019-01-01", end="2019-12-31"),
        "type": Filter(kinds=("launch",)),
        "places only": Filter(kinds=("place",)),
        "country": Filter(areas=("JP",)),
        "zone": Filter(areas=("EEZ:JP",)),
        "source": Filter(sources=("Wire A",)),
        "actor": Filter(actors=("North Korea",)),
        "confidence": Filter(min_confidence=0.95),
        "text": Filter(text="Hokkaido"),
        "box": Filter(box=(124.0, 33.0, 132.0, 43.0)),
    }
    for name, f in cases.items():
        sel = select(snap, f, store.search)
        assert (len(sel.events), len(sel.places)) != (n_ev, n_pl), name
        assert len(sel.events) <= n_ev and len(sel.places) <= n_pl, name
    launches = select(snap, Filter(kinds=("launch",)))
    assert set(snap.ev["type"][launches.events]) == {"missile_launch"} and not len(launches.places)
    jp = select(snap, Filter(areas=("EEZ:JP",)))
    assert all("EEZ:JP" in z.split() for z in snap.ev["zones"][jp.events]) and not len(jp.places)
    y2019 = select(snap, Filter(start="2019-01-01", end="2019-12-31"))
    assert {str(d)[:4] for d in snap.ev["day"][y2019.events]} and all(
        17897 <= d <= 18261 for d in snap.ev["day"][y2019.events])


def test_exports_geojson_csv_geopackage(store, variants, tmp_path):
    import csv
    import pyogrio
    from geo.io.export import CSV_COLUMNS
    from geo.store import export
    store.add(variants)
    n = export.write(store, tmp_path / "all.geojson")
    fc = json.loads((tmp_path / "all.geojson").read_text())
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == n
    places = [f for f in fc["features"] if f["properties"]["kind"] == "place"]
    tokyo = next(f for f in places if f["properties"]["name"] == "Tokyo")
    assert tokyo["properties"]["articles"] >= 3
    assert len({m["article_id"] for m in tokyo["properties"]["mentions"]}) >= 3
    for f in fc["features"]:
        if f["geometry"] and f["geometry"]["type"] == "Point":
            lon, lat = f["geometry"]["coordinates"]
            assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert len(fc["articles"]) == len(variants)
    export.write(store, tmp_path / "all.csv")
    rows = list(csv.reader((tmp_path / "all.csv").open(encoding="utf-8")))
    assert rows[0] == CSV_COLUMNS and len(rows) > 100
    export.write(store, tmp_path / "all.gpkg")
    layers = dict(pyogrio.list_layers(tmp_path / "all.gpkg"))
    assert set(layers) == {"places", "events", "shapes"}
    info = pyogrio.read_info(tmp_path / "all.gpkg", layer="events")
    assert info["crs"] == "EPSG:4326" and info["features"] == sum(
        1 for f in fc["features"] if f["properties"]["kind"] == "event" and f["geometry"])
    assert pyogrio.read_info(tmp_path / "all.gpkg", layer="places")["features"] == len(places)
    # a filtered part: the launches only
    snap = build_snapshot(store)
    part = export.part_of(snap, select(snap, Filter(kinds=("launch",))))
    export.write(store, tmp_path / "launches.geojson", part=part)
    sub = json.loads((tmp_path / "launches.geojson").read_text())["features"]
    assert sub and {f["properties"]["role"] for f in sub} == {"launch"}


def _writer(path: str, start: int, n: int) -> None:
    s = open_store(path)
    for i in range(start, start + n, 5):
        s.add([fake_record(j) for j in range(i, i + 5)])
        s.add([fake_record(i)])                       # and one again: an update
    s.close()


def test_concurrent_writers_and_a_batch_lose_nothing(tmp_path):
    """Two writers (as two page sessions) and a batch write at once; a reader never sees an article
    without all its rows; at the end every article is there once."""
    path = str(tmp_path / "store.sqlite")
    open_store(path).close()
    inp = tmp_path / "in.jsonl"
    with inp.open("w") as f:
        for i in range(40):
            f.write(json.dumps({"id": f"b{i}", "text": f"Officials in Osaka, Japan and Busan met ({i}).",
                                "date": "2020-05-01"}) + "\n")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, k * 100, 100)) for k in range(2)]
    problems, stop = [], threading.Event()

    def read():
        while not stop.is_set():
            problems.extend(consistent(path)[1])
            time.sleep(0.02)

    reader = threading.Thread(target=read)
    reader.start()
    for p in procs:
        p.start()
    batch = subprocess.run([sys.executable, "-m", "geo", "batch", str(inp), "--out", str(tmp_path / "o.geojson"),
                            "--store", path, "--workers", "1"], capture_output=True, text=True, cwd=ROOT,
                           timeout=300)
    for p in procs:
        p.join(120)
    stop.set()
    reader.join()
    assert batch.returncode == 0, batch.stderr
    assert all(p.exitcode == 0 for p in procs)
    n, bad = consistent(path)
    assert not problems and not bad
    assert n == 240
    s = open_store(path)
    assert s.existing([f"a{i}" for i in range(200)] + [f"b{i}" for i in range(40)]) == (
        {f"a{i}" for i in range(200)} | {f"b{i}" for i in range(40)})
    s.close()


def test_killed_batch_rerun_leaves_each_article_once(tmp_path):
    path = tmp_path / "store.sqlite"
    inp = tmp_path / "in.jsonl"
    texts = [p.read_text() for p in sorted((ROOT / "seeds").glob("*.txt"))]
    with inp.open("w") as f:
        for i in range(600):
            f.write(json.dumps({"id": f"k{i}", "text": f"Item {i}.\n\n" + texts[i % len(texts)],
                                "date": "2021-03-04"}) + "\n")
    cmd = [sys.executable, "-m", "geo", "batch", str(inp), "--out", str(tmp_path / "o.geojson"), "--store", str(path),
           "--workers", "1", "--chunk", "8"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 240
    n = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.3)
        if path.exists():
            try:
                n = consistent(path)[0]
            except sqlite3.Error:
                continue
            if n >= 40:
                break
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 0 < consistent(path)[0] < 600
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    n, bad = consistent(path)
    assert n == 600 and not bad
    s = open_store(path)
    assert s.count() == 600 and len({a["article_id"] for a in s.articles()}) == 600
    s.close()


def test_text_hash_ignores_surrounding_space():
    assert text_hash(" a b \n") == text_hash("a b") != text_hash("a  b")


def _geo(*args, **kw):
    return subprocess.run([sys.executable, "-m", "geo", *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, **kw)


def test_store_commands(tmp_path):
    s = tmp_path / "s.sqlite"
    assert _geo("parse", SEED, "--store", s).returncode == 0
    r = _geo("store", "list", "--store", s)
    assert r.returncode == 0 and r.stdout.startswith("north-korea-missiles-2019-10-02\t2019-10-02\t")
    r = _geo("store", "add", ROOT / "seeds", "--store", s, "--workers", "1")
    assert r.returncode == 0 and "3 articles added, 1 updated" in r.stderr
    assert len(_geo("store", "list", "--store", s).stdout.splitlines()) == 4
    r = _geo("store", "list", "--store", s, "--from", "2019-01-01", "--type", "launch")
    assert [line.split("\t")[1] for line in r.stdout.splitlines()] == ["2019-10-02", "2022-11-02"]
    r = _geo("store", "export", "--store", s, "--out", tmp_path / "jp.geojson", "--area", "EEZ:JP")
    fc = json.loads((tmp_path / "jp.geojson").read_text())
    assert r.returncode == 0 and fc["features"] and all(
        any(z["kind"] == "EEZ" and z["sovereign"] == "JP" and z["inside"] for z in f["properties"]["zones"])
        for f in fc["features"])
    assert _geo("store", "export", "--store", s, "--out", tmp_path / "x.txt", "--format", "csv").returncode == 0
    assert (tmp_path / "x.txt").read_text().startswith("article_id,place_name")
    r = _geo("store", "remove", "north-korea-missiles-2019-10-02", "nope", "--store", s)
    assert r.returncode == 1 and "1 of 2 article(s) removed" in r.stderr
    assert "schema version 3, 3 articles" in _geo("store", "info", "--store", s).stdout
    r = _geo("store", "list", env={**os.environ, "NEWSMAP_STORE": str(s)})
    assert len(r.stdout.splitlines()) == 3                      # the environment's store
    assert "no such store" in _geo("store", "list", "--store", tmp_path / "none.sqlite").stderr


def test_batch_reused_from_its_journal_still_fills_a_new_store(tmp_path):
    inp = tmp_path / "in.jsonl"
    with inp.open("w") as f:
        for i in range(12):
            f.write(json.dumps({"id": f"j{i}", "text": f"Talks in Geneva, Switzerland and Vienna ({i}).",
                                "source": "Wire Z"}) + "\n")
    out = tmp_path / "o.geojson"
    assert _geo("batch", inp, "--out", out, "--workers", "1").returncode == 0
    r = _geo("batch", inp, "--out", out, "--workers", "1", "--store", tmp_path / "s.sqlite")
    assert r.returncode == 0 and "12 from the journal" in r.stderr and "12 articles added" in r.stderr
    s = open_store(tmp_path / "s.sqlite")
    rows = list(s.articles())
    assert len(rows) == 12 and {a["source"] for a in rows} == {"in.jsonl"}
    snap = build_snapshot(s)
    assert {"Geneva", "Vienna"} <= set(snap.pl_name)
    s.close()


def test_two_names_placed_in_one_container_are_two_places_of_the_store(tmp_path):
    # "Holliday" and "Qatraneh", which the gazetteer lacks, both placed at Missouri's point: the
    # store's place key was the point alone, and the second insert broke its unique constraint
    from geo.store.records import PlaceRow, merged_places, place_key
    assert place_key(-7, 1.0, 2.0) != place_key(-9, 1.0, 2.0)
    assert place_key(12, 1.0, 2.0) == "g12" and place_key(None, 1.0, 2.0) == "c1.000000,2.000000"
    rows = [PlaceRow("c1,2", 1.0, 2.0, "{}", 0.4, 1, '[{"start": 0}]'),
            PlaceRow("c1,2", 1.0, 2.0, "{}", 0.6, 2, '[{"start": 9}, {"start": 20}]')]
    (one,) = merged_places(rows)
    assert (one.n, one.confidence, len(json.loads(one.mentions))) == (3, 0.6, 3)
    from tests.conftest import analyse
    a = analyse("Police in Holliday, Missouri, and in Zorbatown, Missouri, said HOLLIDAY was quiet.",
                article_id="two-unknowns")
    rec = from_analysis(a)
    with open_store(str(tmp_path / "s.sqlite")) as store:
        store.add([rec])
        assert store.count() == 1
        assert len(list(store.place_rows(None))) == len(rec.places)
