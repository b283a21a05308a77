"""Units of work on worker processes: results in the order asked, errors raised, the same report for any number of jobs."""

import json
import os
import time

import pytest

from nnfield.audit import run_audit
from nnfield.cli import main
from nnfield.derivations import kahn2017
from nnfield.workers import available_cores, checked_jobs, default_jobs, run_units


def _slow_square(value):
    time.sleep(0.2 if value == 0 else 0.0)  # the first unit finishes last
    return value * value, os.getpid()


def _refuse_odd(value):
    if value % 2:
        raise ArithmeticError(f"unit {value} failed")
    return value


def test_results_keep_the_order_of_the_units_whatever_order_the_workers_finish_in():
    results = run_units(_slow_square, [0, 1, 2, 3], jobs=2)
    assert [square for square, _ in results] == [0, 1, 4, 9]
    assert os.getpid() not in {pid for _, pid in results}
    assert {pid for _, pid in run_units(_slow_square, [1, 2], jobs=1)} == {os.getpid()}


def test_an_error_in_a_worker_is_raised_in_the_caller():
    with pytest.raises(ArithmeticError, match="unit 1 failed"):
        run_units(_refuse_odd, [2, 4, 1, 6], jobs=2)


def test_jobs_from_the_argument_the_environment_or_the_cores(monkeypatch):
    monkeypatch.setenv("NNFIELD_JOBS", "3")
    assert default_jobs() == checked_jobs(None) == 3
    monkeypatch.delenv("NNFIELD_JOBS")
    assert default_jobs() == available_cores() >= 1
    for wrong in (0, -2, 1.5, True, "2"):
        with pytest.raises(ValueError, match="jobs must be an integer >= 1"):
            checked_jobs(wrong)
    monkeypatch.setenv("NNFIELD_JOBS", "0")
    with pytest.raises(ValueError, match="NNFIELD_JOBS must be an integer >= 1"):
        default_jobs()


def test_the_cli_refuses_bad_jobs_in_one_line(capsys, monkeypatch, tmp_path):
    for argv in (["derive", "fok2017", "--jobs", "0"], ["audit", "--jobs", "-1", "--out", str(tmp_path / "r")]):
        assert main(argv) == 2
        lines = capsys.readouterr().err.strip().splitlines()
        assert len(lines) == 1 and "--jobs must be an integer >= 1" in lines[0], lines
    monkeypatch.setenv("NNFIELD_JOBS", "several")
    assert main(["derive", "fok2017", "--quiet"]) == 2
    assert "NNFIELD_JOBS must be an integer >= 1" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_derive_prints_the_same_with_two_workers_as_with_one(capsys):
    assert main(["derive", "kahn2017", "--quiet", "--jobs", "1"]) == 0
    serial = capsys.readouterr().out
    assert main(["derive", "kahn2017", "--quiet", "--jobs", "2"]) == 0
    assert capsys.readouterr().out == serial


def test_the_audit_writes_the_same_report_with_two_workers_as_with_one(tmp_path, monkeypatch):
    """Checks, derivations and questions spread over two processes: same claims, evidence, figures and text.

    kahn2017 keeps its last check only (a validation its questions cite), so the test stays a few seconds.
    """
    every_check = kahn2017.audit_checks
    monkeypatch.setattr(kahn2017, "audit_checks", lambda: every_check()[-1:])
    reports = {jobs: run_audit(["fok2017", "kahn2017"], out=tmp_path / f"jobs-{jobs}", progress=False, jobs=jobs)
               for jobs in (1, 2)}
    documents = {jobs: json.loads((tmp_path / f"jobs-{jobs}" / "audit.json").read_text()) for jobs in reports}
    for document in documents.values():
        document.pop("meta")
    assert documents[1] == documents[2]
    assert documents[1]["validations"] and documents[1]["claims"]
    assert any(" ran: " in question["evidence"] for question in documents[1]["questions"])
    for name in ("report.md", "report.tex"):
        assert (tmp_path / "jobs-1" / name).read_text() == (tmp_path / "jobs-2" / name).read_text()
    figures = {jobs: sorted(p.name for p in (tmp_path / f"jobs-{jobs}" / "figures").iterdir()) for jobs in reports}
    assert figures[1] == figures[2] and figures[1]
