"""The store on a real PostgreSQL + PostGIS server: the same behaviour as the SQLite file.

The server: NEWSMAP_TEST_POSTGRES (a postgresql:// URL of a database the tests may create
databases from; .ci/run starts one with scripts/pg_throwaway.sh), else a throwaway cluster this
module starts the same way. Never skipped: without PostgreSQL and PostGIS (Debian: apt-get install
postgresql postgis) the tests fail and say so.
"""
from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
import time
import uuid

import pytest

from geo.store import StoreError, open_store
from geo.store.query import Filter, build_snapshot, select
from tests.conftest import ROOT
from tests.store_helpers import fake_record, seed_variants

SCRIPT = ROOT / "scripts" / "pg_throwaway.sh"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    url = os.environ.get("NEWSMAP_TEST_POSTGRES")
    if url:
        yield url
        return
    where = tmp_path_factory.mktemp("pg")
    r = subprocess.run(["bash", str(SCRIPT), "start", str(where)], capture_output=True, text=True, timeout=180)
    if r.returncode != 0:
        pytest.fail("cannot start a PostgreSQL server for the store's tests (Debian: apt-get install postgresql "
                    f"postgis; or set NEWSMAP_TEST_POSTGRES): {r.stderr.strip()[-400:]}", pytrace=False)
    try:
        yield r.stdout.strip()
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", str(where)], capture_output=True, timeout=120)


@pytest.fixture()
def db_url(server):
    """A fresh database on the server for one test."""
    import psycopg
    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(server, autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    yield server.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(server, autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_same_answers_as_sqlite(db_url, tmp_path):
    recs = seed_variants(2)
    pg, lite = open_store(db_url), open_store(tmp_path / "s.sqlite")
    try:
        for s in (pg, lite):
            assert s.add(recs) == {"added": len(recs), "updated": 0}
            assert s.add(recs[:2]) == {"added": 0, "updated": 2}
        assert pg.schema_version == lite.schema_version == 3
        assert pg.count() == lite.count() == len(recs)
        a, b = build_snapshot(pg), build_snapshot(lite)
        assert len(a.m_art) == len(b.m_art) and a.n_events == b.n_events
        for f in (Filter(), Filter(kinds=("launch",)), Filter(areas=("EEZ:JP",)), Filter(text="Hokkaido"),
                  Filter(start="2019-01-01", end="2020-12-31"), Filter(sources=("Wire A",))):
            sa, sb = select(a, f, pg.search), select(b, f, lite.search)
            assert (len(sa.events), len(sa.places), len(sa.articles)) == \
                   (len(sb.events), len(sb.places), len(sb.articles)), f
        assert sorted(pg.in_box(124, 33, 132, 43)[1]) == sorted(lite.in_box(124, 33, 132, 43)[1])
        tokyo = int(a.pl_id[list(a.pl_name).index("Tokyo")])
        assert len(pg.place_mentions(tokyo, pg.place_articles(tokyo))) >= 2
        assert pg.article(recs[0].article_id)["text"] == recs[0].text
        assert pg.remove([recs[0].article_id]) == 1 and pg.count() == len(recs) - 1
    finally:
        pg.close()
        lite.close()


def _writer(url: str, start: int) -> None:
    s = open_store(url)
    for i in range(start, start + 60, 5):
        s.add([fake_record(j) for j in range(i, i + 5)])
        s.add([fake_record(i)])
    s.close()


def test_concurrent_writers_never_show_half_an_article(db_url):
    open_store(db_url).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(db_url, k * 100)) for k in range(2)]
    problems, stop = [], threading.Event()

    def read():
        import psycopg
        with psycopg.connect(db_url, autocommit=True) as c:
            c.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            while not stop.is_set():
                with c.transaction():
                    problems.extend(c.execute(
                        "SELECT a.article_id FROM articles a WHERE a.n_places <> "
                        "(SELECT COUNT(*) FROM mentions m WHERE m.article = a.id)").fetchall())
                time.sleep(0.02)

    reader = threading.Thread(target=read)
    reader.start()
    for p in procs:
        p.start()
    for p in procs:
        p.join(180)
    stop.set()
    reader.join()
    assert all(p.exitcode == 0 for p in procs) and not problems
    s = open_store(db_url)
    assert s.count() == 120
    s.close()


def test_batch_into_postgres_and_rerun(db_url, tmp_path):
    import json
    inp = tmp_path / "in.jsonl"
    with inp.open("w") as f:
        for i in range(30):
            f.write(json.dumps({"id": f"p{i}", "text": f"Ministers met in Lyon, France and Turin ({i}).",
                                "date": "2020-02-02"}) + "\n")
    cmd = [sys.executable, "-m", "geo", "batch", str(inp), "--out", str(tmp_path / "o.geojson"), "--store", db_url,
           "--workers", "1"]
    for out in ("o", "o2"):              # another journal: every article analysed again, none added twice
        cmd[6] = str(tmp_path / f"{out}.geojson")
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
        assert r.returncode == 0, r.stderr
    r = subprocess.run([sys.executable, "-m", "geo", "store", "list", "--store", db_url], capture_output=True,
                       text=True, cwd=ROOT)
    assert len(r.stdout.strip().splitlines()) == 30


def test_not_a_store_and_newer_schema(db_url, server):
    import psycopg
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("CREATE TABLE something_else(x int)")
    with pytest.raises(StoreError, match="not a newsmap store"):
        open_store(db_url)
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("DROP TABLE something_else")
    open_store(db_url).close()
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("UPDATE store_info SET value = '7' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="schema version 7"):
        open_store(db_url)
    with pytest.raises(StoreError, match="cannot connect"):
        open_store(server.rsplit("/", 1)[0] + "/no_such_database_here")


def test_version_1_database_is_migrated(db_url):
    import zlib
    import psycopg
    from geo.store.postgres import MIGRATIONS
    with psycopg.connect(db_url, autocommit=True) as c, c.transaction(), c.cursor() as cur:
        MIGRATIONS[1](cur)
        cur.execute("UPDATE store_info SET value = '1' WHERE key = 'schema_version'")
        cur.execute("INSERT INTO articles(id, article_id, text_hash, title, date, day, text, n_places, n_features)"
                    " VALUES (1, 'old', 'h', 'Old', '2018-01-01', 17532, %s, 0, 0)",
                    (zlib.compress("Troops gathered near Kharkiv".encode()),))
    s = open_store(db_url)
    assert s.schema_version == 3 and s.search("Kharkiv")[0] == [1]
    assert s.article("old")["text"] == "Troops gathered near Kharkiv"
    s.close()
