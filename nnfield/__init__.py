"""nnfield: field-theory derivations about random neural networks, carried out and checked.

The package has three parts:

- :mod:`nnfield.symbolic`: the engine, which knows no paper (lattice energies, saddles,
  Fourier kernels, continuum limits, Laplace expansions, claims);
- :mod:`nnfield.numeric`: the numeric boundary (compiled expressions, samplers of random
  networks, spectra, statistics, figures);
- :mod:`nnfield.derivations`: one module per paper, written with the engine.
"""

__version__ = "0.1.0"
