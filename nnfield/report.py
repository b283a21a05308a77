"""The audit report a person reads: Markdown and LaTeX written from the audit's JSON document.

Both writers take the document of ``audit.json`` (see :mod:`nnfield.audit`) and say the same
things in the same order:

1. versions and seed, a summary table (claims by status, per paper), and a legend defining every
   status, every evidence verdict, the significance level and how multiple comparisons are handled;
2. per paper: a table of claims with compact cells (a form longer than :data:`CELL_LIMIT`
   characters of LaTeX is replaced by a pointer to the section *Long forms*), the questions a
   critique asks with their answers, each claim whose forms differ with its quote, difference,
   note and evidence, the long forms with their difference on one line, and the simulations;
3. the validations of the simulation methods.

Markdown math is written ``$...$``; every ``|`` inside a table cell is escaped, so each row keeps
its header's number of cells. LaTeX text is escaped (:func:`~nnfield.symbolic.latex.escape_text`)
and every formula is set in ``breqn``'s ``dmath*``, which breaks long lines.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nnfield.symbolic.latex import FORMULA_MACROS, display_math, escape_text

__all__ = ["markdown_report", "latex_report", "latex_document", "claim_label", "evidence_summary",
           "compile_pdf", "pdflatex_available", "PdfBuild", "LatexError", "TEX_PACKAGES", "STATUS_ORDER", "STATUS_MEANING", "VERDICT_MEANING", "CELL_LIMIT"]

#: Characters of LaTeX beyond which a form leaves its table cell for the section *Long forms*.
CELL_LIMIT = 200
#: Characters of LaTeX beyond which a difference is described rather than printed.
DIFFERENCE_LIMIT = 300

STATUS_ORDER = ("erratum", "disputed", "unsupported", "untested", "simulation not run", "reproduced")

#: What each status of a claim means.
STATUS_MEANING = {
    "reproduced": "the derived form equals the printed one once the paper's definitions and conventions are "
                  "substituted (decided symbolically, or at random sample points when simplification stalls; "
                  "the difference line says which)",
    "erratum": "printed and derived forms differ, and a simulation decided for the derived form",
    "disputed": "printed and derived forms differ and no simulation has decided between them (or a "
                "measurement sided with the printed form against the derivation)",
    "unsupported": "a statement the paper makes in words, contradicted by the derivation: the cases where "
                   "the paper says it holds and the derivation says it does not are listed",
    "untested": "SymPy could decide neither equality nor difference",
    "simulation not run": "printed and derived forms differ and a check of the audit decides between them, but the "
                          "simulations were not run (--no-simulate); not a verdict",
}

#: What each evidence verdict means (``-`` in the evidence column: not simulated).
VERDICT_MEANING = {
    "agrees": "the measurement is consistent with the derived form: its p-value is at least the significance "
              "level",
    "disagrees": "the measurement rejects the derived form: p-value below the significance level",
    "-": "no simulation bears on this claim (or the audit ran with --no-simulate)",
}

_IMAGE = re.compile(r"!\[([^\]]*)\]\((figures/[^)\s]+)\)")


def claim_label(equation: str) -> str:
    """How a claim is named in the report: ``eq. 9`` for a printed number, else the paper's place.

    Examples
    --------
    >>> claim_label("9"), claim_label("15-16"), claim_label("9 (units)"), claim_label("Sec. 5 (Laplace)")
    ('eq. 9', 'eqs. 15-16', 'eq. 9 (units)', 'Sec. 5 (Laplace)')
    """
    if re.fullmatch(r"\d+[a-z]?-\d+[a-z]?", equation):
        return f"eqs. {equation}"
    if re.match(r"\d", equation):
        return f"eq. {equation}"
    return equation


def _full_label(claim: dict) -> str:
    also = claim.get("also") or []
    return claim_label(claim["equation"]) + (f" (also {', '.join(also)})" if also else "")


def _number(value: float) -> str:
    return f"{value:.4g}"


def _p_value(p_value: float) -> str:
    return "p < 1e-300" if p_value == 0 else f"p = {p_value:.3g}"


def evidence_summary(simulation: dict | None) -> str:
    """The compact evidence of a claim for a table cell: the verdict and its p-value.

    Examples
    --------
    >>> evidence_summary(None)
    '-'
    >>> evidence_summary({"verdict": "agrees", "p_value": 0.2413, "statistic": "chi-square", "value": 3.0})
    'agrees (p = 0.241)'
    >>> evidence_summary({"verdict": "disagrees", "p_value": None, "statistic": "KS distance", "value": 0.25})
    'disagrees (KS distance: 0.25)'
    """
    if simulation is None:
        return "-"
    if simulation["p_value"] is not None:
        return f"{simulation['verdict']} ({_p_value(simulation['p_value'])})"
    return f"{simulation['verdict']} ({simulation['statistic']}: {_number(simulation['value'])})"


def _statistic_line(result: dict) -> str:
    """Verdict, statistic and p-value in words: ``statistic: value`` so a value is never read as a parameter."""
    p_value = "" if result["p_value"] is None else f"; {_p_value(result['p_value'])}"
    sizes = ", ".join(f"{key} = {value}" for key, value in result["sample_sizes"].items())
    return f"{result['verdict']}; {result['statistic']}: {_number(result['value'])}{p_value}; sizes: {sizes}"


def _displays(record: dict, key: str) -> list[str]:
    """The displayable lines of a form (``printed``/``derived``); the whole form when none were stored."""
    return list(record.get(f"{key}_display") or [record[f"{key}_latex"]])


def _difference(claim: dict) -> str:
    """One line: how printed and derived compare (Markdown, math in ``$``)."""
    comparison = claim["comparison"]
    residual = comparison["residual_latex"]
    how = {"symbolic": "simplified", "numeric": "at random sample points", "ring": "up to shifts along the ring",
           "relation": "as solution sets", "set": "symmetric difference", "constant": "up to a constant",
           "statement": "cases where the paper says it holds and the derivation does not"}.get(
        comparison["method"], comparison["method"])
    if comparison["equal"]:
        return f"equal ({how})"
    if len(residual) > DIFFERENCE_LIMIT:
        return f"they differ ({how}); the difference is {len(residual)} characters of LaTeX, in audit.json"
    return f"printed - derived ({how}): ${residual}$"


def _is_long(claim: dict) -> bool:
    return max(len(claim["printed_latex"]), len(claim["derived_latex"])) > CELL_LIMIT


def _papers(document: dict) -> list[str]:
    return list(dict.fromkeys(document["meta"]["papers"]))


# Markdown ----------------------------------------------------------------------------------------

def _cell(text: str) -> str:
    """Text in a Markdown table cell: one line, pipes escaped so they do not end the cell."""
    return " ".join(text.split()).replace("|", r"\|")


def _math_cell(latex: str, anchor: str) -> str:
    if len(latex) > CELL_LIMIT:
        return f"[long form]({anchor})"
    return "$" + " ".join(latex.split()).replace("|", r"\vert ") + "$"


def _anchor(paper: str, claim: dict) -> str:
    """The fragment of the long-form heading (GitHub's and MyST's rule: lower case, spaces to dashes)."""
    heading = f"{paper} {claim_label(claim['equation'])} long form"
    return "#" + re.sub(r"[^a-z0-9 _-]", "", heading.lower()).replace(" ", "-")


def _summary_rows(document: dict) -> list[tuple[str, list[int], int]]:
    rows = []
    for paper in _papers(document):
        claims = [c for c in document["claims"] if c["paper"] == paper]
        counts = [sum(1 for c in claims if c["status"] == status) for status in STATUS_ORDER]
        questions = sum(1 for q in document["questions"] if q["paper"] == paper)
        rows.append((paper, counts, questions))
    return rows


def _legend_markdown() -> list[str]:
    lines = ["## How to read this report", "", "**Status of a claim** (printed equation or statement against "
             "the derivation):", ""]
    lines += [f"- *{status}*: {STATUS_MEANING[status]}." for status in STATUS_ORDER]
    lines += ["", "**Evidence** (a simulation or quadrature compared with the derived form):", ""]
    lines += [f"- *{verdict}*: {meaning}." for verdict, meaning in VERDICT_MEANING.items()]
    lines += ["", *_legend_notes(), ""]
    return lines


def _legend_notes(latex: bool = False) -> list[str]:
    from nnfield.numeric.statistics import SIGNIFICANCE  # imported here: SciPy is not needed to print a derivation

    forms = ("The printed and derived forms of every claim follow the table of its paper, each with the difference "
             "on one line." if latex else
             f"A form longer than {CELL_LIMIT} characters of LaTeX is printed in full in a section *long form* below "
             "the table, with the difference on one line.")
    emphasis = "'" if latex else "*"
    return [
        f"Significance level: every check decides at alpha = {SIGNIFICANCE:g}; a p-value is the probability, "
        "if the derived form were exact, of a statistic at least as extreme as the one measured.",
        "",
        "Multiple comparisons: a check that tests several quantities (bands of modes, temperatures, depths) "
        "combines them into one statistic first (a chi-square sum of z-scores over independent bands, or the "
        "smallest p-value times the number of tests, Bonferroni), so each check makes one decision at alpha. "
        "Checks are not corrected against each other: with n checks about n x alpha of them would disagree "
        "by chance alone if every derived form were exact.",
        "",
        f"Where: {emphasis}eq. 9{emphasis} is the paper's equation number ({emphasis}also{emphasis} lists other "
        "numbers under which the paper prints the same result); other claims are named by their place in the paper. "
        + forms,
    ]


def markdown_report(document: dict) -> str:
    """The report as Markdown (GitHub-flavoured tables, math between ``$``).

    Parameters
    ----------
    document : dict
        The content of ``audit.json``.

    Examples
    --------
    >>> document = {"claims": [], "validations": [], "questions": [],
    ...             "meta": {"nnfield": "0", "sympy": "1", "numpy": "2", "python": "3", "seed": 1,
    ...                      "simulated": False, "papers": []}}
    >>> markdown_report(document).splitlines()[0]
    '# nnfield audit report'
    """
    meta = document["meta"]
    lines = ["# nnfield audit report", "",
             f"nnfield {meta['nnfield']}, SymPy {meta['sympy']}, NumPy {meta['numpy']}, Python {meta['python']}; "
             f"seed {meta['seed']}; simulations {'run' if meta['simulated'] else 'not run (--no-simulate)'}.", ""]
    if document["claims"] or document["questions"]:
        lines += ["## Summary", "", "| paper | " + " | ".join(STATUS_ORDER) + " | questions |",
                  "|---" * (len(STATUS_ORDER) + 2) + "|"]
        lines += [f"| {paper} | " + " | ".join(map(str, counts)) + f" | {questions} |"
                  for paper, counts, questions in _summary_rows(document)]
        lines.append("")
    lines += _legend_markdown()
    for paper in _papers(document):
        lines += _markdown_paper(document, paper)
    if document["validations"]:
        lines += ["## Validation of the simulation methods", "",
                  "| paper | check | verdict |", "|---|---|---|"]
        lines += [f"| {check['paper']} | {_cell(check['name'])} | {_cell(evidence_summary(check))} |"
                  for check in document["validations"]]
        lines.append("")
        for check in document["validations"]:
            lines += [f"- **{check['name']}** ({check['paper']}): {_statistic_line(check)}. {check['detail']}",
                      *_markdown_figure(check)]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _markdown_figure(result: dict) -> list[str]:
    return ["", f"  ![{result.get('name', 'figure')}](figures/{result['figure']})"] if result.get("figure") else []


def _markdown_paper(document: dict, paper: str) -> list[str]:
    claims = [c for c in document["claims"] if c["paper"] == paper]
    lines = [f"## {paper}", ""]
    if claims:
        lines += ["| where | claim | status | printed | derived | evidence |", "|---|---|---|---|---|---|"]
        for claim in claims:
            anchor = _anchor(paper, claim)
            lines.append(f"| {_cell(_full_label(claim))} | {_cell(claim['title'])} | **{claim['status']}** | "
                         f"{_math_cell(claim['printed_latex'], anchor)} | {_math_cell(claim['derived_latex'], anchor)} "
                         f"| {_cell(evidence_summary(claim['simulation']))} |")
        lines.append("")
    lines += _markdown_questions(document, paper)
    for claim in (c for c in claims if c["status"] != "reproduced"):
        lines += [f"### {claim_label(claim['equation'])}: {claim['title']} ({claim['status']})", "",
                  f"Printed (quoted): `{claim['quote']}`", ""]
        if not _is_long(claim):
            lines += [f"$$\\text{{printed: }}{claim['printed_latex']}$$", "",
                      f"$$\\text{{derived: }}{claim['derived_latex']}$$", ""]
        lines += [f"Difference: {_difference(claim)}", ""]
        if claim["note"]:
            lines += [claim["note"], ""]
        if claim["simulation"]:
            lines += [f"Evidence: {_statistic_line(claim['simulation'])}. {claim['simulation']['detail']}",
                      *_markdown_figure({**claim["simulation"], "name": claim["title"]}), ""]
    for claim in (c for c in claims if _is_long(c)):
        lines += [f"### {paper} {claim_label(claim['equation'])} long form", "", f"{claim['title']}.", "",
                  "Printed:", ""]
        lines += [f"$${line}$$" for line in _displays(claim, "printed")]
        lines += ["", "Derived:", ""]
        lines += [f"$${line}$$" for line in _displays(claim, "derived")]
        lines += ["", f"Difference: {_difference(claim)}", ""]
    simulated = [c for c in claims if c["simulation"]]
    if simulated:
        lines += ["### Simulations", ""]
        for claim in simulated:
            lines += [f"- {_full_label(claim)} ({claim['title']}): {_statistic_line(claim['simulation'])}. "
                      f"{claim['simulation']['detail']}", *_markdown_figure({**claim["simulation"],
                                                                             "name": claim["title"]})]
        lines.append("")
    return lines


def _markdown_questions(document: dict, paper: str) -> list[str]:
    """The questions a critique asks, each with the derived steps, the answer and its evidence."""
    lines = []
    checks = {check["name"]: check for check in document["validations"]}
    for question in (q for q in document["questions"] if q["paper"] == paper):
        lines += [f"### {question['label']}", "", f"> {question['quote']}", ""]
        lines += [f"- {step['title']}: ${step['latex']}$" for step in question["steps"]]
        lines += ["", f"**Answer.** {question['answer']}", "", f"**Evidence.** {question['evidence']}", ""]
        for name in question["checks"]:
            check = checks.get(name)
            if check is None:
                lines.append(f"- Evidence: {name}: not run (--no-simulate).")
                continue
            lines += [f"- Evidence: {name}: {_statistic_line(check)}. {check['detail']}",
                      *_markdown_figure({**check, "name": name})]
        lines.append("")
    return lines


# LaTeX -------------------------------------------------------------------------------------------

_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\usepackage{longtable,booktabs,array}
\usepackage[hidelinks]{hyperref}
\usepackage{breqn}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5ex}
\emergencystretch=3em
""" + FORMULA_MACROS


def latex_document(body: str, title: str) -> str:
    """A standalone LaTeX document (pdflatex) around ``body``, with the packages the report needs.

    ``body`` may use ``amsmath``, ``breqn``'s ``dmath*``, ``graphicx`` and ``longtable``.

    Examples
    --------
    >>> text = latex_document(r"\\begin{dmath*}x = 1\\end{dmath*}", "x")
    >>> text.splitlines()[0], text.rstrip().splitlines()[-1]
    ('\\\\documentclass[11pt]{article}', '\\\\end{document}')
    """
    return (_PREAMBLE + rf"\title{{{escape_text(title)}}}" + "\n" + r"\date{}" + "\n" + r"\begin{document}"
            + "\n" + r"\maketitle" + "\n" + body.strip() + "\n" + r"\end{document}" + "\n")


def _tex(text: str) -> str:
    """Text that may carry Markdown image links: the links become pointers to the figures set below."""
    return escape_text(_IMAGE.sub(lambda match: f"(figure {match.group(2)[len('figures/'):]})", text))


def _tex_figures(figure: str | None, *texts: str) -> list[str]:
    """``\\includegraphics`` for ``figure`` and for every figure linked inside ``texts``."""
    files = [figure] if figure else []
    for text in texts:
        files += [match.group(2)[len("figures/"):] for match in _IMAGE.finditer(text or "")]
    return [rf"\begin{{center}}\includegraphics[width=0.85\linewidth]{{figures/{name}}}\\"
            rf"\small {escape_text(name)}\end{{center}}" for name in dict.fromkeys(files)]


def _breakable_text(text: str) -> str:
    """Escaped text (a quoted LaTeX source, say) that may break after operators and punctuation."""
    return re.sub(r"(\\textbackslash\{\}|[-+=,;)(\]\[]|\\[{}_^])", r"\1\\allowbreak{}", escape_text(text))


def _tex_difference(claim: dict) -> str:
    """The one-line difference of :func:`_difference`, with its math kept as math."""
    line = _difference(claim)
    if line.endswith("$") and ": $" in line:
        words, math = line.split(": $", 1)
        return escape_text(words) + ": " + display_math(math[:-1])
    return escape_text(line)


def latex_report(document: dict) -> str:
    """The report as a standalone LaTeX document with the content of :func:`markdown_report`.

    Parameters
    ----------
    document : dict
        The content of ``audit.json``.
    """
    meta = document["meta"]
    body = [escape_text(f"nnfield {meta['nnfield']}, SymPy {meta['sympy']}, NumPy {meta['numpy']}, Python "
                        f"{meta['python']}; seed {meta['seed']}; simulations "
                        f"{'run' if meta['simulated'] else 'not run (--no-simulate)'}."), ""]
    if document["claims"] or document["questions"]:
        body += [r"\section*{Summary}", r"\begin{center}\begin{tabular}{l" + "r" * (len(STATUS_ORDER) + 1) + "}",
                 r"\toprule", "paper & " + " & ".join(_stacked(status) for status in STATUS_ORDER)
                 + r" & questions \\", r"\midrule"]
        body += [escape_text(paper) + " & " + " & ".join(map(str, counts)) + rf" & {questions} \\"
                 for paper, counts, questions in _summary_rows(document)]
        body += [r"\bottomrule", r"\end{tabular}\end{center}", ""]
    body += [r"\section*{How to read this report}", r"\textbf{Status of a claim} (printed equation or statement "
             r"against the derivation):", r"\begin{description}"]
    body += [rf"\item[{status}] {escape_text(STATUS_MEANING[status])}." for status in STATUS_ORDER]
    body += [r"\end{description}", r"\textbf{Evidence} (a simulation or quadrature compared with the derived form):",
             r"\begin{description}"]
    body += [rf"\item[{escape_text(verdict)}] {escape_text(meaning)}." for verdict, meaning in VERDICT_MEANING.items()]
    body += [r"\end{description}"]
    body += [escape_text(line) if line else "" for line in _legend_notes(latex=True)]
    for paper in _papers(document):
        body += _latex_paper(document, paper)
    if document["validations"]:
        body += [r"\section*{Validation of the simulation methods}", r"\begin{description}"]
        for check in document["validations"]:
            body += [rf"\item[{escape_text(check['name'])}] ({escape_text(check['paper'])}) "
                     + _tex(f"{_statistic_line(check)}. {check['detail']}"),
                     *_tex_figures(check["figure"], check["detail"])]
        body.append(r"\end{description}")
    return latex_document("\n".join(_first_inclusions(body)), "nnfield audit report")


def _first_inclusions(lines: list[str]) -> list[str]:
    """The lines without repeated figures: a figure cited again is set only where it first appears."""
    seen, kept = set(), []
    for line in lines:
        if line.startswith(r"\begin{center}\includegraphics"):
            if line in seen:
                continue
            seen.add(line)
        kept.append(line)
    return kept


def _stacked(words: str) -> str:
    """A table header of several words, one word a line (keeps a summary table narrow)."""
    return r"\shortstack{" + r"\\".join(words.split()) + "}"


def _latex_paper(document: dict, paper: str) -> list[str]:
    claims = [c for c in document["claims"] if c["paper"] == paper]
    lines = [rf"\section*{{{escape_text(paper)}}}"]
    if claims:
        lines += [r"\begin{longtable}{>{\raggedright}p{0.17\linewidth}>{\raggedright}p{0.32\linewidth}"
                  r">{\raggedright}p{0.14\linewidth}>{\raggedright\arraybackslash}p{0.2\linewidth}}",
                  r"\toprule where & claim & status & evidence \\ \midrule \endhead"]
        lines += [rf"{escape_text(_full_label(c))} & {escape_text(c['title'])} & \textbf{{{c['status']}}} & "
                  rf"{escape_text(evidence_summary(c['simulation']))} \\" for c in claims]
        lines += [r"\bottomrule", r"\end{longtable}"]
    lines += _latex_questions(document, paper)
    if claims:
        lines.append(r"\subsection*{Printed and derived forms}")
    for claim in claims:
        lines += [rf"\paragraph{{{escape_text(_full_label(claim))}: {escape_text(claim['title'])} "
                  rf"({claim['status']}).}}"]
        if claim["status"] != "reproduced":
            lines.append(r"Printed (quoted): {\raggedright\ttfamily " + _breakable_text(claim["quote"]) + r"\par}")
        lines.append("Printed:")
        lines += [display_math(line) for line in _displays(claim, "printed")]
        lines.append("Derived:")
        lines += [display_math(line) for line in _displays(claim, "derived")]
        lines.append("Difference: " + _tex_difference(claim))
        if claim["note"] and claim["status"] != "reproduced":
            lines.append(_tex(claim["note"]))
        if claim["simulation"]:
            simulation = claim["simulation"]
            lines += ["", r"Evidence: " + _tex(f"{_statistic_line(simulation)}. {simulation['detail']}"),
                      *_tex_figures(simulation["figure"], simulation["detail"])]
    return lines


def _latex_questions(document: dict, paper: str) -> list[str]:
    lines = []
    checks = {check["name"]: check for check in document["validations"]}
    for question in (q for q in document["questions"] if q["paper"] == paper):
        lines += [rf"\subsection*{{{escape_text(question['label'])}}}",
                  r"\begin{quote}\emph{" + escape_text(question["quote"]) + r"}\end{quote}"]
        for step in question["steps"]:
            lines += [escape_text(step["title"]) + ":", display_math(step["latex"])]
        lines.append(r"\textbf{Answer.} " + _tex(question["answer"]))
        lines += ["", r"\textbf{Evidence.} " + _tex(question["evidence"])]
        for name in question["checks"]:
            check = checks.get(name)
            if check is None:
                lines.append(escape_text(f"Evidence: {name}: not run (--no-simulate)."))
                continue
            lines += ["", escape_text(f"Evidence: {name}: ") + _tex(f"{_statistic_line(check)}. {check['detail']}"),
                      *_tex_figures(check["figure"], check["detail"])]
    return lines


# PDF ---------------------------------------------------------------------------------------------

#: The Debian packages that provide pdflatex and every package the report uses.
TEX_PACKAGES = "texlive-latex-base texlive-latex-recommended texlive-latex-extra lmodern"


class LatexError(RuntimeError):
    """pdflatex failed on a document; the message holds the first error of its log."""


@dataclass(frozen=True)
class PdfBuild:
    """A document compiled by pdflatex.

    Attributes
    ----------
    pdf : pathlib.Path
        The PDF, next to the ``.tex`` file.
    overfull : tuple of float
        How far (pt) each overfull line sticks out of the text block.
    """

    pdf: Path
    overfull: tuple[float, ...]


def pdflatex_available() -> bool:
    """Whether ``pdflatex`` is on the PATH."""
    return shutil.which("pdflatex") is not None


def _rerun_needed(log: str, outlines: Path) -> bool:
    """Whether a pdflatex log asks for another pass; a request for outlines counts only if there are outlines."""
    reasons = [line for line in log.splitlines() if "Rerun to get" in line or "Rerun LaTeX" in line]
    if any("outlines" in line for line in reasons) and not (outlines.is_file() and outlines.stat().st_size):
        reasons = [line for line in reasons if "outlines" not in line]
    return bool(reasons)


def compile_pdf(tex: Path | str, *, passes: int = 2) -> PdfBuild:
    """Compile ``tex`` with pdflatex in its own folder (figures are found relative to it).

    The auxiliary files go to a temporary folder; only the PDF is moved next to ``tex``. pdflatex runs
    again, up to ``passes`` times in all, while its log asks for a rerun (cross-references, or outlines
    when there are any: hyperref asks for one even when the document has no sections to bookmark).

    Raises
    ------
    FileNotFoundError
        If pdflatex is not installed (the message names the Debian packages) or ``tex`` is missing.
    LatexError
        If pdflatex reports an error.
    """
    tex = Path(tex)
    if not tex.is_file():
        raise FileNotFoundError(f"no LaTeX file at {tex}")
    if not pdflatex_available():
        raise FileNotFoundError(f"pdflatex is not installed; on Debian: apt-get install {TEX_PACKAGES}")
    with tempfile.TemporaryDirectory(prefix="nnfield-latex-") as build:
        for _ in range(passes):
            result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                                     f"-output-directory={build}", tex.name], cwd=tex.parent,
                                    capture_output=True, text=True, errors="replace")
            log = (Path(build) / tex.with_suffix(".log").name).read_text(errors="replace")
            if result.returncode != 0:
                errors = [line for line in log.splitlines() if line.startswith("!")]
                raise LatexError(f"pdflatex failed on {tex}: {errors[0] if errors else 'see its log'}")
            if not _rerun_needed(log, Path(build) / tex.with_suffix(".out").name):
                break
        pdf = tex.with_suffix(".pdf")
        shutil.move(Path(build) / pdf.name, pdf)  # a rename when on one file system
    overfull = tuple(float(points) for points in re.findall(r"Overfull \\hbox \(([0-9.]+)pt too wide\)", log))
    return PdfBuild(pdf, overfull)
