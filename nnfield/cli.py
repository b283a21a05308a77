"""The command line: ``nnfield derive | audit | norms | sweep``.

Errors in what was asked (an unknown paper, a bad option, an unwritable folder or file, a
parameter outside the region where the network has a stationary state, too few layers for the
transient, sizes whose memory exceeds what the machine has) print one line that names the option
and says what is valid, and exit with status 2, without a traceback; they are found before any
work is done. A worker process that crashes (out of memory, say) is one line too, with status 1.
Progress bars go to stderr, only on a terminal and not with ``--quiet``.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass

import numpy as np

from nnfield.workers import WorkerError

__all__ = ["main", "run"]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line naming what is valid, exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}; see '{self.prog} --help'\n")


class _Formatter(argparse.HelpFormatter):
    """Help that shows the default of every option that has one."""

    def _get_help_string(self, action):
        if action.default is None or action.default is False or action.default == argparse.SUPPRESS:
            return action.help
        return f"{action.help} (default: %(default)s)"


def _parser() -> argparse.ArgumentParser:
    from nnfield.derivations import PAPERS

    papers = sorted(PAPERS)
    parser = _Parser(prog="nnfield", description="Derive, check and audit field theories of random networks.",
                     formatter_class=_Formatter)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser,
                                     metavar="{derive,audit,norms,sweep}")

    derive = commands.add_parser("derive", help="print the derivations of a paper", formatter_class=_Formatter)
    derive.add_argument("paper", choices=papers, help="paper id")
    derive.add_argument("--latex", action="store_true",
                        help="print a LaTeX document (pdflatex) instead of plain text")
    derive.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    derive.add_argument("--workers", type=int, metavar="K",
                        help="worker processes for the derivations (default: $NNFIELD_WORKERS, else one per "
                             "available core; 0: all in this process)")

    audit = commands.add_parser("audit", help="derive, compare with the papers, simulate, write the report",
                                formatter_class=_Formatter)
    audit.add_argument("--paper", action="append", choices=papers, metavar="ID",
                       help=f"paper id, repeatable, a repeated id counts once (default: all of {', '.join(papers)})")
    audit.add_argument("--no-simulate", action="store_true", help="skip the numerical checks")
    audit.add_argument("--out", default="audit-report", help="report folder")
    audit.add_argument("--seed", type=int, default=2017, help="random seed, >= 0")
    audit.add_argument("--quiet", action="store_true", help="no progress bars")
    audit.add_argument("--workers", type=int, metavar="K",
                       help="worker processes for the derivations and checks (default: $NNFIELD_WORKERS, else one "
                            "per available core; 0: all in this process)")

    norms = commands.add_parser("norms", help="sample the norms of the pre-activations of random networks "
                                              "(schoenholz2017's setting) beside their mean-field prediction",
                                formatter_class=_Formatter)
    norms.add_argument("--sampler", choices=("chain", "exact", "dense"), default="exact",
                       help="chain: the norm's own law (linear phi only); exact: the conditional "
                            "law of each layer; dense: every weight matrix")
    norms.add_argument("--phi", choices=tuple(_STATIONARY), default="linear",
                       help="activation, one of nnfield.numeric.activations.ACTIVATIONS")
    norms.add_argument("--sigma-w2", type=float, default=0.5, help="weight variance sigma_w^2")
    norms.add_argument("--sigma-b2", type=float, default=0.01, help="bias variance sigma_b^2")
    norms.add_argument("--N", type=int, default=200, help="width")
    norms.add_argument("--L", type=int, default=1024, help="depth; the second half is analysed")
    norms.add_argument("--M", type=int, default=200, help="number of networks")
    norms.add_argument("--seed", type=int, default=0, help="random seed, >= 0")
    norms.add_argument("--out", help="write the norms, shape (M, L), to this .npy file")
    norms.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_sweep(commands)
    return parser


def _add_sweep(commands) -> None:
    sweep = commands.add_parser("sweep", help="measure and predict c* and xi_c over a grid, on Dask")
    sweep.add_argument("--phi", choices=("linear", "relu", "tanh", "erf"), default="tanh",
                       help="activation (default: tanh)")
    sweep.add_argument("--sigma-w2", default="0.5:3.0:6", metavar="START:STOP:COUNT",
                       help="weight variances (default: 0.5:3.0:6)")
    sweep.add_argument("--sigma-b2", default="0.05", metavar="START[:STOP:COUNT]",
                       help="bias variances, >= 0 (default: 0.05)")
    sweep.add_argument("--N", type=int, default=200, help="width (default: 200)")
    sweep.add_argument("--L", type=int, default=40, help="depth, at least 8 (default: 40)")
    sweep.add_argument("--M", type=int, default=100, help="networks per grid point, at least 10 (default: 100)")
    sweep.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    where = sweep.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="K",
                       help="workers of a local Dask cluster (default: the machine's cores; 0: no Dask)")
    where.add_argument("--scheduler", metavar="ADDRESS", help="address of an existing Dask scheduler")
    sweep.add_argument("--out", default="sweep", help="output folder; an interrupted sweep resumes there "
                                                      "(default: sweep)")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")


#: Commands that were renamed: the old name -> (the new one, what it does).
_RENAMED = {"simulate": ("norms", "it samples the norms of the pre-activations of random networks, schoenholz2017's "
                                  "setting, and prints their mean-field prediction")}


def main(argv=None) -> int:
    """Run the command line; return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in _RENAMED:
        new, what = _RENAMED[argv[0]]
        print(f"nnfield {argv[0]}: error: this command is now 'nnfield {new}' ({what}); it takes the same options, "
              f"see 'nnfield {new} --help'", file=sys.stderr)
        return 2
    parser = _parser()
    try:
        arguments, unknown = parser.parse_known_args(argv)
        if unknown:
            command = parser._subparsers._group_actions[0].choices[arguments.command]
            valid = sorted(o for action in command._actions for o in action.option_strings)
            command.error(f"unrecognized arguments: {' '.join(unknown)} (valid options: {', '.join(valid)})")
    except SystemExit as exit_:  # --help, or a parse error already printed as one line
        return exit_.code
    try:
        if arguments.command == "derive":
            return _derive(arguments)
        if arguments.command == "audit":
            return _audit(arguments)
        if arguments.command == "sweep":
            return _sweep(parser, arguments)
        return _norms(arguments)
    except (ValueError, TypeError, OSError) as error:
        print(f"nnfield {arguments.command}: error: {error}", file=sys.stderr)
        return 2
    except SystemExit as exit_:  # a command's own check of its options, already printed as one line
        return exit_.code
    except WorkerError as error:  # not the input's fault: a worker process crashed (out of memory, say)
        print(f"nnfield {arguments.command}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"nnfield {arguments.command}: interrupted; no files were left half-written", file=sys.stderr)
        return 130


def run() -> None:
    """The ``nnfield`` console script and ``python -m nnfield``: :func:`main`, then exit with its status.

    The objects left are frozen first (``gc.freeze``), so that the interpreter's last garbage collection
    does not walk every SymPy expression a derivation made: 0.2-0.3 s of a short command's exit here.
    """
    import gc

    status = main()
    gc.freeze()
    raise SystemExit(status)


def _progress(arguments) -> bool:
    """Progress bars on stderr: only on a terminal, and not with --quiet."""
    return not arguments.quiet and sys.stderr.isatty()


def _check_seed(seed: int) -> None:
    if seed < 0:
        raise ValueError(f"--seed must be an integer >= 0; got {seed}")


def _check_output_file(path: str) -> None:
    """Refuse an --out that cannot be written, before any work is done."""
    import os

    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise ValueError(f"--out {path} is a folder; give a file name such as {os.path.join(path, 'norms.npy')}")
    if not os.path.isdir(folder):
        raise ValueError(f"--out {path}: the folder {folder} does not exist; create it or choose another path")
    if not os.access(folder, os.W_OK):
        raise ValueError(f"--out {path}: the folder {folder} is not writable; choose a folder you can write to")


def _check_workers(workers) -> int:
    """--workers of derive and audit as a number of worker processes (absent: $NNFIELD_WORKERS, else one per core)."""
    from nnfield.workers import default_workers

    if workers is None:
        return default_workers()
    if workers < 0:
        raise ValueError(f"--workers must be an integer >= 0 (worker processes; 0 runs everything in this process); "
                         f"got {workers}")
    return workers


def _derive(arguments) -> int:
    from nnfield.derivations import paper
    from nnfield.report import latex_document
    from nnfield.workers import run_units

    workers = _check_workers(arguments.workers)
    entry = paper(arguments.paper)
    units = [(entry.id, index, arguments.latex) for index in [*range(len(entry.derivations)), None]]
    parts = [part for texts in run_units(_derived_texts, units, workers=workers, progress=_progress(arguments),
                                         description=f"derive {entry.id}", unit="derivation",
                                         shared=_modules_of_unit) for part in texts]
    if arguments.latex:
        print(latex_document("\n\n".join(parts), f"{entry.id}: {entry.title}"), end="")
    else:
        print("\n".join(parts))
    return 0


def _modules_of_unit(unit) -> frozenset[str]:
    """The modules whose cached results a derive unit uses (none for the questions)."""
    from nnfield.derivations import modules_used, paper

    identifier, index, _ = unit
    return frozenset() if index is None else modules_used(paper(identifier).derivations[index])


def _derived_texts(unit) -> list[str]:
    """The text (or LaTeX) of derivation number ``index`` of a paper; of each of its questions for ``index=None``."""
    from nnfield.audit import checked_labels, claim_status
    from nnfield.derivations import paper

    identifier, index, latex = unit
    entry = paper(identifier)
    if index is None:
        return [question.to_latex() if latex else question.to_text() for question in entry.questions()]
    checked = checked_labels(entry)
    derivation = entry.derivations[index]()
    # The same record as `nnfield audit --no-simulate`: a claim a check decides says the simulation was not run.
    statuses = {claim.equation: claim_status(claim, None, checked=claim.equation in checked, simulated=False)
                for claim in derivation.claims}
    return [derivation.to_latex(statuses) if latex else derivation.to_text(statuses)]


def _audit(arguments) -> int:
    from nnfield.symbolic.claims import STATUSES
    from nnfield.audit import AuditError, run_audit
    from nnfield.report import TEX_PACKAGES, LatexError, compile_pdf, pdflatex_available

    _check_seed(arguments.seed)
    try:
        report = run_audit(arguments.paper, simulate=not arguments.no_simulate, out=arguments.out, seed=arguments.seed,
                           progress=_progress(arguments), workers=_check_workers(arguments.workers))
    except AuditError as error:
        print(f"nnfield audit: error: {error}", file=sys.stderr)
        return 2
    summary = ", ".join(
        f"{report.count(status)} {status}" for status in STATUSES
        if report.count(status)
    )
    questions = f", {len(report.questions)} questions answered" if report.questions else ""
    print(f"{len(report.claims)} claims{': ' + summary if summary else ''}{questions}. "
          f"Report: {report.folder / 'report.md'}")
    if pdflatex_available():
        try:
            print(f"PDF: {compile_pdf(report.folder / 'report.tex').pdf}")
        except LatexError as error:
            print(f"nnfield audit: report.pdf not written: {error}", file=sys.stderr)
            return 1
    else:
        print(f"No PDF: pdflatex is not installed (Debian: apt-get install {TEX_PACKAGES}); "
              f"then run 'pdflatex report.tex' in {report.folder}")
    return 0


#: Where each activation has a stationary state (the norm neither vanishes nor grows without bound),
#: as (largest sigma_w^2, where the paper derives it); tanh is bounded and has one for every sigma_w^2.
_STATIONARY = {"linear": (1.0, "schoenholz2017 Result 3"), "relu": (2.0, "schoenholz2017 Result 9"),
               "tanh": (math.inf, "")}
#: Relaxation lengths of the mean field that the discarded first half of the layers must cover.
_TRANSIENT_LENGTHS = 5


def _available_memory() -> float:
    """Bytes of memory available to a new allocation (Linux: MemAvailable; else the physical memory)."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    import os

    return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


def _memory_needed(sampler: str, N: int, L: int, M: int) -> tuple[float, str]:  # noqa: N803 (the paper's N, L, M)
    """Bytes a simulation allocates at its peak, and the formula in words (float64 numbers)."""
    if sampler == "exact":
        return 8.0 * (4 * M * N + 2 * M * L), "4 M N + 2 M L numbers"
    if sampler == "dense":
        return 8.0 * (3 * N * N + 2 * M * L), "3 N^2 + 2 M L numbers"
    return 8.0 * 4 * M * L, "4 M L numbers"


def _bytes(value: float) -> str:
    """``value`` bytes in the largest decimal unit below it, up to TB."""
    power = min(int(math.log10(max(value, 1)) // 3), 4)
    return f"{value / 1000**power:.3g} {('B', 'kB', 'MB', 'GB', 'TB')[power]}"


def _check_norms(arguments) -> None:
    """Every refusal of ``norms``, before anything is allocated or written."""
    from nnfield.numeric.parameters import positive_integer, positive_real

    for option, name, value, meaning in (("--N", "N", arguments.N, "the width"),
                                         ("--L", "L", arguments.L, "the number of layers"),
                                         ("--M", "M", arguments.M, "the number of networks")):
        try:
            positive_integer(name, value, meaning)
        except ValueError as error:
            raise ValueError(f"{option}: {error}") from None
    for option, name, value, meaning in (("--sigma-w2", "sigma_w2", arguments.sigma_w2, "the weight variance"),
                                         ("--sigma-b2", "sigma_b2", arguments.sigma_b2, "the bias variance")):
        try:
            positive_real(name, value, meaning)
        except ValueError as error:
            raise ValueError(f"{option}: {error}") from None
    _check_seed(arguments.seed)
    if arguments.sampler == "chain" and arguments.phi != "linear":
        raise ValueError("--sampler chain follows the norm alone, which is exact only for --phi linear; "
                         "use --sampler exact or dense for tanh and relu")
    largest, source = _STATIONARY[arguments.phi]
    if arguments.sigma_w2 >= largest:
        raise ValueError(f"--sigma-w2 {arguments.sigma_w2:g}: a {arguments.phi} network has a stationary state only "
                         f"for 0 < sigma_w^2 < {largest:g} ({source}); beyond it the norm grows without bound")
    transient = _TRANSIENT_LENGTHS * _prediction(arguments).relaxation_length
    if arguments.L // 2 < transient:
        raise ValueError(f"--L {arguments.L}: the discarded first half of the layers ({arguments.L // 2}) must cover "
                         f"{_TRANSIENT_LENGTHS} relaxation lengths of the mean field ({transient:.3g} layers); "
                         f"use --L {2 * math.ceil(transient)} or more")
    needed, formula = _memory_needed(arguments.sampler, arguments.N, arguments.L, arguments.M)
    available = _available_memory()
    if needed > available:
        raise ValueError(f"--N {arguments.N} --L {arguments.L} --M {arguments.M}: the {arguments.sampler} sampler "
                         f"would need about {_bytes(needed)} ({formula}); {_bytes(available)} of memory is "
                         "available; lower --N or --M")
    if arguments.out:
        _check_output_file(arguments.out)


@dataclass(frozen=True)
class _MeanFieldPrediction:
    """The mean-field norm of a layer deep in the network: sqrt(N q*), and the relaxation length -1/ln F'(q*)."""

    root_mean_square_norm: float
    relaxation_length: float
    method: str


def _prediction(arguments) -> _MeanFieldPrediction:
    from nnfield.numeric.activations import ACTIVATIONS
    from nnfield.numeric.meanfield import mean_field

    field = mean_field(ACTIVATIONS[arguments.phi], sigma_w2=arguments.sigma_w2, sigma_b2=arguments.sigma_b2)
    return _MeanFieldPrediction(math.sqrt(arguments.N * field.fixed_point()), field.depth_scale(), field.method)


def _norms(arguments) -> int:
    from nnfield.numeric import samplers
    from nnfield.numeric.activations import ACTIVATIONS

    _check_norms(arguments)
    phi = ACTIVATIONS[arguments.phi]
    parameters = dict(sigma_w2=arguments.sigma_w2, sigma_b2=arguments.sigma_b2,
                      N=arguments.N, L=arguments.L, M=arguments.M)
    if arguments.sampler == "chain":
        norms = samplers.linear_norm_chain(**parameters, rng=arguments.seed)
    else:
        sampler = (samplers.exact_network_observables if arguments.sampler == "exact"
                   else samplers.dense_network_observables)
        norms = sampler(**parameters, phi=phi, rng=arguments.seed, progress=_progress(arguments))
    bulk = norms[:, norms.shape[1] // 2:]
    print(f"mean norm over the second half of the layers: {bulk.mean():.6g}; "
          f"root mean square: {np.sqrt((bulk**2).mean()):.6g}")
    prediction = _prediction(arguments)
    print(f"mean-field prediction of the root mean square norm sqrt(N q*): {prediction.root_mean_square_norm:.6g} "
          f"({prediction.method}; relaxation length {prediction.relaxation_length:.3g} layers)")
    if arguments.phi == "linear":
        from nnfield.derivations.schoenholz2017 import linear_ring

        saddle = linear_ring().predict(sigma_w2=arguments.sigma_w2, sigma_b2=arguments.sigma_b2, N=arguments.N)
        print(f"saddle r* (schoenholz2017 eq. 13): {saddle.r_star:.6g}")
    if arguments.out:
        _save_atomically(arguments.out, norms)
        print(f"norms written to {arguments.out}")
    return 0


def _sweep(parser, arguments) -> int:
    from nnfield.sweep import parse_values, run_sweep, sweep_grid

    command = parser._subparsers._group_actions[0].choices["sweep"]
    try:
        grid = sweep_grid(arguments.phi, parse_values(arguments.sigma_w2, "--sigma-w2"),
                          parse_values(arguments.sigma_b2, "--sigma-b2", single=True),
                          N=arguments.N, L=arguments.L, M=arguments.M, seed=arguments.seed)
        if arguments.workers is not None and arguments.workers < 0:
            raise ValueError(f"--workers must be a number of workers >= 0 (0: no Dask); got {arguments.workers}")
    except (ValueError, TypeError) as error:
        command.error(str(error))
    result = run_sweep(grid, arguments.out, workers=arguments.workers, scheduler=arguments.scheduler,
                       progress=not arguments.quiet and sys.stderr.isatty())
    print(f"{len(result.rows)} points ({result.computed} computed now): table {result.table}, "
          f"figure {result.figure}")
    return 0


def _save_atomically(path: str, array) -> None:
    import os
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(suffix=".npy", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            np.save(stream, array)
        os.chmod(temporary, 0o644)  # mkstemp creates the file private
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
