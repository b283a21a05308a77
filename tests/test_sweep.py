"""`nnfield sweep`: Dask equals serial, an interrupted sweep resumes, bad input is refused."""

import csv
import json

import dask
import distributed  # noqa: F401 (loads its configuration, which the fork setting below edits)
import numpy as np
import pytest

from nnfield import sweep
from nnfield.cli import main

#: A tiny grid: two values of sigma_w^2, two of sigma_b^2, small networks.
OPTIONS = ["--phi", "tanh", "--sigma-w2", "0.5:1.5:2", "--sigma-b2", "0.05:0.2:2", "--N", "40", "--L", "10",
           "--M", "20", "--seed", "7", "--quiet"]


def run(folder, *extra):
    return main(["sweep", *OPTIONS, "--out", str(folder), *extra])


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serial")
    assert run(folder, "--workers", "0") == 0
    return folder


def test_serial_sweep_writes_table_points_and_figure(serial):
    rows = list(csv.DictReader((serial / "sweep.csv").open()))
    assert [(row["i"], row["j"]) for row in rows] == [("0", "0"), ("1", "0"), ("0", "1"), ("1", "1")]
    assert set(rows[0]) == set(sweep.COLUMNS)
    assert len(list((serial / "points").glob("*.json"))) == 4
    assert (serial / "phase_diagram.png").stat().st_size > 10_000
    assert json.loads((serial / "sweep.json").read_text())["sigma_b2"] == [0.05, 0.2]
    assert all(float(row["measured_c_star_se"]) > 0 for row in rows)


@pytest.mark.slow
def test_local_cluster_of_two_process_workers_equals_serial(serial, tmp_path):
    # Forked workers start in a second instead of re-importing nnfield; they are separate processes all the same.
    with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}):
        assert run(tmp_path, "--workers", "2") == 0
    assert (tmp_path / "sweep.csv").read_text() == (serial / "sweep.csv").read_text()


def test_threaded_cluster_equals_serial(serial, tmp_path):
    grid = sweep.sweep_grid("tanh", (0.5, 1.5), (0.05, 0.2), N=40, L=10, M=20, seed=7)
    result = sweep.run_sweep(grid, tmp_path, workers=2, processes=False)
    assert result.computed == 4
    assert (tmp_path / "sweep.csv").read_text() == (serial / "sweep.csv").read_text()


def test_interrupted_sweep_resumes_without_redoing_points(serial, tmp_path, monkeypatch):
    original, calls = sweep.run_point, []

    def interrupted(grid, i, j):
        if len(calls) == 2:
            raise KeyboardInterrupt
        calls.append((i, j))
        return original(grid, i, j)

    monkeypatch.setattr(sweep, "run_point", interrupted)
    assert run(tmp_path, "--workers", "0") == 130
    assert len(list((tmp_path / "points").glob("*.json"))) == 2
    assert not (tmp_path / "sweep.csv").exists()
    assert not list(tmp_path.rglob("*.tmp*")) and not list((tmp_path / "points").glob("tmp*"))

    def counted(grid, i, j):
        calls.append((i, j))
        return original(grid, i, j)

    monkeypatch.setattr(sweep, "run_point", counted)
    assert run(tmp_path, "--workers", "0") == 0
    assert calls == [(0, 0), (1, 0), (0, 1), (1, 1)]  # two before the interruption, two after
    assert (tmp_path / "sweep.csv").read_text() == (serial / "sweep.csv").read_text()


def test_a_point_depends_only_on_seed_and_coordinates():
    first = sweep.point_stream(7, 1, 0).standard_normal(3)
    assert np.array_equal(first, sweep.point_stream(7, 1, 0).standard_normal(3))
    assert not np.array_equal(first, sweep.point_stream(7, 0, 1).standard_normal(3))


def test_other_settings_in_the_same_folder_are_refused(serial, capsys):
    other = [value if value != "7" else "8" for value in OPTIONS]  # another seed
    assert main(["sweep", *other, "--out", str(serial), "--workers", "0"]) == 2
    assert "holds a sweep with other settings" in capsys.readouterr().err


@pytest.mark.parametrize("arguments, fragment", [
    (["--sigma-w2", "1:0.5:3"], "--sigma-w2 must be START:STOP:COUNT"),
    (["--sigma-w2", "0.5"], "--sigma-w2 must be START:STOP:COUNT"),
    (["--sigma-b2", "-0.1"], "--sigma-b2 must be START[:STOP:COUNT] with 0 <= START"),
    (["--sigma-b2", "a:b:c"], "--sigma-b2 must be"),
    (["--phi", "sigmoid"], "invalid choice"),
    (["--N", "0"], "N must be a positive integer"),
    (["--L", "4"], "L must be at least 8"),
    (["--M", "5"], "M must be at least 10"),
    (["--workers", "-1"], "--workers must be a number of workers >= 0"),
    (["--workers", "2", "--scheduler", "tcp://localhost:8786"], "not allowed with argument"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, arguments, fragment):
    folder = tmp_path / "out"
    assert main(["sweep", *OPTIONS, "--out", str(folder), *arguments]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and fragment in error[0], error
    assert not folder.exists()


def test_unreachable_scheduler_is_one_line_and_writes_nothing(tmp_path, capsys):
    folder = tmp_path / "out"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        assert main(["sweep", *OPTIONS, "--out", str(folder), "--scheduler", "tcp://127.0.0.1:1"]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "tcp://127.0.0.1:1" in error[0], error
    assert not folder.exists()
