"""`batch --engine dask --scheduler` on a real cluster (issue 16): a scheduler and workers started as
their own processes by Dask's command line, from another folder, in an environment where the project
is importable only as its wheel installs it; and the same cluster's workers without the project.

The workers' environment: a virtual environment of its own whose only path entry is this
environment's site-packages (numpy, dask, ... but not the project: the editable install's hook is
a .pth file there, which Python processes only in its own site-packages). That is a machine on
which the dependencies were installed and the project was not. The project is then added the way
`pip install newsmap-*.whl` adds it: the wheel's files on the path (PYTHONPATH=the unpacked wheel),
which also shows that the wheel carries the place index, the resolver's model and the zones."""
import json
import socket
import subprocess
import sys
import sysconfig
import time
import zipfile

import pytest

from tests.conftest import ROOT

TEXTS = ["Officials in Seoul and Busan met on Monday.", "Flooding hit Dhaka and parts of Sylhet.",
         "Storms hit St. Louis and flooded parts of Missouri.", "Talks resumed in Hanoi, Vietnam, on Friday.",
         "Protesters gathered in Nairobi while officials in Mombasa waited.",
         "North Korea fired a missile from Wonsan that landed in the Sea of Japan."]


@pytest.fixture(scope="module")
def envs(tmp_path_factory):
    """(python without the project, the unpacked wheel) in folders outside the project."""
    root = tmp_path_factory.mktemp("cluster")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / "venv")], check=True)
    py = root / "venv" / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    with open(f"{site}/newsmap_deps.pth", "w") as f:
        f.write(sysconfig.get_paths()["purelib"] + "\n")   # this environment's packages, not its .pth hooks
    probe = subprocess.run([str(py), "-c", "import dask, distributed, numpy; import geo"], capture_output=True,
                           text=True, cwd=root)
    assert "No module named 'geo'" in probe.stderr, "the workers' environment must lack the project: " + probe.stderr
    dist = root / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist),
                    str(ROOT)], check=True, capture_output=True)
    wheel = next(dist.glob("newsmap-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert {"gazetteer/data/index/names.marisa", "gazetteer/data/resolver_model.npz", "geo/data/zones.npz"} <= set(names)
    zipfile.ZipFile(wheel).extractall(root / "site")
    return py, root / "site", root


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Cluster:
    """`dask scheduler` and `dask worker` processes in folder `cwd`, with the given PYTHONPATHs."""

    def __init__(self, py, cwd, scheduler_path: str, worker_path: str, nworkers: int = 2):
        self.address = f"tcp://127.0.0.1:{free_port()}"
        env = lambda p: {"PATH": "/usr/bin:/bin", "PYTHONPATH": p, "HOME": str(cwd)}
        port = self.address.rsplit(":", 1)[1]
        self.procs = [subprocess.Popen([str(py), "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                        "--port", port, "--no-dashboard"], cwd=cwd, env=env(scheduler_path),
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        self.procs.append(subprocess.Popen([str(py), "-m", "distributed.cli.dask_worker", self.address, "--nworkers",
                                            str(nworkers), "--nthreads", "1", "--no-dashboard"], cwd=cwd,
                                           env=env(worker_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    def close(self):
        for p in self.procs[::-1]:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()


def batch(inp, out, *extra, timeout=300):
    return subprocess.run([sys.executable, "-m", "geo", "batch", str(inp), "--out", str(out), *extra],
                          capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def places(path):
    fc = json.loads(path.read_text("utf-8"))
    return sorted((f["properties"]["name"], f["properties"]["place_id"], f["properties"]["articles"],
                   len(f["properties"]["mentions"])) for f in fc["features"] if f["properties"]["kind"] == "place")


def write_input(path, n):
    path.write_text("".join(json.dumps({"id": f"c{i}", "text": TEXTS[i % len(TEXTS)] + f" Day {i}."}) + "\n"
                            for i in range(n)), "utf-8")


def test_a_real_cluster_gives_the_local_places(envs, tmp_path):
    py, site, root = envs
    inp = tmp_path / "in.jsonl"
    write_input(inp, 300)
    cluster = Cluster(py, root, str(site), str(site))
    try:
        r = batch(inp, tmp_path / "c" / "o.geojson", "--engine", "dask", "--scheduler", cluster.address)
    finally:
        cluster.close()
    assert r.returncode == 0, r.stderr
    local = batch(inp, tmp_path / "l" / "o.geojson", "--workers", "1")
    assert local.returncode == 0, local.stderr
    got = places(tmp_path / "c" / "o.geojson")
    assert got == places(tmp_path / "l" / "o.geojson") and {"Seoul", "Dhaka", "Nairobi"} <= {p[0] for p in got}


def test_a_cluster_without_the_project_stops_the_run_at_once(envs, tmp_path):
    py, site, root = envs
    inp = tmp_path / "in.jsonl"
    write_input(inp, 2000)
    cluster = Cluster(py, root, str(site), "", nworkers=1)       # the workers lack the project
    try:
        t = time.time()
        r = batch(inp, tmp_path / "o.geojson", "--engine", "dask", "--scheduler", cluster.address)
        seconds = time.time() - t
    finally:
        cluster.close()
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "workers cannot import the project" in r.stderr and "No module named 'geo'" in r.stderr
    assert "pip install newsmap-" in r.stderr and seconds < 120
    errors = tmp_path / "o.errors.jsonl"
    assert not errors.exists() or errors.read_text() == ""      # no per-article errors
