"""The command line: outputs, exit codes, and one-line errors without tracebacks.

Commands run in-process through :func:`nnfield.cli.main` (derivations are then derived once per test
session); one smoke test per command runs the installed entry point in a subprocess.
"""

import subprocess
import sys
from dataclasses import dataclass

import numpy as np
import pytest

from nnfield.cli import main


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys):
    """``run(*arguments)``: the exit status and printed output of ``nnfield <arguments>``, run in-process."""

    def run(*arguments):
        try:
            status = main(list(arguments))
        except SystemExit as exit:  # argparse's errors and --help leave through sys.exit
            status = exit.code
        captured = capsys.readouterr()
        return Result(status, captured.out, captured.err)

    return run


def in_subprocess(*arguments, cwd=None):
    return subprocess.run([sys.executable, "-m", "nnfield", *arguments], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def assert_one_line_error(result, *fragments):
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0]


def test_derive_prints_steps_and_claims(run):
    result = run("derive", "schoenholz2017")
    assert result.returncode == 0, result.stderr
    assert "Uniform saddle r*" in result.stdout
    assert "eq. 15" in result.stdout and "reproduced" in result.stdout
    assert "eq. Sec. 5 (Laplace): Laplace" in result.stdout
    assert next(line for line in result.stdout.splitlines() if line.startswith("eq. Sec. 5 (Laplace)")).endswith(
        "simulation not run")  # the record audit --no-simulate shows, not a verdict the full audit changes


def test_derive_latex(run):
    result = run("derive", "schoenholz2017", "--latex")
    assert result.returncode == 0, result.stderr
    assert r"\begin{enumerate}" in result.stdout and r"\sigma_{w}" in result.stdout


def test_unknown_paper_lists_the_valid_ones(run):
    assert_one_line_error(run("derive", "nature2020"), "invalid choice", "schoenholz2017")
    assert_one_line_error(run("audit", "--paper", "nope"), "invalid choice", "schoenholz2017")


def test_unknown_option_lists_the_valid_ones(run):
    assert_one_line_error(run("derive", "schoenholz2017", "--fast"), "--fast", "valid options", "--latex")
    assert_one_line_error(run("audit", "--simulate-less"), "valid options", "--no-simulate")


def test_missing_command(run):
    assert_one_line_error(run(), "required")


def test_unwritable_output_folder(run, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert_one_line_error(run("audit", "--no-simulate", "--quiet", "--out", str(blocker / "report")),
                          "cannot write the report")


def test_norms_refuses_bad_parameters(run, tmp_path):
    assert_one_line_error(run("norms", "--N", "0"), "N must be a positive integer")
    assert_one_line_error(run("norms", "--sigma-b2", "-1"), "sigma_b2")
    assert_one_line_error(run("norms", "--sampler", "chain", "--phi", "tanh"), "only for --phi linear")
    assert not list(tmp_path.iterdir())


def test_norms_writes_the_norms(run, tmp_path):
    target = tmp_path / "norms.npy"
    result = run("norms", "--sampler", "chain", "--sigma-w2", "0.5", "--N", "50", "--L", "64", "--M", "8",
                 "--out", str(target))
    assert result.returncode == 0, result.stderr
    assert "saddle r*" in result.stdout
    assert np.load(target).shape == (8, 64)
    assert [p.name for p in tmp_path.iterdir()] == ["norms.npy"]


def test_derive_prints_the_answered_questions(run):
    result = run("derive", "kahn2017")
    assert result.returncode == 0, result.stderr
    assert "critical learning rate" in result.stdout and "answer:" in result.stdout


def test_derive_smoke_in_a_subprocess():
    result = in_subprocess("derive", "kahn2017")
    assert result.returncode == 0, result.stderr
    assert "answer:" in result.stdout
    assert_one_line_error(in_subprocess("derive", "nature2020"), "invalid choice")


def test_audit_smoke_in_a_subprocess(tmp_path):
    result = in_subprocess("audit", "--paper", "kahn2017", "--no-simulate", "--quiet", "--out", str(tmp_path / "report"))
    assert result.returncode == 0, result.stderr
    assert "5 questions answered" in result.stdout and (tmp_path / "report" / "report.md").exists()


def test_norms_smoke_in_a_subprocess(tmp_path):
    target = tmp_path / "norms.npy"
    result = in_subprocess("norms", "--sampler", "chain", "--N", "20", "--L", "16", "--M", "2", "--out", str(target))
    assert result.returncode == 0, result.stderr
    assert np.load(target).shape == (2, 16)
