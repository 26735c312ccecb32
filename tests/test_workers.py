"""The batch survives its workers (issue 15, item 6): killed workers lose no article, a hung worker
is timed out, and killing the main process takes its workers with it. Real processes, real signals."""
import json
import os
import signal
import subprocess
import sys
import time

import psutil

from geo.apps.batch.assemble import errors_path
from tests.conftest import ROOT


def write_articles(path, n):
    path.write_text("".join(json.dumps({"id": f"a{i}", "text": f"Officials in Seoul and Busan met on day {i}. "
                                                                f"Talks in Tokyo and Osaka followed; rain fell in "
                                                                f"Lima and Quito. " * 3}) + "\n" for i in range(n)),
                    "utf-8")


def start(src, out, *extra):
    return subprocess.Popen([sys.executable, "-m", "geo", "batch", str(src), "--out", str(out), "--workers", "2",
                             "--chunk", "8", *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def workers_of(pid) -> list[psutil.Process]:
    """The batch's worker processes: children of its fork server (itself a child of the main process)."""
    out = []
    for c in psutil.Process(pid).children(recursive=True):
        try:
            if c.ppid() != pid and c.status() != psutil.STATUS_ZOMBIE:
                out.append(c)
        except psutil.Error:
            pass
    return out


def wait_for_workers(p, n=2, timeout=60) -> list[psutil.Process]:
    deadline = time.time() + timeout
    while time.time() < deadline and p.poll() is None:
        ws = workers_of(p.pid)
        if len(ws) >= n:
            return ws
        time.sleep(0.05)
    if p.poll() is not None:
        return []             # the run ended (the caller checks it did its work)
    raise AssertionError("the batch started no workers")


def test_killed_workers_lose_no_article(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "o.geojson"
    n = 8000        # several seconds of work on two workers: time to kill them a few times
    write_articles(src, n)
    p = start(src, out)
    killed = 0
    for _ in range(4):
        ws = wait_for_workers(p)
        time.sleep(0.3)
        if not ws or p.poll() is not None:
            break
        try:
            ws[killed % len(ws)].kill()
            killed += 1
        except psutil.Error:
            pass
    _, err = p.communicate(timeout=300)
    assert p.returncode == 0 and b"Traceback" not in err, err
    assert killed >= 2, "the run ended before its workers could be killed; make the input larger"
    fc = json.loads(out.read_text("utf-8"))
    assert [a["article_id"] for a in fc["articles"]] == [f"a{i}" for i in range(n)]
    assert errors_path(out).read_text("utf-8") == ""


def test_a_hung_worker_is_timed_out_and_the_run_goes_on(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "o.geojson"
    n = 3000
    write_articles(src, n)
    p = start(src, out, "--timeout", "3")
    ws = wait_for_workers(p)
    assert ws, "the run ended before its workers were seen"
    deadline = time.time() + 60
    while ws[0].cpu_times().user < 0.3 and time.time() < deadline:      # busy with articles
        time.sleep(0.02)
    ws[0].suspend()                         # SIGSTOP: it never answers again
    _, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    errors = [json.loads(x) for x in errors_path(out).read_text("utf-8").splitlines()]
    fc = json.loads(out.read_text("utf-8"))
    assert len(errors) == 1 and "timed out after 3 s" in errors[0]["error"], errors
    assert len(fc["articles"]) == n - 1
    assert not ws[0].is_running() or ws[0].status() == psutil.STATUS_ZOMBIE


def test_killing_the_main_process_takes_its_workers(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "o.geojson"
    write_articles(src, 20_000)
    p = start(src, out)
    ws = wait_for_workers(p)
    assert ws, "the run ended before its workers were seen"
    helpers = [c for c in psutil.Process(p.pid).children(recursive=True)]
    os.kill(p.pid, signal.SIGKILL)
    p.communicate(timeout=30)
    gone, alive = psutil.wait_procs(helpers, timeout=15)
    assert not [a for a in alive if a.status() != psutil.STATUS_ZOMBIE], [a.cmdline()[:3] for a in alive]
    assert all(w in gone or not w.is_running() for w in ws)


def test_a_worker_killed_while_idle_is_replaced_when_work_comes():
    """A worker killed between chunks (no task: nobody watches its pipe) broke the next send with
    "error: [Errno 32] Broken pipe" and ended the run; now a fresh worker takes the chunk."""
    from geo.apps.batch.engines import LocalEngine
    from geo.settings import Settings

    def items(tag):
        return [{"key": f"{tag}{i}", "id": f"{tag}{i}", "text": "Officials met in Seoul on Monday."} for i in range(2)]

    engine = LocalEngine(1, Settings())
    try:
        first = engine.submit(items("a"))
        engine.wait([first])
        idle = engine.pool[0]
        idle.proc.kill()
        idle.proc.join(10)
        second = engine.submit(items("b"))
        engine.wait([second])
        assert [r["status"] for r in second.result()] == ["ok", "ok"]
        assert engine.pool[0] is not idle and engine.restarts == 1
    finally:
        engine.close()
