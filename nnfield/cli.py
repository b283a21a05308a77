"""The command line: ``nnfield derive | audit | simulate | sweep``.

Errors in what was asked (an unknown paper, a bad option, an unwritable folder, a parameter
outside the region where a saddle exists) print one line saying what is valid and exit with
status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line naming what is valid, exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}; see '{self.prog} --help'\n")


def _parser() -> argparse.ArgumentParser:
    from nnfield.derivations import PAPERS

    papers = sorted(PAPERS)
    parser = _Parser(prog="nnfield", description="Derive, check and audit field theories of random networks.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser,
                                     metavar="{derive,audit,simulate,sweep}")

    derive = commands.add_parser("derive", help="print the derivations of a paper")
    derive.add_argument("paper", choices=papers, help="paper id")
    derive.add_argument("--latex", action="store_true", help="print LaTeX instead of plain text")

    audit = commands.add_parser("audit", help="derive, compare with the papers, simulate, write the report")
    audit.add_argument("--paper", action="append", choices=papers, metavar="ID",
                       help=f"paper id (repeatable; default all: {', '.join(papers)})")
    audit.add_argument("--no-simulate", action="store_true", help="skip the numerical checks")
    audit.add_argument("--out", default="audit-report", help="report folder (default: audit-report)")
    audit.add_argument("--seed", type=int, default=2017, help="random seed (default: 2017)")
    audit.add_argument("--quiet", action="store_true", help="no progress bars")

    simulate = commands.add_parser("simulate", help="sample norms of pre-activations of random networks")
    simulate.add_argument("--sampler", choices=("chain", "exact", "dense"), default="exact",
                          help="chain: the norm's own law (linear phi only); exact: the conditional "
                               "law of each layer; dense: every weight matrix (default: exact)")
    simulate.add_argument("--phi", choices=("linear", "tanh", "relu"), default="linear")
    simulate.add_argument("--sigma-w2", type=float, default=0.5)
    simulate.add_argument("--sigma-b2", type=float, default=0.01)
    simulate.add_argument("--N", type=int, default=200, help="width")
    simulate.add_argument("--L", type=int, default=1024, help="depth")
    simulate.add_argument("--M", type=int, default=200, help="number of networks")
    simulate.add_argument("--seed", type=int, default=0)
    simulate.add_argument("--out", help="write the norms, shape (M, L), to this .npy file")
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


def main(argv=None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    arguments, unknown = parser.parse_known_args(argv)
    if unknown:
        command = parser._subparsers._group_actions[0].choices[arguments.command]
        valid = sorted(o for action in command._actions for o in action.option_strings)
        command.error(f"unrecognized arguments: {' '.join(unknown)} (valid options: {', '.join(valid)})")
    try:
        if arguments.command == "derive":
            return _derive(arguments)
        if arguments.command == "audit":
            return _audit(arguments)
        if arguments.command == "sweep":
            return _sweep(parser, arguments)
        return _simulate(arguments)
    except (ValueError, TypeError, OSError) as error:
        print(f"nnfield {arguments.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"nnfield {arguments.command}: interrupted; no files were left half-written", file=sys.stderr)
        return 130


def _derive(arguments) -> int:
    from nnfield.derivations import paper

    entry = paper(arguments.paper)
    for derive in entry.derivations:
        derivation = derive()
        print(derivation.to_latex() if arguments.latex else derivation.to_text())
    for question in entry.questions():
        print(question.to_text())
    return 0


def _audit(arguments) -> int:
    from nnfield.audit import AuditError, run_audit

    try:
        report = run_audit(arguments.paper, simulate=not arguments.no_simulate, out=arguments.out,
                           seed=arguments.seed, progress=not arguments.quiet)
    except AuditError as error:
        print(f"nnfield audit: error: {error}", file=sys.stderr)
        return 2
    summary = ", ".join(
        f"{report.count(status)} {status}" for status in ("reproduced", "erratum", "disputed", "unsupported", "untested")
        if report.count(status)
    )
    questions = f", {len(report.questions)} questions answered" if report.questions else ""
    print(f"{len(report.claims)} claims{': ' + summary if summary else ''}{questions}. "
          f"Report: {report.folder / 'report.md'}")
    return 0


def _simulate(arguments) -> int:
    from nnfield.numeric import samplers

    phi = {"linear": None, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0)}[arguments.phi]
    parameters = dict(sigma_w2=arguments.sigma_w2, sigma_b2=arguments.sigma_b2,
                      N=arguments.N, L=arguments.L, M=arguments.M)
    if arguments.sampler == "chain":
        if phi is not None:
            raise ValueError("the chain sampler follows the norm alone, which is exact only for --phi linear; "
                             "use --sampler exact or dense for tanh and relu")
        norms = samplers.linear_norm_chain(**parameters, rng=arguments.seed)
    else:
        sampler = samplers.exact_network_norms if arguments.sampler == "exact" else samplers.dense_network_norms
        norms = sampler(**parameters, phi=phi, rng=arguments.seed, progress=True)
    bulk = norms[:, norms.shape[1] // 2:]
    print(f"mean norm over the second half of the layers: {bulk.mean():.6g}; "
          f"root mean square: {np.sqrt((bulk**2).mean()):.6g}")
    if arguments.phi == "linear" and arguments.sigma_w2 < 1:
        from nnfield.derivations.schoenholz2017 import linear_ring

        prediction = linear_ring().predict(sigma_w2=arguments.sigma_w2, sigma_b2=arguments.sigma_b2, N=arguments.N)
        print(f"saddle r* (schoenholz2017 eq. 13): {prediction.r_star:.6g}")
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
