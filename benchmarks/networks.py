"""The cost of taking the activation from its Activation object in the networks' forward pass and Hessian.

Prints JSON: seconds per call of the compiled activation (overflow-guarded) and of the bare NumPy function on
the pre-activations of a li2019-sized batch, their ratio, and the seconds of one exact Hessian of a depth-3,
width-16 network on 32 examples (the li2019 checks' largest case), all measured in this one run.
"""

import json
import time

import numpy as np

from nnfield.numeric.activations import RELU, TANH
from nnfield.numeric.networks import Network, gaussian_clouds, hessian


def seconds(function, repeats=200):
    function()
    start = time.perf_counter()
    for _ in range(repeats):
        function()
    return (time.perf_counter() - start) / repeats


def main():
    z = np.random.default_rng(0).standard_normal((32, 16))
    result = {}
    for activation, bare in ((RELU, lambda v: np.maximum(v, 0.0)), (TANH, np.tanh)):
        compiled = seconds(lambda: activation.function(z))
        plain = seconds(lambda: bare(z))
        result[activation.name] = {"activation_seconds": compiled, "numpy_seconds": plain, "ratio": compiled / plain}
    network = Network((8, 16, 16), "relu", "hinge")
    data = gaussian_clouds(32, 8, rng=1)
    theta = network.initial_parameters(rng=2)
    result["hessian_seconds_depth3_width16"] = seconds(lambda: hessian(network, theta, data), repeats=5)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
