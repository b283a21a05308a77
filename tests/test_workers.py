"""Units of work on worker processes: results in the order asked, errors raised, the same report for any number
of workers, an interruption that stops them all."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from nnfield.audit import run_audit
from nnfield.cli import main
from nnfield.derivations import kahn2017
from nnfield.workers import available_cores, checked_workers, default_workers, run_units


def _slow_square(value):
    time.sleep(0.2 if value == 0 else 0.0)  # the first unit finishes last
    return value * value, os.getpid()


def _refuse_odd(value):
    if value % 2:
        raise ArithmeticError(f"unit {value} failed")
    return value


def test_results_keep_the_order_of_the_units_whatever_order_the_workers_finish_in():
    results = run_units(_slow_square, [0, 1, 2, 3], workers=2)
    assert [square for square, _ in results] == [0, 1, 4, 9]
    assert os.getpid() not in {pid for _, pid in results}
    assert {pid for _, pid in run_units(_slow_square, [1, 2], workers=0)} == {os.getpid()}


def _worker_of(unit):
    """a1 waits until the other worker has chosen its second unit (whichever it is, that unit says so)."""
    name, released = unit
    if name == "a1":
        deadline = time.monotonic() + 60
        while not released.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    elif name != "b1":
        released.touch()
    return os.getpid()


def test_a_free_worker_takes_the_unit_that_shares_its_caches(tmp_path):
    """Worker A holds a1 while worker B, free after b1, chooses: b2, which shares its name, although a2 comes
    first in the list. Without names B takes the next unit in order, a2."""
    names = ["a1", "b1", "a2", "b2"]
    workers_of = dict(zip(names, run_units(_worker_of, [(name, tmp_path / "shared") for name in names], workers=2,
                                           shared=lambda unit: {unit[0][0]})))
    assert workers_of["a1"] != workers_of["b1"]
    assert workers_of["b2"] == workers_of["b1"]
    without = dict(zip(names, run_units(_worker_of, [(name, tmp_path / "in order") for name in names], workers=2)))
    assert without["a2"] == without["b1"]


def _stop_abruptly(value):
    if value == 2:
        os._exit(3)
    return value


def _unpicklable(value):
    return lambda: value


def test_a_worker_that_dies_or_cannot_reply_is_reported_in_one_line():
    with pytest.raises(RuntimeError, match=r"a worker process stopped \(exit code 3\) while running unit 1; run with "
                                           r"--workers 0"):
        run_units(_stop_abruptly, [1, 2], workers=2)
    with pytest.raises(RuntimeError, match="unit 0: its result cannot be sent to the parent process"):
        run_units(_unpicklable, [1], workers=1)


def test_an_error_in_a_worker_is_raised_in_the_caller_with_the_workers_traceback():
    with pytest.raises(ArithmeticError, match="unit 1 failed") as raised:
        run_units(_refuse_odd, [2, 4, 1, 6], workers=2)
    assert "in _refuse_odd" in str(raised.value.__cause__)  # where it failed, in the worker


def test_the_cli_reports_a_crashed_worker_in_one_line(capsys, monkeypatch):
    from nnfield import cli

    monkeypatch.setattr(cli, "_derived_texts", _stop_abruptly_on_derivation)
    assert main(["derive", "fok2017", "--quiet", "--workers", "2"]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nnfield derive: error: a worker process stopped (exit code 3)"), \
        lines


def _stop_abruptly_on_derivation(unit):
    os._exit(3)


def test_workers_from_the_argument_the_environment_or_the_cores(monkeypatch):
    monkeypatch.setenv("NNFIELD_WORKERS", "3")
    assert default_workers() == checked_workers(None) == 3
    monkeypatch.delenv("NNFIELD_WORKERS")
    assert default_workers() == available_cores() >= 1
    assert checked_workers(0) == 0
    for wrong in (-2, 1.5, True, "2"):
        with pytest.raises(ValueError, match="workers must be a non-negative integer"):
            checked_workers(wrong)
    monkeypatch.setenv("NNFIELD_WORKERS", "-1")
    with pytest.raises(ValueError, match="NNFIELD_WORKERS must be an integer >= 0"):
        default_workers()


def test_the_cli_refuses_bad_workers_in_one_line(capsys, monkeypatch, tmp_path):
    for argv in (["derive", "fok2017", "--workers", "-1"], ["audit", "--workers", "-2", "--out", str(tmp_path / "r")]):
        assert main(argv) == 2
        lines = capsys.readouterr().err.strip().splitlines()
        assert len(lines) == 1 and "--workers must be an integer >= 0" in lines[0], lines
    monkeypatch.setenv("NNFIELD_WORKERS", "several")
    assert main(["derive", "fok2017", "--quiet"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "NNFIELD_WORKERS must be an integer >= 0" in lines[0], lines
    assert not (tmp_path / "r").exists()


def test_derive_prints_the_same_with_two_workers_as_with_one(capsys):
    assert main(["derive", "kahn2017", "--quiet", "--workers", "0"]) == 0
    serial = capsys.readouterr().out
    assert main(["derive", "kahn2017", "--quiet", "--workers", "2"]) == 0
    assert capsys.readouterr().out == serial


def test_the_audit_writes_the_same_report_with_two_workers_as_with_one(tmp_path, monkeypatch):
    """Checks, derivations and questions spread over two processes: same claims, evidence, figures and text.

    kahn2017 keeps its last check only (a validation its questions cite), so the test stays a few seconds.
    """
    every_check = kahn2017.audit_checks
    monkeypatch.setattr(kahn2017, "audit_checks", lambda: every_check()[-1:])
    folders = {workers: tmp_path / f"workers-{workers}" for workers in (0, 2)}
    for workers, folder in folders.items():
        run_audit(["fok2017", "kahn2017"], out=folder, progress=False, workers=workers)
    documents = {workers: json.loads((folder / "audit.json").read_text()) for workers, folder in folders.items()}
    for document in documents.values():
        document.pop("meta")
    assert documents[0] == documents[2]
    assert documents[0]["validations"] and documents[0]["claims"]
    assert any(" ran: " in question["evidence"] for question in documents[0]["questions"])
    for name in ("report.md", "report.tex"):
        assert (folders[0] / name).read_text() == (folders[2] / name).read_text()
    figures = {workers: sorted(p.name for p in (folder / "figures").iterdir()) for workers, folder in folders.items()}
    assert figures[0] == figures[2] and figures[0]


def _children(pid: int, *, count: int, seconds: float = 60.0) -> bool:
    """Wait until process ``pid`` has ``count`` child processes (Linux's /proc); whether it did in time."""
    listing = f"/proc/{pid}/task/{pid}/children"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with open(listing) as children:
            if len(children.read().split()) >= count:
                return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="child processes are listed from Linux's /proc")
def test_an_interrupted_audit_stops_its_workers_and_leaves_the_previous_report(tmp_path):
    """Ctrl-C reaches every process of the terminal: one line, exit 130, no worker left, nothing half-written."""
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "audit.json").write_text("the previous report")
    environment = {**os.environ, "NNFIELD_WORKERS": "2"}
    process = subprocess.Popen([sys.executable, "-m", "nnfield", "audit", "--paper", "schoenholz2017", "--quiet",
                                "--out", str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=environment, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert _children(process.pid, count=2), "the audit did not start its two workers"
    os.killpg(process.pid, signal.SIGINT)  # while they derive and simulate (the whole audit takes about 20 s)
    _, error = process.communicate(timeout=60)
    assert process.returncode == 130, error
    assert error.strip().splitlines() == ["nnfield audit: interrupted; no files were left half-written"]
    assert [path.name for path in folder.iterdir()] == ["audit.json"]
    assert (folder / "audit.json").read_text() == "the previous report"
    with pytest.raises(ProcessLookupError):  # the whole group is gone: no worker outlived the interruption
        os.killpg(process.pid, 0)
