"""The vector Dyson equation of a random block matrix, its density of states, and a sampler of such matrices.

A real symmetric ``N x N`` matrix ``H = A + X`` is cut into K blocks of sizes ``N_1..N_K``; the
entries of ``X`` are independent (up to symmetry) and centred, with variance ``s_bc`` when the row
lies in block b and the column in block c (a Wigner-type matrix with a block-constant variance
profile). The mean ``A = diag(a_b 1_{N_b}) + sum_bc alpha_bc 1_b 1_c^T`` holds a diagonal shift
``a_b`` per block and a block-constant mean ``alpha_bc`` of the entries.

The matrix Dyson equation (Ajanki, Erdos, Kruger) for the resolvent's deterministic equivalent
``M(z) ~ (H - z)^{-1}`` is ``-M^{-1} = z - A + S[M]`` with ``S[M] = diag(sum_k s_ik M_kk)``.
Every diagonal entry of M in block b is the same, ``m_b``; with
``d_b = z - a_b + sum_c s_bc N_c m_c`` and ``Lambda = diag(N_c / d_c)`` (Woodbury identity),

.. math::  m_b = -\\frac{1}{d_b} - \\frac{1}{d_b^2}\\big[(I - \\alpha\\Lambda)^{-1}\\alpha\\big]_{bb},

which for ``alpha = 0`` is the vector Dyson equation ``-1/m_b = z - a_b + sum_c s_bc N_c m_c``.
The density of states is ``rho(E) = lim_{eta -> 0} (1/(pi N)) sum_b N_b Im m_b(E + i eta)``.

Symmetry: with ``A = 0``, if ``m(z)`` solves the equation so does ``-conj(m(-conj z))``; the solution
in the upper half plane is unique, so ``rho(E) = rho(-E)`` for every variance profile. A diagonal
shift moves and deforms the bulk; a block-constant mean (rank at most K) leaves the bulk in place and
pulls at most K outliers out of it. Either breaks the symmetry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy

from nnfield.numeric.parameters import positive_integer, positive_real
from nnfield.numeric.samplers import as_generator

__all__ = [
    "BlockProfile",
    "DensityOfStates",
    "DysonSolution",
    "SpectrumComparison",
    "compare_spectrum",
    "dyson_density",
    "estimate_profile",
    "sample_block_matrix",
    "solve_dyson",
]


def _square(name, value, count, meaning) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    if array.shape != (count, count):
        raise ValueError(f"{name} must be a {count} x {count} array ({meaning}); got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite ({meaning})")
    if not np.allclose(array, array.T, rtol=1e-12, atol=0.0):
        raise ValueError(f"{name} must be symmetric ({meaning}): the matrix H is symmetric")
    return (array + array.T) / 2


@dataclass(frozen=True)
class BlockProfile:
    """Block sizes, entrywise variances and means of a random symmetric block matrix.

    Attributes
    ----------
    sizes : tuple of int
        ``N_1 .. N_K``.
    variances : ndarray, shape (K, K)
        ``s_bc``: the variance of each entry in block (b, c); symmetric, non-negative.
    means : ndarray, shape (K, K)
        ``alpha_bc``: the mean of each entry in block (b, c); symmetric (default zero).
    shifts : ndarray, shape (K,)
        ``a_b``: added to the diagonal entries of block b (default zero).

    Examples
    --------
    >>> profile = BlockProfile((3, 2), [[0.0, 1.0], [1.0, 0.0]])
    >>> profile.dimension, profile.means.tolist(), profile.is_centred
    (5, [[0.0, 0.0], [0.0, 0.0]], True)
    >>> BlockProfile((3, 2), [[0.0, -1.0], [-1.0, 0.0]])
    Traceback (most recent call last):
    ...
    ValueError: variances must be non-negative; got smallest -1.0
    """

    sizes: tuple[int, ...]
    variances: np.ndarray
    means: np.ndarray | None = None
    shifts: np.ndarray | None = None

    def __post_init__(self):
        if isinstance(self.sizes, (str, bytes)) or not hasattr(self.sizes, "__iter__"):
            raise TypeError(f"sizes must be a sequence of positive integers (the block sizes); got {self.sizes!r}")
        sizes = tuple(positive_integer(f"sizes[{index}]", size, "a block size") for index, size in enumerate(self.sizes))
        if not sizes:
            raise ValueError("sizes must name at least one block; got an empty sequence")
        count = len(sizes)
        variances = _square("variances", self.variances, count, "entrywise variances s_bc")
        if variances.min() < 0:
            raise ValueError(f"variances must be non-negative; got smallest {variances.min()}")
        means = np.zeros((count, count)) if self.means is None else _square(
            "means", self.means, count, "entrywise means alpha_bc")
        shifts = np.zeros(count) if self.shifts is None else np.asarray(self.shifts, dtype=float)
        if shifts.shape != (count,) or not np.all(np.isfinite(shifts)):
            raise ValueError(f"shifts must be {count} finite numbers (one diagonal shift a_b per block); "
                             f"got {self.shifts!r}")
        object.__setattr__(self, "sizes", sizes)
        object.__setattr__(self, "variances", variances)
        object.__setattr__(self, "means", means)
        object.__setattr__(self, "shifts", shifts)

    @property
    def dimension(self) -> int:
        """N, the size of the matrix."""
        return sum(self.sizes)

    @property
    def is_centred(self) -> bool:
        """Whether ``A = 0``: then the density is symmetric about zero."""
        return not (np.any(self.means) or np.any(self.shifts))

    @property
    def coupling(self) -> np.ndarray:
        """``S_bc = s_bc N_c``: the matrix of the vector Dyson equation."""
        return self.variances * np.asarray(self.sizes, dtype=float)[None, :]

    @property
    def scale(self) -> float:
        """A bound on the spectral radius: ``2 sqrt(max_b sum_c S_bc) + |A|`` (with ``|A|`` bounded by its row sums)."""
        sizes = np.asarray(self.sizes, dtype=float)
        mean_norm = np.abs(self.shifts).max() + (np.abs(self.means) * sizes[None, :]).sum(axis=1).max()
        return 2 * math.sqrt(self.coupling.sum(axis=1).max()) + mean_norm


def _dyson_map(profile: BlockProfile, z: np.ndarray, m: np.ndarray) -> np.ndarray:
    d = z[:, None] - profile.shifts[None, :] + m @ profile.coupling.T
    if not np.any(profile.means):
        return -1.0 / d
    count = len(profile.sizes)
    spread = np.asarray(profile.sizes, dtype=float)[None, :] / d  # Lambda, (E, K)
    system = np.eye(count)[None] - profile.means[None] * spread[:, None, :]
    correction = np.linalg.solve(system, np.broadcast_to(profile.means, system.shape))
    return -1.0 / d - np.diagonal(correction, axis1=1, axis2=2) / d**2


@dataclass(frozen=True)
class DysonSolution:
    """``m_b(z)`` for every spectral parameter z (shape ``(len(z), K)``) and whether the iteration converged."""

    z: np.ndarray
    m: np.ndarray
    iterations: int
    converged: bool


def solve_dyson(profile: BlockProfile, z, *, damping: float = 0.5, tolerance: float = 1e-11,
                max_iterations: int = 20000) -> DysonSolution:
    """Solve the (vector or matrix) Dyson equation at every ``z`` (``Im z > 0``) by damped fixed-point iteration.

    ``m <- (1 - damping) m + damping F(m)`` from ``m = i``: F maps the upper half plane into itself
    and the damped map is a contraction there (Helton, Rashidi Far, Speicher), so the iteration
    finds the unique solution with ``Im m_b > 0``; it is slow only for ``Im z`` much smaller than
    the spectral scale.

    Examples
    --------
    One block of N entries of variance s: the semicircle's Stieltjes transform
    ``m = (-z + sqrt(z^2 - 4 s N)) / (2 s N)``.

    >>> solution = solve_dyson(BlockProfile((100,), [[0.01]]), [0.5 + 1j])
    >>> z = 0.5 + 1j
    >>> bool(abs(solution.m[0, 0] - (-z + np.sqrt(z * z - 4)) / 2) < 1e-9)
    True
    """
    z = np.atleast_1d(np.asarray(z, dtype=complex))
    if z.ndim != 1 or not np.all(z.imag > 0):
        raise ValueError("z must be a number or a 1-D array of numbers with Im z > 0 (the upper half plane)")
    if not 0 < damping <= 1:
        raise ValueError(f"damping must be in (0, 1]; got {damping!r}")
    positive_real("tolerance", tolerance, "the largest change of m at convergence")
    max_iterations = positive_integer("max_iterations", max_iterations, "the iteration budget")
    m = np.full((z.size, len(profile.sizes)), 1j)
    for iteration in range(1, max_iterations + 1):
        updated = (1 - damping) * m + damping * _dyson_map(profile, z, m)
        change = np.abs(updated - m).max()
        m = updated
        if change < tolerance * max(1.0, np.abs(m).max()):
            return DysonSolution(z, m, iteration, True)
    return DysonSolution(z, m, max_iterations, False)


@dataclass(frozen=True)
class DensityOfStates:
    """The density ``rho(E) = (1/(pi N)) sum_b N_b Im m_b(E + i eta)`` on a grid, smoothed by a Cauchy kernel of width eta.

    Attributes
    ----------
    energies : ndarray
        An increasing, evenly spaced grid.
    density : ndarray
    block_densities : ndarray, shape (len(energies), K)
        ``Im m_b / pi``: the share of block b (each normalised to one).
    eta : float
    converged : bool
    """

    energies: np.ndarray
    density: np.ndarray
    block_densities: np.ndarray
    eta: float
    converged: bool

    @property
    def cumulative(self) -> np.ndarray:
        """The distribution function on the grid, by the trapezoid rule, normalised to end at one."""
        steps = (self.density[1:] + self.density[:-1]) / 2 * np.diff(self.energies)
        cumulative = np.concatenate([[0.0], np.cumsum(steps)])
        return cumulative / cumulative[-1]

    def asymmetry(self) -> float:
        """``(1/2) int |rho(E) - rho(-E)| dE``: the total-variation distance between the density and its mirror image.

        Zero for a symmetric density, at most one. Needs a grid symmetric about zero.
        """
        if not np.allclose(self.energies, -self.energies[::-1], atol=1e-9 * np.abs(self.energies).max()):
            raise ValueError("asymmetry needs an energy grid symmetric about zero, e.g. numpy.linspace(-E, E, n)")
        difference = np.abs(self.density - self.density[::-1])
        return float(np.sum((difference[1:] + difference[:-1]) / 2 * np.diff(self.energies)) / 2)


def dyson_density(profile: BlockProfile, energies, *, eta: float | None = None, **solver) -> DensityOfStates:
    """The density of states of ``profile`` on the grid ``energies`` (default ``eta``: twice the grid spacing).

    Examples
    --------
    A bipartite profile (zero diagonal blocks) with equal blocks gives a symmetric density:

    >>> profile = BlockProfile((50, 50), [[0.0, 0.02], [0.02, 0.0]])
    >>> density = dyson_density(profile, np.linspace(-3, 3, 301))
    >>> density.converged, round(density.asymmetry(), 6)
    (True, 0.0)
    """
    energies = np.asarray(energies, dtype=float)
    if energies.ndim != 1 or energies.size < 3 or not np.all(np.diff(energies) > 0):
        raise ValueError("energies must be an increasing 1-D grid of at least 3 points")
    spacing = float(np.diff(energies).max())
    eta = 2 * spacing if eta is None else positive_real("eta", eta, "the imaginary part of z")
    solution = solve_dyson(profile, energies + 1j * eta, **solver)
    sizes = np.asarray(profile.sizes, dtype=float)
    blocks = solution.m.imag / math.pi
    return DensityOfStates(energies, blocks @ sizes / sizes.sum(), blocks, eta, solution.converged)


def sample_block_matrix(profile: BlockProfile, rng=None) -> np.ndarray:
    """One matrix ``H = A + X`` with the profile's block means and shifts and independent Gaussian entries.

    Examples
    --------
    >>> matrix = sample_block_matrix(BlockProfile((2, 3), [[0.0, 1.0], [1.0, 0.0]]), rng=0)
    >>> matrix.shape, bool(np.all(matrix[:2, :2] == 0)), bool(np.allclose(matrix, matrix.T))
    ((5, 5), True, True)
    """
    generator = as_generator(rng)
    labels = np.repeat(np.arange(len(profile.sizes)), profile.sizes)
    deviation = np.sqrt(profile.variances[labels[:, None], labels[None, :]])
    noise = np.triu(generator.standard_normal((labels.size, labels.size)) * deviation)
    matrix = noise + np.triu(noise, 1).T
    return matrix + profile.means[labels[:, None], labels[None, :]] + np.diag(profile.shifts[labels])


def estimate_profile(matrix, sizes) -> BlockProfile:
    """The block means and (centred) variances of a given symmetric matrix, e.g. a network's Hessian by layers.

    Examples
    --------
    >>> profile = estimate_profile(np.array([[0.0, 2.0, 4.0], [2.0, 0.0, 0.0], [4.0, 0.0, 0.0]]), (1, 2))
    >>> profile.means.tolist(), profile.variances.tolist()
    ([[0.0, 3.0], [3.0, 0.0]], [[0.0, 1.0], [1.0, 0.0]])
    """
    matrix = np.asarray(matrix, dtype=float)
    edges = np.concatenate([[0], np.cumsum(sizes)])
    if matrix.ndim != 2 or matrix.shape != (edges[-1], edges[-1]):
        raise ValueError(f"matrix must be square of size sum(sizes) = {edges[-1]}; got shape {matrix.shape}")
    count = len(sizes)
    means, variances = np.zeros((count, count)), np.zeros((count, count))
    for b in range(count):
        for c in range(count):
            block = matrix[edges[b]:edges[b + 1], edges[c]:edges[c + 1]]
            means[b, c], variances[b, c] = block.mean(), block.var()
    return BlockProfile(tuple(sizes), variances, means)


@dataclass(frozen=True)
class SpectrumComparison:
    """Eigenvalues against a density of states.

    Attributes
    ----------
    statistic : float
        ``sup_E |F_n(E) - F(E)|``, with the empirical distribution function ``F_n`` smoothed by the
        same Cauchy kernel (width eta) as the density, so that atoms and edges are compared alike.
    p_value : float
        From the Kolmogorov distribution for ``count`` independent points. Smoothing both sides by one
        kernel cannot increase the distance between distribution functions, and eigenvalues are more
        regular than independent points, so the p-value is conservative (too large) for a true density
        (up to the Cauchy mass outside the grid, of order eta over the grid's width).
    count : int
    """

    statistic: float
    p_value: float
    count: int


def compare_spectrum(eigenvalues, density: DensityOfStates) -> SpectrumComparison:
    """Kolmogorov-Smirnov distance between eigenvalues and a density of states, both smoothed by its eta.

    Examples
    --------
    >>> profile = BlockProfile((400,), [[1 / 400]])
    >>> density = dyson_density(profile, np.linspace(-4, 4, 801))
    >>> eigenvalues = np.linalg.eigvalsh(sample_block_matrix(profile, rng=0))
    >>> compare_spectrum(eigenvalues, density).p_value > 1e-3
    True
    >>> compare_spectrum(1.5 * eigenvalues, density).p_value < 1e-3
    True
    """
    eigenvalues = np.asarray(eigenvalues, dtype=float).ravel()
    if eigenvalues.size < 1 or not np.all(np.isfinite(eigenvalues)):
        raise ValueError("eigenvalues must be a non-empty array of finite numbers")
    grid = density.energies
    if eigenvalues.min() < grid[0] or eigenvalues.max() > grid[-1]:
        raise ValueError(f"the density's grid [{grid[0]:.3g}, {grid[-1]:.3g}] must cover every eigenvalue "
                         f"[{eigenvalues.min():.3g}, {eigenvalues.max():.3g}]; widen the energies")
    smoothed = np.empty_like(grid)
    for start in range(0, grid.size, 256):  # F_n * Cauchy, in slices to bound memory
        part = grid[start:start + 256]
        smoothed[start:start + 256] = (0.5 + np.arctan((part[:, None] - eigenvalues[None, :]) / density.eta)
                                       / math.pi).mean(axis=1)
    # The density's grid holds the Cauchy mass between its ends; express both on that window.
    smoothed = (smoothed - smoothed[0]) / (smoothed[-1] - smoothed[0])
    statistic = float(np.abs(smoothed - density.cumulative).max())
    return SpectrumComparison(statistic, float(scipy.stats.kstwo.sf(statistic, eigenvalues.size)), eigenvalues.size)
