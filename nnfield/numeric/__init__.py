"""The numeric side: compiled expressions, samplers of random networks, spectra, statistics, figures.

- :mod:`~nnfield.numeric.compile`: the one boundary from SymPy to numbers (``lambdify`` with ``cse``);
- :mod:`~nnfield.numeric.activations`: one object per activation (expression, compiled function and
  derivatives, one- and two-input Gaussian averages in closed form or by quadrature);
- :mod:`~nnfield.numeric.meanfield`: the mean-field maps of one and two inputs (q*, chi_1, c*, chi_c,
  the depth scales, the NTK recursion) and the order-to-chaos line;
- :mod:`~nnfield.numeric.samplers`: dense, exact and norm-chain samplers of random networks;
- :mod:`~nnfield.numeric.spectra`: transient cut, FFT, mode covariance with error bars, and the
  finite-window expectation of a predicted spectrum;
- :mod:`~nnfield.numeric.statistics`: two-sample tests, chi-square comparisons with p-values, and the
  exponential approach to a limit with jackknife errors;
- :mod:`~nnfield.numeric.phase`: the correlation of two inputs through the exact sampler, c* and xi_c
  measured, and phase-diagram figures;
- :mod:`~nnfield.numeric.evidence`: what a check reports to the audit;
- :mod:`~nnfield.numeric.plots`: figures saved atomically as PNG;
- :mod:`~nnfield.numeric.langevin`: gradient descent with Gaussian gradient noise (Langevin at T = eta s^2/2);
- :mod:`~nnfield.numeric.boltzmann`: exact Boltzmann moments of an isotropic multiplet (mpmath quadrature);
- :mod:`~nnfield.numeric.transfer`: the chain of O(D) weights solved by its transfer operator;
- :mod:`~nnfield.numeric.chain_monte_carlo`: the same chain by checkerboard Metropolis;
- :mod:`~nnfield.numeric.networks`: the one forward pass; bias-free networks, exact gradients and Hessians, gradient descent;
- :mod:`~nnfield.numeric.dyson`: the vector Dyson equation and random block matrices;
- :mod:`~nnfield.numeric.finite_width`: the kernel and fourth cumulant of deep networks to first order
  in 1/width, and the exact law of piecewise-linear networks.
- :mod:`~nnfield.numeric.one_loop`: one-loop corrections of a lattice model at numeric parameters.
"""

import importlib

#: Where each name of the package's namespace is defined. The modules are imported on first use (PEP 562), so that
#: ``import nnfield.numeric.parameters`` or the report does not load SciPy and the samplers.
_DEFINED_IN = {
    "CompiledExpression": "compile", "compile_expression": "compile", "compile_matrix": "compile",
    "Check": "evidence", "Evidence": "evidence",
    "as_generator": "samplers", "dense_network_observables": "samplers", "exact_network_observables": "samplers",
    "linear_norm_chain": "samplers",
    "ModeCovarianceEstimate": "spectra", "bulk_window": "spectra", "mode_covariance_estimate": "spectra",
    "windowed_prediction": "spectra",
    "compare_with_prediction": "statistics", "two_sample_test": "statistics",
}

__all__ = sorted(_DEFINED_IN)


def __getattr__(name: str):
    if name in _DEFINED_IN:
        return getattr(importlib.import_module(f"nnfield.numeric.{_DEFINED_IN[name]}"), name)
    raise AttributeError(f"module 'nnfield.numeric' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
