"""Snapshot of every derivation of every paper: per claim its status and derived form.

Run ``.venv/bin/python benchmarks/snapshot_derivations.py --write benchmarks/derivations_snapshot.json``
to record the current engine's results, and ``... --check benchmarks/derivations_snapshot.json`` to
derive everything again and compare with the record: every claim's status must be identical, every
derived form (and every step's result) equal by :func:`nnfield.symbolic.claims.compare`, not as a
string, so that a change of the engine that reorders or rewrites an expression without changing it
passes, and one that changes a result fails. Prints one JSON object (the time of each derivation and
the differences found); exits with status 1 when a difference is found. ``make bench`` runs the check. A
change meant to alter results (a corrected comparison, a new claim) records a new snapshot with ``--write``
in the same commit, so that the diff of the JSON shows what changed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import sympy as sp

from nnfield.derivations import PAPERS, paper
from nnfield.symbolic.claims import compare


def _name(derivation_function) -> str:
    function = getattr(derivation_function, "func", derivation_function)
    arguments = getattr(derivation_function, "args", ())
    return function.__name__ + "".join(f"_{argument}" for argument in arguments)


def record() -> tuple[dict, dict]:
    """Derive every derivation of every paper; the snapshot and the time of each derivation."""
    snapshot, seconds = {}, {}
    for identifier in PAPERS:
        for derivation_function in paper(identifier).derivations:
            key = f"{identifier}/{_name(derivation_function)}"
            start = time.perf_counter()
            derivation = derivation_function()
            seconds[key] = round(time.perf_counter() - start, 3)
            snapshot[key] = {
                "claims": [{"equation": claim.equation, "title": claim.title, "status": claim.status(),
                            "method": claim.comparison.method, "derived": sp.srepr(claim.derived)}
                           for claim in derivation.claims],
                "steps": [{"title": step.title, "result": sp.srepr(step.result)} for step in derivation.steps],
            }
    return snapshot, seconds


def _equal(recorded: str, derived: str) -> bool:
    """Whether two srepr strings denote equal results (identical, or equal by ``compare``)."""
    if recorded == derived:
        return True
    before, after = sp.sympify(recorded), sp.sympify(derived)
    if isinstance(before, sp.logic.boolalg.Boolean) and not isinstance(before, sp.core.relational.Relational):
        return (compare(before, after, kind="statement").equal is True
                and compare(after, before, kind="statement").equal is True)
    if isinstance(before, (sp.Set, sp.core.relational.Relational, sp.Tuple, tuple)):
        return before == after
    try:
        return compare(before, after).equal is True
    except (TypeError, ValueError, AttributeError):
        return False


def differences(recorded: dict, current: dict) -> list[str]:
    """Every way ``current`` departs from ``recorded``: a status changed, a form no longer equal."""
    found = []
    for key in sorted(set(recorded) | set(current)):
        if key not in current or key not in recorded:
            found.append(f"{key}: derivation {'missing' if key not in current else 'added'}")
            continue
        before, after = recorded[key], current[key]
        if len(before["claims"]) != len(after["claims"]) or len(before["steps"]) != len(after["steps"]):
            found.append(f"{key}: {len(after['claims'])} claims and {len(after['steps'])} steps, "
                         f"recorded {len(before['claims'])} and {len(before['steps'])}")
            continue
        for old, new in zip(before["claims"], after["claims"]):
            label = f"{key} eq. {old['equation']} ({old['title']})"
            if (old["equation"], old["title"]) != (new["equation"], new["title"]):
                found.append(f"{label}: now eq. {new['equation']} ({new['title']})")
            if old["status"] != new["status"]:
                found.append(f"{label}: status {new['status']}, recorded {old['status']}")
            if not _equal(old["derived"], new["derived"]):
                found.append(f"{label}: derived form differs")
        for old, new in zip(before["steps"], after["steps"]):
            if old["title"] != new["title"] or not _equal(old["result"], new["result"]):
                found.append(f"{key} step {old['title']!r}: result differs")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", metavar="JSON", help="record the snapshot in this file")
    action.add_argument("--check", metavar="JSON", help="compare with the snapshot in this file")
    arguments = parser.parse_args(argv)
    current, seconds = record()
    if arguments.write:
        with open(arguments.write, "w") as file:
            json.dump(current, file, indent=1, sort_keys=True)
        print(json.dumps({"seconds": seconds, "claims": sum(len(v["claims"]) for v in current.values())}, indent=1))
        return 0
    with open(arguments.check) as file:
        recorded = json.load(file)
    found = differences(recorded, current)
    print(json.dumps({"seconds": seconds, "differences": found}, indent=1))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
