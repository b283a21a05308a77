"""Speed and memory of the samplers, measured in one run; prints one JSON object.

Run with ``make bench`` or ``.venv/bin/python benchmarks/samplers.py``. The figures that matter
are ratios measured in this run (dense against exact seconds per network), not absolute times.
"""

import json
import resource
import time

import numpy as np

from nnfield.derivations.schoenholz2017.checks import FIGURE4, TRANSIENT
from nnfield.derivations.schoenholz2017.linear import linear_ring
from nnfield.derivations.schoenholz2017.relu import relu_ring
from nnfield.derivations.schoenholz2017.relu_checks import FIGURE6
from nnfield.numeric.activations import RELU
from nnfield.numeric.samplers import (
    dense_network_observables,
    exact_network_observables,
    linear_norm_chain,
    relu_parts,
    relu_parts_chain,
)
from nnfield.numeric.spectra import bulk_window, mode_covariance_estimate, windowed_prediction


def seconds(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def figure4() -> None:
    """The whole Fig. 4 simulation and spectra (7 values of sigma_w^2, M = 200), as the audit does it."""
    derivation = linear_ring()
    norms = linear_norm_chain(FIGURE4["sigma_w2"], FIGURE4["sigma_b2"], FIGURE4["N"], FIGURE4["L"], FIGURE4["M"], rng=0)
    for value, sample in zip(FIGURE4["sigma_w2"], norms):
        r_star = derivation.predict(sigma_w2=value, sigma_b2=FIGURE4["sigma_b2"], N=FIGURE4["N"]).r_star
        mode_covariance_estimate(bulk_window(sample, TRANSIENT) - r_star)


def figure6() -> None:
    """The whole Fig. 6 simulation, spectra and windowed predictions (7 values of sigma_w^2, M = 200)."""
    derivation = relu_ring()
    fields = relu_parts_chain(FIGURE6["sigma_w2"], FIGURE6["sigma_b2"], FIGURE6["N"], FIGURE6["L"], FIGURE6["M"], rng=0)
    for value, sample in zip(FIGURE6["sigma_w2"], fields):
        prediction = derivation.predict(sigma_w2=value, sigma_b2=FIGURE6["sigma_b2"], N=FIGURE6["N"])
        centre = np.array([prediction.r_plus_star, prediction.r_minus_star, prediction.k_star])
        mode_covariance_estimate(bulk_window(np.moveaxis(sample, -1, 1), TRANSIENT).transpose(0, 2, 1) - centre)
        windowed_prediction(prediction.mode_covariance, FIGURE6["L"] - TRANSIENT)


def main() -> dict:
    rng = np.random.default_rng(0)
    width, depth, dense_networks, exact_networks = 200, 1024, 3, 200
    dense = seconds(lambda: dense_network_observables(0.5, 0.01, width, depth, dense_networks, rng=rng)) / dense_networks
    exact = seconds(lambda: exact_network_observables(0.5, 0.01, width, depth, exact_networks, rng=rng)) / exact_networks
    chain = seconds(lambda: linear_norm_chain(0.5, 0.01, width, depth, exact_networks, rng=rng)) / exact_networks
    relu_dense = seconds(lambda: dense_network_observables(1.0, 0.01, width, depth, dense_networks, phi=RELU,
                                                     observe=relu_parts, rng=rng)) / dense_networks
    relu_chain = seconds(lambda: relu_parts_chain(1.0, 0.01, width, depth, exact_networks, rng=rng)) / exact_networks
    linear_ring(), relu_ring()  # derive once, outside the timed figures
    return {
        "N": width,
        "L": depth,
        "dense_seconds_per_network": dense,
        "exact_seconds_per_network": exact,
        "chain_seconds_per_network": chain,
        "dense_over_exact": dense / exact,
        "dense_over_chain": dense / chain,
        "figure4_seconds_chain": seconds(figure4),
        "relu_dense_seconds_per_network": relu_dense,
        "relu_chain_seconds_per_network": relu_chain,
        "relu_dense_over_chain": relu_dense / relu_chain,
        "figure6_seconds_chain": seconds(figure6),
        "peak_memory_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
