"""The audit: derive every encoded result, compare with the printed forms, simulate, report.

:func:`run_audit` writes, into one output folder,

- ``audit.json``: ``{"claims": [...], "validations": [...], "questions": [...], "meta": {...}}``, one
  object per claim with ``paper``, ``equation``, ``also``, ``title``, ``status``, ``printed_latex``,
  ``derived_latex`` and ``simulation`` (null when not simulated); one per question a critique asks
  (``paper``, ``label``, ``quote``, ``steps``, ``answer``, ``checks``: the names of the validations
  that bear on it);
- ``report.md`` (math in ``$...$``), ``report.tex`` (a standalone LaTeX document);
- ``figures/*.png``.

Everything is written to a staging folder first and moved into place at the end, so an
interrupted or failed run leaves the previous report as it was.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sympy as sp
from tqdm import tqdm

import nnfield
from nnfield.derivations import PAPERS
from nnfield.derivations import paper as load_paper
from nnfield.numeric.evidence import Evidence
from nnfield.numeric.statistics import check_stream
from nnfield.symbolic.claims import Claim
from nnfield.symbolic.questions import Question

__all__ = ["AuditError", "AuditReport", "run_audit", "claim_record", "question_record"]


class AuditError(RuntimeError):
    """The audit could not run as asked (an unwritable output folder, say)."""


@dataclass(frozen=True)
class AuditReport:
    """What an audit wrote.

    Attributes
    ----------
    claims : tuple of dict
        The claim records of ``audit.json``.
    validations : tuple of dict
        Checks not tied to one printed equation: of the simulation methods themselves, and the
        measurements that answer questions.
    folder : pathlib.Path
    questions : tuple of dict
        The questions of critiques with their computed answers.
    """

    claims: tuple[dict, ...]
    validations: tuple[dict, ...]
    folder: Path
    questions: tuple[dict, ...] = ()

    def count(self, status: str) -> int:
        return sum(1 for claim in self.claims if claim["status"] == status)


def claim_record(claim: Claim, derivation_title: str, evidence: Evidence | None) -> dict:
    """The JSON object of one claim (see the module docstring).

    Examples
    --------
    >>> from nnfield.derivations.schoenholz2017 import linear_ring
    >>> record = claim_record(linear_ring().claim("13"), "linear ring", None)
    >>> record["status"], record["equation"], record["also"], record["simulation"]
    ('reproduced', '13', ['46'], None)
    """
    supports = evidence.supports_derived if evidence is not None else None
    return {
        "paper": claim.paper,
        "derivation": derivation_title,
        "equation": claim.equation,
        "also": list(claim.also),
        "title": claim.title,
        "status": claim.status(supports),
        "printed_latex": claim.printed_latex,
        "derived_latex": claim.derived_latex,
        "quote": claim.quote,
        "comparison": {
            "equal": claim.comparison.equal,
            "method": claim.comparison.method,
            "residual_latex": sp.latex(claim.comparison.residual),
        },
        "note": claim.note,
        "differences": [difference.to_json() for difference in claim.differences],
        "difference_note": claim.difference_note(),
        "simulation": evidence.to_json() if evidence is not None else None,
    }


def question_record(question: Question) -> dict:
    """The JSON object of one question (see the module docstring).

    Examples
    --------
    >>> from nnfield.derivations.kahn2017 import questions
    >>> record = question_record(questions()[1])
    >>> record["label"]
    'learning rate as temperature'
    >>> print(record["steps"][1]["latex"])
    \\frac{D}{2} - 1
    """
    return {
        "paper": question.paper,
        "label": question.label,
        "quote": question.quote,
        "steps": [{"title": step.title, "latex": sp.latex(step.result)} for step in question.steps],
        "answer": question.answer,
        "checks": list(question.checks),
    }


def run_audit(papers=None, *, simulate: bool = True, out="audit-report", seed: int = 2017,
              progress: bool = True) -> AuditReport:
    """Run the audit and write the report folder ``out``.

    Parameters
    ----------
    papers : sequence of str, optional
        Paper ids (default: every encoded paper).
    simulate : bool
        Run the numerical checks (Monte-Carlo, quadrature); without them claims carry no
        simulation and differing forms stay ``disputed``.
    out : path
        The report folder; created if missing.
    seed : int
        The audit's seed; each check draws from its own stream keyed by its paper and name
        (:func:`~nnfield.numeric.statistics.check_stream`), so a report is reproduced from the seed and
        one check's numbers do not depend on which checks ran before it.
    progress : bool
        Show progress bars.

    Raises
    ------
    ValueError
        For an unknown paper id (nothing is written).
    AuditError
        If ``out`` cannot be written (nothing is written).
    """
    identifiers = list(papers) if papers else list(PAPERS)
    loaded = [load_paper(identifier) for identifier in identifiers]
    out = Path(out)
    staging = _staging_folder(out)
    try:
        figures = staging / "figures"
        figures.mkdir()
        records, validations, answered = [], [], []
        for entry in loaded:
            evidence = {}
            if simulate:
                checks = entry.checks()
                for check in tqdm(checks, desc=f"audit {entry.id}", disable=not progress, unit="check"):
                    result = check.run(check_stream(seed, f"{entry.id}: {check.name}"), figures, progress)
                    for item in (result if isinstance(result, tuple) else (result,)):
                        if item.claims:
                            for label in item.claims:
                                evidence[label] = item
                        else:
                            validations.append({"paper": entry.id, "name": check.name, **item.to_json()})
            for derive in entry.derivations:
                derivation = derive()
                for claim in derivation.claims:
                    records.append(claim_record(claim, derivation.title, evidence.get(claim.equation)))
            answered.extend(question_record(question) for question in entry.questions())
        meta = {
            "nnfield": nnfield.__version__,
            "sympy": sp.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
            "seed": seed,
            "simulated": simulate,
            "papers": identifiers,
        }
        document = {"claims": records, "validations": validations, "questions": answered, "meta": meta}
        (staging / "audit.json").write_text(json.dumps(document, indent=2, default=_plain) + "\n")
        (staging / "report.md").write_text(_markdown(document))
        (staging / "report.tex").write_text(_latex(document))
        _publish(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return AuditReport(tuple(records), tuple(validations), out, tuple(answered))


def _plain(value):
    """numpy scalars (a check's verdict or statistic) as the plain Python values JSON knows."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} cannot be written to audit.json")


def _staging_folder(out: Path) -> Path:
    """A fresh folder beside ``out`` (same file system, so moving into place is a rename)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    except OSError as error:
        raise AuditError(
            f"cannot write the report to {out}: {error.strerror or error}; "
            "choose a folder you can write to with --out"
        ) from None


def _publish(staging: Path, out: Path) -> None:
    """Move every file of ``staging`` into ``out``, each by an atomic rename."""
    (out / "figures").mkdir(exist_ok=True)
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            target = out / path.relative_to(staging)
            os.replace(path, target)


STATUS_ORDER = ("erratum", "disputed", "unsupported", "untested", "reproduced")


def _markdown(document: dict) -> str:
    claims = document["claims"]
    meta = document["meta"]
    lines = ["# nnfield audit report", ""]
    lines.append(
        f"nnfield {meta['nnfield']}, SymPy {meta['sympy']}, NumPy {meta['numpy']}, Python {meta['python']}; "
        f"seed {meta['seed']}; simulations {'run' if meta['simulated'] else 'not run (--no-simulate)'}."
    )
    lines.append("")
    counts = {status: sum(1 for c in claims if c["status"] == status) for status in STATUS_ORDER}
    if claims:
        lines.append("| status | claims |")
        lines.append("|---|---|")
        lines.extend(f"| {status} | {count} |" for status, count in counts.items() if count)
        lines.append("")
    lines.append(
        "Statuses: *reproduced* (derived equals printed after converting conventions), *erratum* "
        "(they differ and the simulation supports the derived form), *disputed* (they differ and no "
        "simulation has decided), *unsupported* (a statement contradicted by derivation or "
        "measurement), *untested*."
    )
    for paper_id in meta["papers"]:
        lines += ["", f"## {paper_id}", ""]
        lines += _markdown_questions(document, paper_id)
        if not any(c["paper"] == paper_id for c in claims):
            continue
        lines.append("| eq. | also | claim | status | printed | derived | simulation |")
        lines.append("|---|---|---|---|---|---|---|")
        for claim in (c for c in claims if c["paper"] == paper_id):
            simulation = claim["simulation"]
            verdict = "-" if simulation is None else (
                f"{simulation['verdict']} ({simulation['statistic']} = {simulation['value']:.4g})"
            )
            lines.append(
                f"| {claim['equation']} | {', '.join(claim['also'])} | {_md_text(claim['title'])} | "
                f"**{claim['status']}** | ${_md_math(claim['printed_latex'])}$ | "
                f"${_md_math(claim['derived_latex'])}$ | {verdict} |"
            )
        flagged = [c for c in claims if c["paper"] == paper_id and c["status"] != "reproduced"]
        for claim in flagged:
            lines += ["", f"### eq. {claim['equation']}: {claim['title']} ({claim['status']})", ""]
            lines.append(f"Printed (quoted): `{claim['quote']}`")
            lines += ["", f"$$\\text{{printed: }}{claim['printed_latex']}$$",
                      f"$$\\text{{derived: }}{claim['derived_latex']}$$", ""]
            if claim["note"]:
                lines.append(claim["note"])
            simulation = claim["simulation"]
            if simulation:
                lines += ["", f"Evidence: {simulation['detail']}"]
                if simulation["figure"]:
                    lines += ["", f"![{claim['title']}](figures/{simulation['figure']})"]
        simulated = [c for c in claims if c["paper"] == paper_id and c["simulation"]]
        if simulated:
            lines += ["", "### Simulations", ""]
            for claim in simulated:
                simulation = claim["simulation"]
                sizes = ", ".join(f"{k}={v}" for k, v in simulation["sample_sizes"].items())
                p_value = "" if simulation["p_value"] is None else f", p = {simulation['p_value']:.3g}"
                lines.append(
                    f"- eq. {claim['equation']} ({claim['title']}): **{simulation['verdict']}**; "
                    f"{simulation['statistic']} = {simulation['value']:.4g}{p_value}; {sizes}. "
                    f"{simulation['detail']}"
                    + (f" ![](figures/{simulation['figure']})" if simulation["figure"] else "")
                )
    if document["validations"]:
        lines += ["", "## Validation of the simulation methods", ""]
        for check in document["validations"]:
            sizes = ", ".join(f"{k}={v}" for k, v in check["sample_sizes"].items())
            p_value = "" if check["p_value"] is None else f", p = {check['p_value']:.3g}"
            lines.append(f"- {check['name']} ({check['paper']}): **{check['verdict']}**; "
                         f"{check['statistic']} = {check['value']:.4g}{p_value}; {sizes}. {check['detail']}")
    return "\n".join(lines) + "\n"


def _markdown_questions(document: dict, paper_id: str) -> list[str]:
    """The questions a critique asks, each with the derived steps, the answer and its evidence."""
    lines = []
    checks = {check["name"]: check for check in document["validations"]}
    for question in (q for q in document["questions"] if q["paper"] == paper_id):
        lines += [f"### {question['label']}", "", f"> {question['quote']}", ""]
        lines += [f"- {step['title']}: ${_md_math(step['latex'])}$" for step in question["steps"]]
        lines += ["", f"**Answer.** {question['answer']}", ""]
        for name in question["checks"]:
            check = checks.get(name)
            if check is None:
                lines.append(f"- Evidence: {name}: not run (--no-simulate).")
                continue
            p_value = "" if check["p_value"] is None else f", p = {check['p_value']:.3g}"
            lines.append(f"- Evidence: {name}: **{check['verdict']}** ({check['statistic']} = {check['value']:.4g}"
                         f"{p_value}). {check['detail']}"
                         + (f" ![](figures/{check['figure']})" if check["figure"] else ""))
        lines.append("")
    return lines


def _md_text(text: str) -> str:
    """Text inside a Markdown table cell: escape the pipes that would end the cell."""
    return text.replace("|", r"\|")


def _md_math(latex: str) -> str:
    """LaTeX inside a Markdown table cell: pipes would end the cell."""
    return latex.replace("|", r"\vert ")


_TEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
                "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def _tex_text(text: str) -> str:
    return "".join(_TEX_SPECIAL.get(character, character) for character in text)


def _latex(document: dict) -> str:
    meta = document["meta"]
    lines = [
        r"\documentclass{article}",
        r"\usepackage{amsmath,amssymb,graphicx}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\title{nnfield audit report}",
        r"\begin{document}",
        r"\maketitle",
        _tex_text(f"nnfield {meta['nnfield']}, SymPy {meta['sympy']}, seed {meta['seed']}."),
    ]
    for paper_id in meta["papers"]:
        lines.append(rf"\section*{{{_tex_text(paper_id)}}}")
        for question in (q for q in document["questions"] if q["paper"] == paper_id):
            lines.append(rf"\paragraph{{{_tex_text(question['label'])}.}} \emph{{{_tex_text(question['quote'])}}}")
            lines += [rf"{_tex_text(step['title'])}: \[ {step['latex']} \]" for step in question["steps"]]
            lines.append(rf"\textbf{{Answer.}} {_tex_text(question['answer'])}")
        for claim in (c for c in document["claims"] if c["paper"] == paper_id):
            also = f" (also {', '.join(claim['also'])})" if claim["also"] else ""
            lines.append(rf"\paragraph{{Eq.~{_tex_text(claim['equation'] + also)}: {_tex_text(claim['title'])}.}}")
            lines.append(rf"Status: \textbf{{{claim['status']}}}.")
            lines.append(rf"Printed: \[ {claim['printed_latex']} \]")
            lines.append(rf"Derived: \[ {claim['derived_latex']} \]")
            if claim["note"]:
                lines.append(_tex_text(claim["note"]))
            simulation = claim["simulation"]
            if simulation:
                lines.append(_tex_text(
                    f"Simulation: {simulation['verdict']}; {simulation['statistic']} = {simulation['value']:.4g}. "
                    f"{simulation['detail']}"
                ))
                if simulation["figure"]:
                    lines.append(rf"\begin{{center}}\includegraphics[width=0.7\textwidth]{{figures/{simulation['figure']}}}\end{{center}}")
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"
