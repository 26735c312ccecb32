"""`python -m geo parse` as a user runs it, in a subprocess."""
import json
import subprocess
import sys

from tests.conftest import ROOT, SEED


def run(*args, stdin=b""):
    return subprocess.run([sys.executable, "-m", "geo", *args], input=stdin, capture_output=True, cwd=ROOT, timeout=120)


def test_parse_file_prints_rfc7946_feature_collection():
    out = run("parse", str(SEED))
    assert out.returncode == 0, out.stderr
    fc = json.loads(out.stdout)
    assert fc["type"] == "FeatureCollection"
    places = {f["properties"]["name"]: f for f in fc["features"] if f["properties"]["kind"] == "place"}
    won = next(f for n, f in places.items() if n.startswith("W") and f["properties"]["country_code"] == "KP")
    lon, lat = won["geometry"]["coordinates"]
    assert abs(lon - 127.44) < 0.1 and abs(lat - 39.15) < 0.1       # [lon, lat] order
    props = won["properties"]
    assert props["geonameid"] == 1866923 and props["feature_type"] == "city"
    assert props["mentions"][0]["text"] == "Wonsan" and "fired from Wonsan" in props["mentions"][0]["sentence"]
    assert 0 < props["confidence"] <= 1 and isinstance(props["alternatives"], list)


def test_parse_reads_html_without_scripts_from_stdin():
    page = b"<html><head><title>T</title><script>var Paris = 1;</script></head><body><p>Talks in Hanoi.</p></body></html>"
    out = run("parse", "-", stdin=page)
    assert out.returncode == 0, out.stderr
    names = [f["properties"]["name"] for f in json.loads(out.stdout)["features"]]
    assert names == ["Hanoi"]


def test_jsonl_recognises_and_places_exact_spans():
    lines = [
        json.dumps({"id": "a", "text": "Missiles were fired from Wonsan toward Japan."}),
        "{broken json",
        json.dumps({"id": "b", "text": "Alexandria, La. is not Alexandria, Va.", "spans": [[0, 10], [23, 33], [35, 38]]}),
        json.dumps({"text": 5}),
        json.dumps({"id": "c", "text": "abc", "spans": [[0, 99]]}),
        json.dumps({"id": "d", "text": "Nothing here.", "spans": [[0, 7]]}),
    ]
    out = run("parse", "--jsonl", "-", stdin=("\n".join(lines) + "\n").encode())
    assert out.returncode == 0, out.stderr
    recs = [json.loads(x) for x in out.stdout.decode().splitlines()]
    assert len(recs) == 6
    a = recs[0]
    assert a["id"] == "a" and [p["text"] for p in a["places"]] == ["Wonsan", "Japan"]
    assert a["places"][0]["geonameid"] == 1866923
    assert "error" in recs[1] and recs[1]["id"] == 2
    b = recs[2]["places"]
    assert [p["text"] for p in b] == ["Alexandria", "Alexandria", "Va."]
    assert b[0]["country_code"] == "US" and b[0]["lon"] < -90        # Louisiana, not Egypt or Virginia
    assert b[1]["country_code"] == "US" and -78 < b[1]["lon"] < -76    # Virginia
    assert "error" in recs[3] and recs[3]["id"] == 4
    assert "error" in recs[4] and recs[4]["id"] == "c"
    assert recs[5]["places"][0]["lat"] is None and recs[5]["places"][0]["text"] == "Nothing"


def test_bad_input_gives_a_clear_error_and_exit_code():
    out = run("parse", "-", stdin=b"")
    assert out.returncode == 2 and b"empty" in out.stderr and b"Traceback" not in out.stderr
    out = run("parse", "-", stdin=bytes(range(256)) * 50)
    assert out.returncode == 2 and b"binary" in out.stderr and b"Traceback" not in out.stderr
    out = run("parse", "/nonexistent/file.txt")
    assert out.returncode == 2 and b"no such file" in out.stderr
