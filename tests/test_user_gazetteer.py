"""The user's own gazetteer: a local file of places, used by every later analysis, found in running
text and ranked above the bundled data (gazetteer.user, Settings.user_gazetteer, python -m gazetteer)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gazetteer.user import UserGazetteer, UserGazetteerError
from geo.pipeline import Pipeline
from geo.settings import ENV_USER_GAZETTEER, Settings
from tests.conftest import ROOT

TEXT = "Clashes were reported in Springfield and near the Qaryat al-Nur checkpoint on Monday."


def places(pipeline, text=TEXT):
    return {r.mention.text: r for r in pipeline.analyse(text, events=False).resolutions}


def test_add_list_remove(tmp_path):
    ug = UserGazetteer(tmp_path / "sub" / "gazetteer.tsv")
    assert ug.list() == []
    ug.add("Qaryat al-Nur", 36.5012, 40.7433, feature_type="site", country_code="sy", alt_names=["Qaryat al Nur"])
    ug.add("Springfield", 12.5, 13.5)
    ug.add("springfield", 12.6, 13.6)                     # the same name (folded): replaced, not doubled
    got = ug.list()
    assert [(p.name, p.lat, p.country_code, p.feature_type) for p in got] == [
        ("Qaryat al-Nur", 36.5012, "SY", "site"), ("springfield", 12.6, "", "city")]
    assert got[0].alt_names == ("Qaryat al Nur",)
    assert ug.remove("SPRINGFIELD") == 1 and ug.remove("Springfield") == 0
    assert [p.name for p in ug.list()] == ["Qaryat al-Nur"]


@pytest.mark.parametrize("args", [("X", 10, 10), ("Somewhere", 91, 0), ("Somewhere", 0, 181),
                                  ("Somewhere", "north", 0), ("Somewhere", 0, 0, "village"),
                                  ("Somewhere", 0, 0, "city", "Syria")])
def test_bad_entries_are_refused(tmp_path, args):
    with pytest.raises(UserGazetteerError):
        UserGazetteer(tmp_path / "g.tsv").add(*args)


def test_the_pipeline_finds_and_prefers_the_user_s_places_and_sees_changes(tmp_path):
    path = tmp_path / "gazetteer.tsv"
    pipeline = Pipeline(Settings(user_gazetteer=path))      # the file does not exist yet
    before = places(pipeline)
    assert before["Springfield"].place.country_code == "US"
    assert "Qaryat al-Nur" not in before

    ug = UserGazetteer(path)                                 # as the page does when a user corrects a place
    ug.add("Springfield", 36.2, 37.1, country_code="SY")
    ug.add("Qaryat al-Nur", 36.5012, 40.7433, feature_type="site", country_code="SY")
    after = places(pipeline)                                 # the same pipeline reads the new file
    s = after["Springfield"]
    assert (s.place.source, s.place.lat, s.place.country_code) == ("user", 36.2, "SY")
    assert s.reason == "in your own gazetteer"
    assert any(a.place.country_code == "US" for a in s.alternatives)   # the bundled choice is kept as a runner-up
    q = after["Qaryat al-Nur"]                                # a name only the user has, found in running text
    assert q.place.source == "user" and q.place.feature_type == "site"
    ug.remove("Springfield")
    assert places(pipeline)["Springfield"].place.country_code == "US"


def test_settings_read_the_file_from_the_environment(tmp_path):
    env = {ENV_USER_GAZETTEER: str(tmp_path / "mine.tsv")}
    assert Settings.from_env(env).user_gazetteer == tmp_path / "mine.tsv"
    assert Settings.from_env({}).user_gazetteer == Path("~/.local/share/newsmap/gazetteer.tsv").expanduser()
    assert Settings.from_env({ENV_USER_GAZETTEER: "off"}).user_gazetteer is None
    assert Settings().user_gazetteer is None


def test_command_line_add_list_remove_and_parse(tmp_path):
    env = {**os.environ, ENV_USER_GAZETTEER: str(tmp_path / "g.tsv")}

    def run(*args, stdin=None):
        return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, input=stdin, capture_output=True,
                              text=True)
    p = run("gazetteer", "add", "Qaryat al-Nur", "36.5012", "40.7433", "--type", "site", "--country", "SY")
    assert p.returncode == 0, p.stderr
    assert "Qaryat al-Nur\t36.5012\t40.7433\tsite\tSY" in run("gazetteer", "list").stdout
    assert run("gazetteer", "add", "Nowhere", "95", "0").returncode == 2
    out = run("geo", "parse", "--jsonl", "-", stdin='{"id": "a", "text": "' + TEXT + '"}\n').stdout
    assert '"name": "Qaryat al-Nur"' in out and '"lat": 36.5012' in out
    assert run("gazetteer", "remove", "qaryat al-nur").returncode == 0
    assert run("gazetteer", "remove", "qaryat al-nur").returncode == 1
    assert run("gazetteer", "list").stdout == ""
