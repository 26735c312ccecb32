"""The opt-in network geocoder, against a fake Nominatim on 127.0.0.1 (never the internet)."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from gazetteer.network import NetworkGeocoder, feature_type_of
from gazetteer.resolve import Resolver
from geo.pipeline import Pipeline
from geo.settings import Settings

from conftest import ROOT, analyse

TIMEOUT = 0.5
XYZZY = [{"place_id": 1, "lat": "10.0", "lon": "20.0", "display_name": "Xyzzyville, Occitanie, France",
          "name": "Xyzzyville", "class": "place", "type": "town", "addresstype": "town", "place_rank": 18,
          "address": {"town": "Xyzzyville", "country": "France", "country_code": "fr"}}]
# two answers for one name: the resolver's country hint picks the one in the article's country
TWIN = [{"lat": "40.0", "lon": "-100.0", "display_name": "Twinford, Kansas, United States", "class": "place",
         "type": "village", "address": {"country_code": "us"}},
        {"lat": "45.0", "lon": "5.0", "display_name": "Twinford, Auvergne, France", "class": "place",
         "type": "village", "address": {"country_code": "fr"}}]


class FakeNominatim(BaseHTTPRequestHandler):
    requests: list[str] = []

    def log_message(self, *args):   # keep the test output clean
        pass

    def do_GET(self):
        url = urlsplit(self.path)
        q = (parse_qs(url.query).get("q") or [""])[0]
        type(self).requests.append(q)
        if url.path != "/search":
            self._send(404, b"[]")
        elif q == "Kaboomville":
            self._send(500, b"internal error")
        elif q == "Slowtown":
            time.sleep(TIMEOUT * 3)
            self._send(200, b"[]")
        elif q == "Garbled":
            self._send(200, b"{not json")
        elif q == "Xyzzyville":
            self._send(200, json.dumps(XYZZY).encode())
        elif q == "Twinford":
            self._send(200, json.dumps(TWIN).encode())
        else:
            self._send(200, b"[]")

    def _send(self, code: int, body: bytes):
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:   # the client gave up (time-out)
            pass


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    for var in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    FakeNominatim.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _geocoder(server, tmp_path, **kw) -> NetworkGeocoder:
    kw.setdefault("min_delay_seconds", 0.0)
    kw.setdefault("timeout", TIMEOUT)
    return NetworkGeocoder(domain=f"127.0.0.1:{server.server_address[1]}", scheme="http",
                           cache_path=tmp_path / "geocode.sqlite", **kw)


TEXT = "A fire broke out in Xyzzyville on Monday, officials in Lyon, France said."


def _spans(text: str, *names: str) -> list[tuple[int, int]]:
    return [(text.index(n), text.index(n) + len(n)) for n in names]


def _by_text(analysis) -> dict:
    return {r.mention.text: r for r in analysis.resolutions}


def test_fallback_places_an_unknown_name_and_caches_it(server, tmp_path, monkeypatch):
    pipeline = Pipeline(Settings(), geocoder=_geocoder(server, tmp_path))
    a = pipeline.analyse(TEXT, spans=_spans(TEXT, "Xyzzyville", "Lyon", "France"), events=False)
    r = _by_text(a)
    x = r["Xyzzyville"]
    assert x.place is not None and (x.place.lat, x.place.lon) == (10.0, 20.0)
    assert x.place.source == "network" and x.place.id == -1
    assert x.place.country_code == "FR" and x.place.feature_type == "city"
    assert x.confidence == 0.5 and x.reason == "from the network geocoder (Nominatim)"
    assert r["Lyon"].place.country_code == "FR" and r["Lyon"].place.source != "network"
    assert any(g.place.name == "Xyzzyville" for g in a.places)
    assert FakeNominatim.requests == ["Xyzzyville"]     # only the name the gazetteer lacks went out

    # the second parse, and a new geocoder over the same cache file, answer from the cache
    pipeline.analyse(TEXT, spans=_spans(TEXT, "Xyzzyville", "Lyon", "France"), events=False)
    again = _geocoder(server, tmp_path).geocode("xyzzyville", None)
    assert again is not None and (again.lat, again.lon) == (10.0, 20.0)
    assert FakeNominatim.requests == ["Xyzzyville"]


def test_misses_are_cached_too(server, tmp_path):
    geo = _geocoder(server, tmp_path)
    assert geo.geocode("Nowhereburg", None) is None
    assert geo.geocode("Nowhereburg", "FR") is None
    assert FakeNominatim.requests == ["Nowhereburg"]


def test_country_hint_prefers_the_answer_in_that_country(server, tmp_path):
    geo = _geocoder(server, tmp_path)
    assert geo.geocode("Twinford", "FR").country_code == "FR"
    assert geo.geocode("Twinford", None).country_code == "US"       # no hint: Nominatim's first
    text = "Storms hit Twinford and Lyon, France overnight."
    res = Resolver(network=geo).resolve(text, analyse(text, spans=_spans(text, "Twinford", "Lyon", "France"),
                                                      events=False).mentions)
    assert res[0].place.country_code == "FR" and (res[0].place.lat, res[0].place.lon) == (45.0, 5.0)


@pytest.mark.parametrize("name", ["Slowtown", "Kaboomville", "Garbled"])
def test_timeouts_and_errors_leave_the_parse_going(server, tmp_path, monkeypatch, capsys, name):
    geo = _geocoder(server, tmp_path)
    text = f"Residents of {name} fled to Lyon, France, police said."
    a = Pipeline(Settings(), geocoder=geo).analyse(text, spans=_spans(text, name, "Lyon", "France"), events=False)
    r = _by_text(a)
    assert r[name].place is None or r[name].place.source != "network"   # the focus fallback may place it
    assert r["Lyon"].place.country_code == "FR" and r["France"].place.feature_type == "country"
    assert geo.geocode(name, None) is None
    err = capsys.readouterr().err
    assert err.count("warning: network geocoder") == 1                  # one short warning, not a traceback
    assert "Traceback" not in err
    assert FakeNominatim.requests.count(name) == 2                       # failures are not cached


def test_failures_in_a_row_stop_the_lookups(server, tmp_path):
    geo = _geocoder(server, tmp_path)
    for _ in range(3):
        assert geo.geocode("Kaboomville", None) is None
    assert geo.disabled
    assert geo.geocode("Xyzzyville", None) is None
    assert FakeNominatim.requests == ["Kaboomville"] * 3


def test_connection_refused_is_caught(tmp_path):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()                       # nothing listens there now
    geo = NetworkGeocoder(domain=f"127.0.0.1:{port}", scheme="http", min_delay_seconds=0, timeout=TIMEOUT,
                          cache_path=tmp_path / "c.sqlite")
    assert geo.geocode("Xyzzyville", None) is None


def test_rate_limiter_spaces_uncached_queries(server, tmp_path):
    geo = _geocoder(server, tmp_path, min_delay_seconds=0.2)
    t0 = time.monotonic()
    geo.geocode("Firstplace", None)
    geo.geocode("Secondplace", None)
    assert time.monotonic() - t0 >= 0.2
    t1 = time.monotonic()
    geo.geocode("Firstplace", None)            # cached: no request, no wait for the limiter
    assert FakeNominatim.requests == ["Firstplace", "Secondplace"]
    assert time.monotonic() - t1 < 0.2


def test_off_by_default_no_request(server, tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSMAP_GEOCODER", raising=False)
    pipeline = Pipeline(Settings.from_env())
    assert pipeline.settings.geocoder is None and pipeline.resolver.network is None
    a = pipeline.analyse(TEXT, spans=_spans(TEXT, "Xyzzyville", "Lyon", "France"), events=False)
    x = _by_text(a)["Xyzzyville"]
    assert x.place is None or x.place.source != "network"
    assert FakeNominatim.requests == []


def test_switched_on_by_the_environment(server, tmp_path, monkeypatch):
    port = server.server_address[1]
    monkeypatch.setenv("NEWSMAP_GEOCODER", "nominatim")
    monkeypatch.setenv("NEWSMAP_GEOCODER_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("NEWSMAP_GEOCODER_CACHE", str(tmp_path / "env.sqlite"))
    a = Pipeline(Settings.from_env()).analyse(TEXT, spans=_spans(TEXT, "Xyzzyville", "Lyon", "France"), events=False)
    assert _by_text(a)["Xyzzyville"].place.source == "network"
    assert (tmp_path / "env.sqlite").exists()
    assert FakeNominatim.requests == ["Xyzzyville"]
    # network=False keeps it off whatever the environment says
    assert Resolver(network=False).network is None


def test_cli_network_flag(server, tmp_path):
    port = server.server_address[1]
    env = {"PATH": "/usr/bin:/bin", "NEWSMAP_GEOCODER_URL": f"http://127.0.0.1:{port}",
           "NEWSMAP_GEOCODER_CACHE": str(tmp_path / "cli.sqlite"), "NO_PROXY": "127.0.0.1", "HOME": str(tmp_path)}
    line = json.dumps({"id": "a", "text": TEXT, "spans": _spans(TEXT, "Xyzzyville", "Lyon", "France")}) + "\n"
    run = lambda *flags: subprocess.run([sys.executable, "-m", "geo", "parse", "--jsonl", "-", *flags],
                                        input=line, capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    off = run()
    assert off.returncode == 0 and FakeNominatim.requests == []
    on = run("--network")
    assert on.returncode == 0, on.stderr
    places = json.loads(on.stdout)["places"]
    assert (places[0]["lat"], places[0]["lon"], places[0]["country_code"]) == (10.0, 20.0, "FR")
    assert FakeNominatim.requests == ["Xyzzyville"]


def test_feature_types_from_nominatim_classes():
    assert feature_type_of({"class": "boundary", "type": "administrative", "addresstype": "country"}) == "country"
    assert feature_type_of({"class": "place", "type": "country"}) == "country"
    assert feature_type_of({"class": "boundary", "type": "administrative", "addresstype": "state"}) == "admin1"
    assert feature_type_of({"class": "natural", "type": "bay"}) == "water"
    assert feature_type_of({"class": "waterway", "type": "river"}) == "water"
    assert feature_type_of({"class": "place", "type": "island"}) == "region"
    assert feature_type_of({"class": "place", "type": "village"}) == "city"
    assert feature_type_of({"class": "amenity", "type": "school"}) == "city"
