"""The audit: derive every encoded result, compare with the printed forms, simulate, report.

:func:`run_audit` writes, into one output folder,

- ``audit.json``: ``{"claims": [...], "validations": [...], "questions": [...], "meta": {...}}``, one
  object per claim with ``paper``, ``equation``, ``also``, ``title``, ``status``, ``printed_latex``,
  ``derived_latex``, ``printed_display`` and ``derived_display`` (the same forms as lines a document can
  display, see :func:`~nnfield.symbolic.latex.display_lines`) and ``simulation`` (null when not
  simulated); one per question a critique asks
  (``paper``, ``label``, ``quote``, ``steps``, ``answer``, ``checks``: the names of the validations
  that bear on it);
- ``report.md`` (math in ``$...$``) and ``report.tex`` (a standalone LaTeX document), both written by
  :mod:`nnfield.report` (the command line also compiles ``report.pdf`` when pdflatex is installed);
- ``figures/*.png``.

Every check, every derivation and each paper's questions are one unit of work, run on worker processes
by :func:`nnfield.workers.run_units` (one per core unless asked otherwise). A derivation's claims are
recorded without waiting for the checks, with the status each possible decision of a check gives; the
records are completed with the checks' evidence at the end, in a fixed order, so the report does not
depend on the number of workers.

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
import nnfield
from nnfield.derivations import PAPERS, modules_used
from nnfield.derivations import paper as load_paper
from nnfield.numeric.evidence import Evidence
from nnfield.numeric.statistics import SIGNIFICANCE, check_stream
from nnfield.numeric.threads import one_blas_thread
from nnfield.report import latex_report, markdown_report
from nnfield.symbolic.claims import Claim
from nnfield.symbolic.latex import display_lines
from nnfield.symbolic.questions import Question
from nnfield.workers import checked_workers, run_units

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


def claim_status(claim: Claim, evidence: Evidence | None, *, checked: bool = False, simulated: bool = True) -> str:
    """The status a claim's record shows: the same in ``nnfield derive``, ``audit --no-simulate`` and the full audit.

    A printed equation that differs from the derived form and that a check decides (``checked``) is
    ``"simulation not run"`` while that check has not run (``simulated=False``), rather than a verdict the
    full audit would change; otherwise :meth:`~nnfield.symbolic.Claim.status` with the evidence.

    Examples
    --------
    >>> from nnfield.derivations.schoenholz2017 import linear_ring
    >>> claim = linear_ring().claim("Sec. 5 (Laplace)")
    >>> claim_status(claim, None, checked=True, simulated=False), claim_status(claim, None)
    ('simulation not run', 'disputed')
    """
    if evidence is None and checked and not simulated and claim.comparison.equal is False and not claim.statement:
        return "simulation not run"
    return claim.status(evidence.supports_derived if evidence is not None else None)


def checked_labels(entry) -> set[str]:
    """The claim labels that the numerical checks of a registered paper decide."""
    return {label for check in entry.checks() for label in check.claims}


def claim_record(claim: Claim, derivation_title: str, evidence: Evidence | None, *, checked: bool = False,
                 simulated: bool = True) -> dict:
    """The JSON object of one claim (see the module docstring); ``checked`` and ``simulated`` as for :func:`claim_status`.

    Examples
    --------
    >>> from nnfield.derivations.schoenholz2017 import linear_ring
    >>> record = claim_record(linear_ring().claim("13"), "linear ring", None)
    >>> record["status"], record["equation"], record["also"], record["simulation"]
    ('reproduced', '13', ['46'], None)
    """
    return {
        "paper": claim.paper,
        "derivation": derivation_title,
        "equation": claim.equation,
        "also": list(claim.also),
        "title": claim.title,
        "status": claim_status(claim, evidence, checked=checked, simulated=simulated),
        "printed_latex": claim.printed_latex,
        "derived_latex": claim.derived_latex,
        "printed_display": list(display_lines(claim.printed)),
        "derived_display": list(display_lines(claim.derived_in_paper_variables)),
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


def evidence_conclusion(checks, validations) -> str:
    """A sentence on what the checks an answer rests on found, generated from their records.

    ``checks`` are the names the answer cites, ``validations`` the records of the checks that ran.

    Examples
    --------
    >>> evidence_conclusion(["a", "b"], [{"name": "a", "verdict": "agrees", "p_value": 0.4}])
    'Of the 2 checks the answer rests on, 1 ran: it agrees with the derived answer at significance 0.001; not run: b.'
    >>> evidence_conclusion(["a"], [])
    'The check the answer rests on was not run (a): the answer stands on the derivation alone.'
    """
    ran = {record["name"]: record for record in validations if record["name"] in checks}
    missing = [name for name in checks if name not in ran]
    if not checks:
        return "The answer rests on the derivation alone; no check bears on it."
    if not ran:
        noun = "check the answer rests on was" if len(checks) == 1 else "checks the answer rests on were"
        return f"The {noun} not run ({', '.join(missing)}): the answer stands on the derivation alone."
    against = [name for name, record in ran.items() if record["verdict"] != "agrees"]
    if against:
        verdict = f"{len(against)} disagree with the derived answer ({', '.join(against)})"
    else:
        verdict = "it agrees" if len(ran) == 1 else "all agree"
        verdict += " with the derived answer"
    sentence = (f"Of the {len(checks)} checks the answer rests on, {len(ran)} ran: {verdict} at significance "
                f"{SIGNIFICANCE:g}")
    if len(checks) == 1:
        sentence = f"The check the answer rests on ran: {verdict} at significance {SIGNIFICANCE:g}"
    return sentence + (f"; not run: {', '.join(missing)}." if missing else ".")


def question_record(question: Question, validations=()) -> dict:
    """The JSON object of one question (see the module docstring), its evidence sentence from ``validations``.

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
        "evidence": evidence_conclusion(list(question.checks), list(validations)),
    }


def run_audit(papers=None, *, simulate: bool = True, out="audit-report", seed: int = 2017,
              progress: bool = True, workers: int | None = None) -> AuditReport:
    """Run the audit and write the report folder ``out``.

    Parameters
    ----------
    papers : sequence of str, optional
        Paper ids (default: every encoded paper); a repeated id counts once.
    simulate : bool
        Run the numerical checks (Monte-Carlo, quadrature); without them claims carry no
        simulation and differing forms stay ``disputed``.
    out : path
        The report folder; created if missing.
    seed : int
        The audit's seed; each check draws from its own stream keyed by its paper and name
        (:func:`~nnfield.numeric.statistics.check_stream`), so a report is reproduced from the seed and
        one check's numbers do not depend on which checks ran before it, nor on which worker ran it.
    progress : bool
        Show a progress bar over the derivations and checks.
    workers : int or None
        Worker processes for the derivations and checks (:func:`~nnfield.workers.run_units`; 0: all in this
        process); ``None`` for :func:`~nnfield.workers.default_workers` (``$NNFIELD_WORKERS``, else one per
        available core). The report is the same for every value.

    Raises
    ------
    ValueError
        For an unknown paper id or a negative ``workers`` (nothing is written).
    AuditError
        If ``out`` cannot be written (nothing is written).
    """
    identifiers = list(dict.fromkeys(papers)) if papers else list(PAPERS)  # a paper asked twice is audited once
    loaded = [load_paper(identifier) for identifier in identifiers]
    workers = checked_workers(workers)
    out = Path(out)
    staging = _staging_folder(out)
    try:
        figures = staging / "figures"
        figures.mkdir()
        units = [_CheckUnit(entry.id, index, seed, figures) for entry in loaded if simulate
                 for index in range(len(entry.checks()))]
        units += [_DerivationUnit(entry.id, index, simulate) for entry in loaded
                  for index in range(len(entry.derivations))]
        units += [_QuestionsUnit(entry.id) for entry in loaded]
        outcomes = dict(zip(units, run_units(_run_unit, units, workers=workers, progress=progress,
                                             description="audit", unit="task", shared=_shared_by_unit)))
        records, validations, answered = [], [], []
        for entry in loaded:
            evidence = {}
            for unit, outcome in outcomes.items():
                if isinstance(unit, _CheckUnit) and unit.paper == entry.id:
                    for item in outcome:
                        if item.claims:
                            for label in item.claims:
                                evidence[label] = item
                        else:
                            validations.append({"paper": entry.id, "name": unit.name, **item.to_json()})
            for unit, outcome in outcomes.items():
                if isinstance(unit, _DerivationUnit) and unit.paper == entry.id:
                    records.extend(claim.record(evidence.get(claim.equation)) for claim in outcome)
            for record in outcomes[_QuestionsUnit(entry.id)]:
                answered.append({**record, "evidence": evidence_conclusion(record["checks"], validations)})
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
        (staging / "report.md").write_text(markdown_report(document))
        (staging / "report.tex").write_text(latex_report(document))
        _publish(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return AuditReport(tuple(records), tuple(validations), out, tuple(answered))


@dataclass(frozen=True)
class _CheckUnit:
    """Run check number ``index`` of ``paper`` on its own stream, figures into ``figures``."""

    paper: str
    index: int
    seed: int
    figures: Path

    @property
    def name(self) -> str:
        return _checks(self.paper)[self.index].name

    def shared(self) -> frozenset[str]:
        return modules_used(_checks(self.paper)[self.index].run)

    def __call__(self) -> tuple[Evidence, ...]:
        check = _checks(self.paper)[self.index]
        with one_blas_thread():  # small matrices, many of them: threads cost more than they give
            result = check.run(check_stream(self.seed, f"{self.paper}: {check.name}"), self.figures, False)
        return result if isinstance(result, tuple) else (result,)


@dataclass(frozen=True)
class _DerivationUnit:
    """Derive derivation number ``index`` of ``paper``; the records of its claims, awaiting the checks' evidence."""

    paper: str
    index: int
    simulate: bool

    def shared(self) -> frozenset[str]:
        return modules_used(load_paper(self.paper).derivations[self.index])

    def __call__(self) -> tuple["_ClaimOutcome", ...]:
        entry = load_paper(self.paper)
        checked = checked_labels(entry)
        derivation = entry.derivations[self.index]()
        return tuple(_ClaimOutcome.of(claim, derivation.title, checked=claim.equation in checked,
                                      simulated=self.simulate)
                     for claim in derivation.claims)


@dataclass(frozen=True)
class _QuestionsUnit:
    """The records of ``paper``'s questions, their evidence sentences left to the checks that ran."""

    paper: str

    def shared(self) -> frozenset[str]:
        return modules_used(load_paper(self.paper).questions)

    def __call__(self) -> tuple[dict, ...]:
        return tuple(question_record(question) for question in load_paper(self.paper).questions())


@dataclass(frozen=True)
class _ClaimOutcome:
    """A claim's record without evidence, and the status it takes for each decision a check can give.

    A worker derives the claim; the parent completes the record with the evidence of the check that
    decides it (:meth:`record`), so derivations need not wait for the checks.
    """

    equation: str
    unsimulated: dict
    status_when_decided: dict

    @classmethod
    def of(cls, claim: Claim, title: str, *, checked: bool, simulated: bool) -> "_ClaimOutcome":
        decisions = {decision: claim.status(decision) for decision in (True, False, None)}
        return cls(claim.equation, claim_record(claim, title, None, checked=checked, simulated=simulated), decisions)

    def record(self, evidence: Evidence | None) -> dict:
        """The claim's record with ``evidence`` (``None``: no check decided it), as :func:`claim_record` makes it."""
        if evidence is None:
            return self.unsimulated
        return {**self.unsimulated, "status": self.status_when_decided[evidence.supports_derived],
                "simulation": evidence.to_json()}


def _run_unit(unit):
    return unit()


def _shared_by_unit(unit) -> frozenset[str]:
    return unit.shared()


def _checks(paper: str) -> tuple:
    return tuple(load_paper(paper).checks())


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
