"""The audit report: its files, its JSON schema, and that failures leave nothing half-written."""

import json
import re
from pathlib import Path

import pytest

from nnfield.audit import AuditError, run_audit
from nnfield.derivations import schoenholz2017
from nnfield.numeric.evidence import Check

REQUIRED = {"paper", "equation", "also", "title", "status", "printed_latex", "derived_latex", "simulation"}


def test_audit_without_simulation_writes_every_file(tmp_path):
    report = run_audit(["schoenholz2017"], simulate=False, out=tmp_path / "report", progress=False)
    folder = tmp_path / "report"
    assert sorted(p.name for p in folder.iterdir()) == ["audit.json", "figures", "report.md", "report.tex"]
    document = json.loads((folder / "audit.json").read_text())
    assert len(document["claims"]) == len(report.claims) >= 12
    for claim in document["claims"]:
        assert REQUIRED <= set(claim)
        assert claim["simulation"] is None
        assert claim["status"] in {"reproduced", "disputed", "simulation not run"}  # no erratum without a simulation
    statuses = {claim["equation"]: claim["status"] for claim in document["claims"]}
    assert statuses["Sec. 5 (Laplace)"] == statuses["10"] == "simulation not run"  # decided by checks not run
    markdown = (folder / "report.md").read_text()
    assert "$" in markdown and "| eq. 13 (also 46) |" in markdown
    tex = (folder / "report.tex").read_text()
    assert tex.startswith(r"\documentclass") and tex.rstrip().endswith(r"\end{document}")


def test_questions_without_simulation_say_their_evidence_was_not_run(tmp_path):
    report = run_audit(["kahn2017"], simulate=False, out=tmp_path / "report", progress=False)
    assert not report.claims and len(report.questions) == 5
    markdown = (tmp_path / "report" / "report.md").read_text()
    assert "not run (--no-simulate)" in markdown and "| status | claims |" not in markdown


def test_unknown_paper_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match="registered papers: .*schoenholz2017"):
        run_audit(["nope"], simulate=False, out=tmp_path / "report")
    assert not (tmp_path / "report").exists()


def test_unwritable_folder_is_an_audit_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(AuditError, match="cannot write the report"):
        run_audit(simulate=False, out=blocker / "report", progress=False)


@pytest.mark.parametrize("workers", [0, 2])
def test_a_failing_check_leaves_the_previous_report_intact(workers, tmp_path, monkeypatch):
    """In this process or in a worker process, a check that fails leaves nothing behind."""
    folder = tmp_path / "report"
    run_audit(["schoenholz2017"], simulate=False, out=folder, progress=False)
    before = (folder / "audit.json").read_text()

    def broken(rng, figures, progress):
        (figures / "half.png").write_bytes(b"\x89PNG")
        raise RuntimeError("simulated failure in the middle of a run")

    monkeypatch.setattr(schoenholz2017, "audit_checks", lambda: (Check("broken", ("13",), broken),))
    with pytest.raises(RuntimeError, match="simulated failure"):
        run_audit(["schoenholz2017"], simulate=True, out=folder, progress=False, workers=workers)
    assert (folder / "audit.json").read_text() == before
    assert sorted(p.name for p in folder.iterdir()) == ["audit.json", "figures", "report.md", "report.tex"]
    assert not (folder / "figures" / "half.png").exists()


@pytest.mark.slow
@pytest.mark.xdist_group("full_audit")
def test_full_audit_with_simulation(full_audit, request, tmp_path):
    if getattr(request.config.option, "loadgroup", False):  # one worker runs the audit for the whole group
        assert request.node.nodeid.endswith("@full_audit"), "pytest-xdist did not group the full-audit tests"
    report = full_audit
    claims = {(claim["paper"], claim["equation"]): claim for claim in report.claims}
    assert len(claims) == len(report.claims)  # labels are unique within a paper
    schoenholz = {equation: claim for (paper, equation), claim in claims.items() if paper == "schoenholz2017"}
    assert schoenholz["Sec. 5 (Laplace)"]["status"] == "erratum"
    for label in ("21", "90", "22", "23"):  # the halved k row of the ReLU kernel
        assert schoenholz[label]["status"] == "erratum", label
    assert schoenholz["94"]["status"] == "reproduced"
    for label in ("9 (units)", "10"):  # judged on a network (an open chain), decided by two-layer networks
        assert schoenholz[label]["status"] == "erratum", label
        assert schoenholz[label]["simulation"]["supports_derived"] is True, label
        assert schoenholz[label]["differences"], label
    for label in ("13", "14", "15", "17", "20", "94"):
        simulation = schoenholz[label]["simulation"]
        assert simulation["verdict"] == "agrees", (label, simulation)
        assert simulation["sample_sizes"]
    for label in ("App. B (Klein-Gordon)", "App. C (vacuum)", "6", "App. C (pi mass)", "4", "7"):
        assert claims["fok2017", label]["status"] == "erratum", label
    assert claims["li2019", "18-19"]["status"] == "erratum"  # the loss slope is missing from the printed Hessian
    for label in ("Hessian: stationary points are saddles", "Sec. II.7: tanh"):
        assert claims["li2019", label]["status"] == "unsupported", label
        assert claims["li2019", label]["simulation"]["verdict"] == "agrees", label
    spectrum = claims["li2019", "Hessian: symmetric spectrum"]  # a limit statement: the width trend decides
    trend_shows_limit = spectrum["simulation"]["supports_derived"] is False
    assert spectrum["status"] == ("reproduced" if trend_shows_limit else "unsupported")
    for label in ("Hessian: same-layer blocks", "Hessian: trace", "14", "10-11"):
        assert claims["li2019", label]["status"] == "reproduced", label
        assert claims["li2019", label]["simulation"]["verdict"] == "agrees", label
    # Neither audit --no-simulate nor derive shows a verdict that the full audit contradicts.
    unsimulated = run_audit(simulate=False, out=tmp_path / "unsimulated", progress=False)
    for record in unsimulated.claims:
        full = claims[record["paper"], record["equation"]]["status"]
        assert record["status"] in (full, "simulation not run"), (record["paper"], record["equation"])
    figures = report.folder / "figures"
    for name in ("fig3_saddle_norm.png", "fig4_mode_variance.png", "fig5_relu_saddle.png", "fig6_relu_mode_covariance.png"):
        assert (figures / name).stat().st_size > 10_000
    assert report.validations and all(v["verdict"] == "agrees" for v in report.validations)
    assert {question["label"] for question in report.questions} >= {"critical learning rate", "Goldstone weights"}
    markdown = (report.folder / "report.md").read_text()
    assert "### Goldstone weights" in markdown and "**Answer.**" in markdown
    for name in ("fok2017_chain_correlations.png", "fok2017_correlation_length.png", "fok2017_gaussian_modes.png",
                 "fok2017_potential.png", "fok2017_vacuum_manifold.png", "fok2017_order_parameter.png",
                 "fok2017_mean_field.png", "li2019_dead_network.png", "li2019_dyson.png", "li2019_hessian_blocks.png",
                 "li2019_path_symmetry.png", "li2019_spectral_symmetry.png", "li2019_training.png"):
        assert (figures / name).stat().st_size > 10_000
    # The counts README.md quotes are the audit's.
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    quoted = re.search(r"\((\d+) claims: (\d+) reproduced, (\d+) errata, (\d+) disputed, (\d+) unsupported", readme)
    assert quoted, "README.md should quote the audit's counts"
    assert tuple(map(int, quoted.groups())) == (len(report.claims), report.count("reproduced"), report.count("erratum"),
                                                report.count("disputed"), report.count("unsupported"))
