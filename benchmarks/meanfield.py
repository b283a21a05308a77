"""Speed of the two-input mean field (issue 13 point 6), measured in one run; prints one JSON object.

Run with ``make bench`` or ``.venv/bin/python benchmarks/meanfield.py``. Set-up (SymPy's closed forms,
compiled functions) is timed separately; then c*, chi_c and xi_c at fresh parameters (the fixed point
q* included) against the goals 1 ms (closed form) and 50 ms (quadrature), and the order-to-chaos
line at 50 values of sigma_b^2 against 5 s.
"""

import json
import statistics
import time

import numpy as np

from nnfield.numeric.activations import ERF, RELU, TANH
from nnfield.numeric.meanfield import critical_sigma_w2, mean_field

GOALS = {"closed form": 1e-3, "quadrature": 0.05, "critical line": 5.0}


def seconds(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def correlation_quantities(chosen, sigma_w2, sigma_b2):
    field = mean_field(chosen, sigma_w2=sigma_w2, sigma_b2=sigma_b2)
    return field.c_star(), field.chi_c(), field.correlation_depth_scale()


def per_point(chosen, largest_sigma_w2) -> dict:
    """Median seconds for c*, chi_c, xi_c at 20 points (both sides of the critical line where there are two)."""
    grid = [(float(w), float(b)) for w in np.linspace(0.5, largest_sigma_w2, 10) for b in (0.02, 0.2)]
    times = [seconds(lambda: correlation_quantities(chosen, w, b)) for w, b in grid]
    return {"median_seconds": statistics.median(times), "max_seconds": max(times), "points": len(grid)}


def main() -> None:
    report = {"setup_seconds": {}, "per_point": {}, "critical_line_seconds": {}}
    for chosen in (ERF, RELU, TANH):
        report["setup_seconds"][chosen.name] = seconds(lambda: correlation_quantities(chosen, 1.5, 0.05))
    for chosen, kind, largest in ((ERF, "closed form", 3.8), (RELU, "closed form", 1.95), (TANH, "quadrature", 3.8)):
        result = per_point(chosen, largest)
        result.update(method=chosen.kernel.method, goal_seconds=GOALS[kind],
                      meets_goal=result["median_seconds"] < GOALS[kind])
        report["per_point"][chosen.name] = result
    biases = np.linspace(0.0, 2.0, 50)
    for chosen in (ERF, TANH):
        elapsed = seconds(lambda: [critical_sigma_w2(chosen, sigma_b2=float(b)) for b in biases])
        report["critical_line_seconds"][chosen.name] = {"seconds": elapsed, "values": len(biases),
                                                        "goal_seconds": GOALS["critical line"],
                                                        "meets_goal": elapsed < GOALS["critical line"]}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
