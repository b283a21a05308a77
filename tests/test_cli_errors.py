"""Every bad input of the command line: one line on stderr naming the option and what is valid, exit 2,
no traceback, nothing written; run in-process through ``nnfield.cli.main``."""

import pytest

from nnfield.cli import main

NORMS_ERRORS = [
    (["--sigma-w2", "3"], ("--sigma-w2 3", "0 < sigma_w^2 < 1")),
    (["--phi", "relu", "--sigma-w2", "2.5"], ("--sigma-w2 2.5", "0 < sigma_w^2 < 2")),
    (["--N", "1000000000"], ("--N 1000000000", "memory", "lower --N or --M")),
    (["--sampler", "dense", "--N", "2000000"], ("--N 2000000", "memory")),
    (["--L", "1"], ("--L 1", "relaxation lengths", "use --L")),
    (["--sigma-w2", "0.95", "--L", "64"], ("--L 64", "use --L")),
    (["--seed", "-1"], ("--seed", ">= 0", "-1")),
    (["--N", "0"], ("--N", "N must be a positive integer")),
    (["--M", "-3"], ("--M", "positive integer")),
    (["--sigma-b2", "-1"], ("--sigma-b2", "sigma_b2")),
    (["--sampler", "chain", "--phi", "tanh"], ("--sampler chain", "only for --phi linear")),
    (["--out", "/nonexistent-folder/norms.npy"], ("--out", "does not exist")),
]


def one_line_error(capsys, argv, *fragments):
    status = main(argv)
    captured = capsys.readouterr()
    assert status == 2, (argv, captured)
    assert "Traceback" not in captured.err
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


@pytest.mark.parametrize("arguments, fragments", NORMS_ERRORS)
def test_norms_refuses_in_one_line(arguments, fragments, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    one_line_error(capsys, ["norms", *arguments, "--quiet"], *fragments)
    assert not list(tmp_path.iterdir())


def test_out_is_checked_before_the_simulation(capsys, tmp_path, monkeypatch):
    from nnfield.numeric import samplers

    def never(*arguments, **keywords):
        raise AssertionError("the simulation ran before --out was checked")

    monkeypatch.setattr(samplers, "exact_network_observables", never)
    line = one_line_error(capsys, ["norms", "--out", str(tmp_path), "--quiet"], "--out", "is a folder")
    assert "tmp" not in line.split("is a folder")[1].split("norms.npy")[0].replace(str(tmp_path), "")


def test_unknown_paper_and_option(capsys):
    one_line_error(capsys, ["derive", "nature2020"], "invalid choice", "schoenholz2017")
    one_line_error(capsys, ["audit", "--seed", "-5", "--no-simulate"], "--seed", ">= 0")
    one_line_error(capsys, ["norms", "--width", "3"], "--width", "valid options", "--N")


def test_help_shows_defaults(capsys):
    assert main(["norms", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    for default in ("(default: exact)", "(default: linear)", "(default: 0.5)", "(default: 0.01)", "(default: 200)",
                    "(default: 1024)", "(default: 0)"):
        assert default in text, default
    assert "(default: None)" not in text and "(default: False)" not in text
    assert main(["audit", "--help"]) == 0
    assert "(default: audit-report)" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("phi, sigma_w2", [("linear", "0.5"), ("tanh", "1.5"), ("relu", "1.5")])
def test_norms_prints_a_prediction_for_every_activation(phi, sigma_w2, capsys):
    status = main(["norms", "--phi", phi, "--sigma-w2", sigma_w2, "--N", "50", "--L", "64", "--M", "20",
                   "--quiet"])
    out = capsys.readouterr().out
    assert status == 0
    measured = float(out.split("root mean square: ")[1].split()[0])
    predicted = float(out.split("sqrt(N q*): ")[1].split()[0])
    # 20 networks x 32 layers of a norm whose relative spread is ~1/sqrt(2N) = 0.1: a few per cent at most,
    # plus the O(1/N) finite-width offset of the mean-field prediction.
    assert measured == pytest.approx(predicted, rel=0.05)


def test_repeated_paper_is_audited_once(capsys, tmp_path):
    assert main(["audit", "--paper", "kahn2017", "--paper", "kahn2017", "--no-simulate", "--quiet",
                 "--out", str(tmp_path / "report")]) == 0
    out = capsys.readouterr().out
    assert "5 questions answered" in out


def test_the_old_simulate_command_names_its_new_name(capsys):
    one_line_error(capsys, ["simulate", "--phi", "tanh"], "nnfield simulate", "now 'nnfield norms'", "same options")
