"""The report a person reads: Markdown whose tables survive a real parser, LaTeX that pdflatex compiles."""

import json
import re
import shutil

import matplotlib
import pytest
from markdown_it import MarkdownIt

from nnfield.audit import evidence_conclusion, run_audit
from nnfield.numeric.statistics import SIGNIFICANCE
from nnfield.report import (CELL_LIMIT, STATUS_MEANING, VERDICT_MEANING, compile_pdf,
                            latex_report, markdown_report, pdflatex_available)
from nnfield.symbolic.claims import STATUSES

matplotlib.use("Agg")

needs_pdflatex = pytest.mark.skipif(
    not pdflatex_available(),
    reason="pdflatex is not installed; .ci/run installs texlive-latex-base texlive-latex-recommended "
           "texlive-latex-extra lmodern")
#: The widest overfull line accepted, in points (a few points are invisible; equations cut off are not).
OVERFULL_LIMIT = 20.0
PIPE = re.compile(r"(?<!\\)\|")


@pytest.fixture(scope="module")
def audit_folder(tmp_path_factory):
    """One audit without simulation of every paper (the derivations are cached for the session)."""
    folder = tmp_path_factory.mktemp("audit") / "report"
    run_audit(simulate=False, out=folder, progress=False)
    return folder


@pytest.fixture(scope="module")
def simulated_document(tmp_path_factory):
    """A document with every kind of record a simulated audit writes: evidence, validations, figures,
    questions, and text full of the characters that broke the report before (pipes, ^, _, <, >, $, %)."""
    from matplotlib import pyplot

    folder = tmp_path_factory.mktemp("synthetic")
    (folder / "figures").mkdir()
    figure, axes = pyplot.subplots(figsize=(3, 2))
    axes.plot([0, 1], [0, 1])
    figure.savefig(folder / "figures" / "line.png")
    pyplot.close(figure)
    evidence = {"verdict": "agrees", "statistic": "chi-square of z-scores (bands of 8 modes)", "value": 231.5,
                "p_value": 0.24, "sample_sizes": {"networks": 200, "L": 512}, "supports_derived": True,
                "figure": "line.png",
                "detail": "|grad R|^2 and |tr H|/|H|_F of 1[yT < 1]; O(3) -> O(2); 50% at $5 & #2 ~ {x} \\ "
                          "(see ![](figures/line.png))."}
    claim = {"paper": "toy", "derivation": "toy", "equation": "4", "also": ["41"], "title": "|w|^2 > 0 | always",
             "status": "erratum", "printed_latex": r"\left|w\right|^{2}", "derived_latex": r"2 \left|w\right|^{2}",
             "quote": r"|w|^2 = \frac{1}{2}", "comparison": {"equal": False, "method": "symbolic",
                                                             "residual_latex": r"- \left|w\right|^{2}"},
             "note": "ln|Sigma| once per layer", "simulation": evidence}
    long_claim = {**claim, "equation": "Sec. 2 (below eq. 5)", "also": [], "status": "reproduced",
                  "printed_latex": " + ".join(["x_{1}"] * 80), "derived_latex": " + ".join(["x_{1}"] * 80),
                  "comparison": {"equal": True, "method": "symbolic", "residual_latex": "0"}, "simulation": None}
    question = {"paper": "toy", "label": "a | question", "quote": "is eta_c > 0?",
                "steps": [{"title": "power counting, [eta]", "latex": r"\frac{D}{2} - 1"}],
                "answer": "only if D > 2 (100%)", "checks": ["a check", "never run"]}
    question["evidence"] = evidence_conclusion(question["checks"], [{"name": "a check", **evidence}])
    validation = {"paper": "toy", "name": "a check", **evidence, "p_value": None, "statistic": "KS | distance"}
    document = {"claims": [claim, long_claim], "validations": [validation], "questions": [question],
                "meta": {"nnfield": "0", "sympy": "1", "numpy": "2", "python": "3", "seed": 7, "simulated": True,
                         "papers": ["toy", "toy"]}}
    return folder, document


def table_rows(markdown: str):
    """(source line, cells in the header, cells in that line) of every table row a Markdown parser finds."""
    lines = markdown.splitlines()
    header_cells, rows = 0, []
    for token in MarkdownIt("commonmark").enable("table").parse(markdown):
        if token.type == "thead_open":
            header_cells, rows = 0, []
        elif token.type == "th_open":
            header_cells += 1
        elif token.type == "tr_open":
            rows.append(lines[token.map[0]])
        elif token.type == "table_close":
            yield from ((source, header_cells, len(PIPE.split(source.strip().strip("|")))) for source in rows)


def check_markdown(markdown: str):
    rows = list(table_rows(markdown))
    assert rows
    for source, header, cells in rows:
        assert cells == header, source
        for cell in PIPE.split(source.strip().strip("|")):
            assert cell.count("$") % 2 == 0, cell  # math is never cut
            assert len(cell) <= CELL_LIMIT + 60, cell  # compact: long forms live below the table


def test_markdown_tables_keep_their_header_cell_count(audit_folder, simulated_document):
    check_markdown((audit_folder / "report.md").read_text())
    check_markdown(markdown_report(simulated_document[1]))


def test_every_long_form_is_printed_below_the_table_with_its_difference(audit_folder):
    markdown = (audit_folder / "report.md").read_text()
    document = json.loads((audit_folder / "audit.json").read_text())
    long_claims = [c for c in document["claims"] if max(len(c["printed_latex"]), len(c["derived_latex"])) > CELL_LIMIT]
    assert long_claims  # eq. 9 of schoenholz2017 and li2019's small networks are thousands of characters
    assert markdown.count("[long form](#") >= len(long_claims)
    assert markdown.count(" long form\n") == len(long_claims)
    sections = markdown.split("\n### ")
    for section in (s for s in sections if s.splitlines()[0].endswith(" long form")):
        differences = [line for line in section.splitlines() if line.startswith("Difference: ")]
        assert len(differences) == 1, section[:200]


def test_the_legend_defines_every_status_verdict_and_the_significance_level(audit_folder):
    markdown = (audit_folder / "report.md").read_text()
    assert set(STATUS_MEANING) == set(STATUSES)
    for status in STATUSES:
        assert f"- *{status}*: " in markdown
    for verdict in VERDICT_MEANING:
        assert f"- *{verdict}*: " in markdown
    assert f"alpha = {SIGNIFICANCE:g}" in markdown and "Multiple comparisons" in markdown
    assert "eq. Sec." not in markdown and "eq. App." not in markdown


def test_every_check_decides_at_the_stated_significance_level():
    from nnfield.derivations.kahn2017 import chain_checks
    from nnfield.derivations.li2019 import checks as li2019_checks
    from nnfield.derivations.schoenholz2017 import checks, relu_checks, tanh_checks

    for module in (checks, relu_checks, tanh_checks, chain_checks, li2019_checks):
        assert module.ALPHA == SIGNIFICANCE, module.__name__


def test_evidence_reads_statistic_then_value(simulated_document):
    markdown = markdown_report(simulated_document[1])
    assert "chi-square of z-scores (bands of 8 modes): 231.5; p = 0.24" in markdown
    assert markdown.count("\n## toy\n") == 1  # a paper listed twice is reported once


@needs_pdflatex
def test_latex_report_compiles_without_wide_overfull_lines(audit_folder):
    build = compile_pdf(audit_folder / "report.tex")
    assert build.pdf.stat().st_size > 10_000
    assert max(build.overfull, default=0.0) <= OVERFULL_LIMIT, sorted(build.overfull)[-5:]


@needs_pdflatex
def test_latex_of_a_simulated_report_escapes_text_and_includes_figures(simulated_document, tmp_path):
    folder, document = simulated_document
    shutil.copytree(folder / "figures", tmp_path / "figures")
    tex = latex_report(document)
    assert "![" not in tex and "includegraphics[width=0.85\\linewidth]{figures/line.png}" in tex
    assert tex.count("includegraphics") == 1  # a figure cited twice is set once
    (tmp_path / "report.tex").write_text(tex)
    build = compile_pdf(tmp_path / "report.tex")
    assert max(build.overfull, default=0.0) <= OVERFULL_LIMIT


@needs_pdflatex
@pytest.mark.parametrize("paper", ["schoenholz2017", "fok2017", "kahn2017", "li2019"])
def test_derive_latex_compiles(paper, tmp_path, capsys):
    from nnfield.cli import main

    assert main(["derive", paper, "--latex", "--quiet"]) == 0
    tex = capsys.readouterr().out
    assert tex.startswith(r"\documentclass")
    (tmp_path / f"{paper}.tex").write_text(tex)
    build = compile_pdf(tmp_path / f"{paper}.tex", passes=1)
    assert max(build.overfull, default=0.0) <= OVERFULL_LIMIT


def test_pdflatex_runs_again_only_when_its_log_asks(tmp_path):
    from nnfield.report import _rerun_needed

    outlines = tmp_path / "report.out"
    outlines.write_text("")
    asks_for_outlines = "(rerunfilecheck)                Rerun to get outlines right\n"
    assert not _rerun_needed(asks_for_outlines, outlines)  # hyperref's request with nothing to bookmark
    outlines.write_text("\\BOOKMARK [1][-]{section.1}{Results}{}\n")
    assert _rerun_needed(asks_for_outlines, outlines)
    assert _rerun_needed("LaTeX Warning: Label(s) may have changed. Rerun to get cross-references right.", outlines)
    assert not _rerun_needed("Output written on report.pdf (3 pages).", outlines)
