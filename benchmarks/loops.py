"""Cost of the one-loop (order 1/N) predictions of the rings, measured in one run; prints one JSON object.

Run with ``make bench`` or ``.venv/bin/python benchmarks/loops.py``. The goals (issue 12, point 5):
``predict(..., order=1)`` under 10 ms a parameter point once derived, and the one-loop derivation of a
ring at most twice its Gaussian derivation (``loop_over_gaussian`` <= 2), both measured here; and the cost of
the tree-level cumulants of the linear ring's modes.
"""

import json
import time

import numpy as np

from nnfield.derivations.schoenholz2017 import linear, one_loop, relu


def seconds(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def per_call_ms(function, calls=50):
    function()  # compile and cache first
    return 1e3 * seconds(lambda: [function() for _ in range(calls)]) / calls


def ring(name, gaussian, models, loop, evaluator, predict_arguments):
    for cached in (gaussian, models, loop, evaluator):
        cached.cache_clear()
    gaussian_seconds = seconds(gaussian)
    loop_seconds = seconds(loop)
    derivation = gaussian()
    return {
        f"{name}_gaussian_derivation_s": round(gaussian_seconds, 2),
        f"{name}_one_loop_derivation_s": round(loop_seconds, 2),
        f"{name}_loop_over_gaussian": round(loop_seconds / gaussian_seconds, 2),
        f"{name}_predict_order1_ms": round(per_call_ms(lambda: derivation.predict(**predict_arguments, order=1)), 2),
        f"{name}_predict_order0_ms": round(per_call_ms(lambda: derivation.predict(**predict_arguments)), 2),
    }


def tree_cumulants():
    """The linear ring's tree-level three- and four-point functions: derivation (after the one-loop vertices) and
    the skewness and excess kurtosis of the 255 modes of a 512-layer window at one parameter point."""
    one_loop.linear_tree_cumulants.cache_clear()
    one_loop.linear_cumulant_evaluator.cache_clear()
    derivation_seconds = seconds(lambda: one_loop.linear_cumulants(sigma_w2=0.5, sigma_b2=0.01, N=16))

    def modes():
        return one_loop.linear_cumulants(sigma_w2=0.5, sigma_b2=0.01, N=16).ring_modes(np.arange(1, 256), 512)

    return {"linear_tree_cumulants_derivation_s": round(derivation_seconds, 2),
            "linear_mode_shapes_ms": round(per_call_ms(modes), 2)}


def main():
    figures = {}
    figures.update(ring("linear", linear.linear_ring, linear.norm_model, one_loop.linear_one_loop,
                        one_loop.linear_evaluator, dict(sigma_w2=0.5, sigma_b2=0.01, N=16)))
    figures.update(tree_cumulants())
    figures.update(ring("relu", relu.relu_ring, relu.orthant_model, one_loop.relu_one_loop,
                        one_loop.relu_evaluator, dict(sigma_w2=1.0, sigma_b2=0.01, N=16)))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
