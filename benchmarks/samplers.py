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
from nnfield.numeric.samplers import dense_network_norms, exact_network_norms, linear_norm_chain
from nnfield.numeric.spectra import bulk_window, mode_covariance_estimate


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


def main() -> dict:
    rng = np.random.default_rng(0)
    width, depth, dense_networks, exact_networks = 200, 1024, 3, 200
    dense = seconds(lambda: dense_network_norms(0.5, 0.01, width, depth, dense_networks, rng=rng)) / dense_networks
    exact = seconds(lambda: exact_network_norms(0.5, 0.01, width, depth, exact_networks, rng=rng)) / exact_networks
    chain = seconds(lambda: linear_norm_chain(0.5, 0.01, width, depth, exact_networks, rng=rng)) / exact_networks
    linear_ring()  # derive once, outside the timed figure
    return {
        "N": width,
        "L": depth,
        "dense_seconds_per_network": dense,
        "exact_seconds_per_network": exact,
        "chain_seconds_per_network": chain,
        "dense_over_exact": dense / exact,
        "dense_over_chain": dense / chain,
        "figure4_seconds_chain": seconds(figure4),
        "peak_memory_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
