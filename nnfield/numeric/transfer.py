"""The chain of O(D) weights along the layers, solved exactly by its transfer operator.

The chain energy is

.. math:: H = \\sum_l \\Big[\\frac J2 |w_{l+1} - w_l|^2 + V(|w_l|)\\Big], \\qquad w_l \\in \\mathbb R^D,

at temperature T. The bond weight factorises into radial and angular parts,
:math:`e^{-J|w-w'|^2/2T} = e^{-J(r^2+r'^2)/2T} e^{\\kappa\\, n\\cdot n'}` with :math:`\\kappa = J r r'/T`, and
the angular kernel is diagonal in spherical harmonics of degree :math:`\\ell` with eigenvalue

.. math:: A_\\ell(\\kappa) = (2\\pi)^{D/2} \\kappa^{-\\nu} I_{\\ell+\\nu}(\\kappa), \\qquad \\nu = D/2 - 1

(for D = 1 this is :math:`2\\cosh\\kappa` and :math:`2\\sinh\\kappa`). Each channel is then a symmetric
radial kernel, discretised by Gauss-Legendre quadrature. With :math:`\\Lambda_0` the top eigenvalue of
channel 0 (eigenvector :math:`\\psi_0`) and :math:`\\Lambda_{1k}, \\psi_{1k}` those of channel 1,

.. math:: \\langle w_0\\cdot w_l\\rangle = \\sum_k c_k^2 (\\Lambda_{1k}/\\Lambda_0)^{|l|}, \\quad c_k = \\langle\\psi_0|r|\\psi_{1k}\\rangle,
          \\qquad \\xi = 1/\\ln(\\Lambda_0/\\Lambda_{10}).

There is no phase transition at any T > 0: :math:`\\Lambda_0` is simple (Perron-Frobenius), so
:math:`\\xi` is finite.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np
import scipy

from nnfield.numeric.parameters import positive_integer, positive_real
from nnfield.numeric.threads import one_blas_thread

__all__ = ["ChainTransfer", "o_chain_transfer", "RING_LENGTHS_PER_XI"]

#: The shortest ring, in correlation lengths, for which :meth:`ChainTransfer.correlation` keeps channels 0 and 1
#: only (the neglected terms are of relative order :math:`D e^{-L/\\xi}`, below 1e-2 from here on).
RING_LENGTHS_PER_XI = 6


@dataclass(frozen=True)
class ChainTransfer:
    """The transfer operator of an O(D) chain, in its two leading channels.

    Attributes
    ----------
    dimension : int
    radii : numpy.ndarray
        The quadrature nodes.
    top : float
        :math:`\\Lambda_0` (in units fixed by an arbitrary constant shift of the energy).
    ratios : numpy.ndarray
        :math:`\\Lambda_{1k}/\\Lambda_0`, descending.
    amplitudes : numpy.ndarray
        :math:`c_k^2`.
    mean_square : float
        :math:`\\langle |w_l|^2\\rangle`.
    radial_ratios : numpy.ndarray
        :math:`\\Lambda_{0k}/\\Lambda_0` for k >= 1, descending: the decay of correlations of the radii
        (rotation-invariant functions of the weights), channel 0's excited states.
    """

    dimension: int
    radii: np.ndarray
    top: float
    ratios: np.ndarray
    amplitudes: np.ndarray
    mean_square: float
    radial_ratios: np.ndarray

    @property
    def correlation_length(self) -> float:
        """:math:`\\xi = -1/\\ln(\\Lambda_{10}/\\Lambda_0)`, in layers."""
        return float(-1 / np.log(self.ratios[0]))

    @property
    def radial_correlation_length(self) -> float:
        """:math:`\\xi_r = -1/\\ln(\\Lambda_{01}/\\Lambda_0)`: the decay length of the radii's correlations (sigma)."""
        return float(-1 / np.log(self.radial_ratios[0]))

    def correlation(self, lags, ring_length: int | None = None) -> np.ndarray:
        """:math:`\\langle w_0\\cdot w_l\\rangle` on the infinite chain, or on a ring of ``ring_length`` layers.

        On a ring the paths the other way round add :math:`(\\Lambda_{1k}/\\Lambda_0)^{L-l}` and the partition
        function gains :math:`D\\sum_k(\\Lambda_{1k}/\\Lambda_0)^L`; channels :math:`\\ell \\ge 2` enter at relative
        order :math:`e^{-L/\\xi}` times smaller factors and are left out, so a ring must be at least
        :data:`RING_LENGTHS_PER_XI` correlation lengths long (a ValueError otherwise).
        """
        lags = np.abs(np.asarray(lags))
        powers = self.ratios[:, None] ** lags[None, :]
        if ring_length is None:
            return self.amplitudes @ powers
        if ring_length < RING_LENGTHS_PER_XI * self.correlation_length:
            raise ValueError(f"a ring of {ring_length} layers is shorter than {RING_LENGTHS_PER_XI} correlation lengths "
                             f"({RING_LENGTHS_PER_XI} x {self.correlation_length:.3g}), where the two-channel ring formula "
                             "is not accurate; use a longer ring or the infinite chain (ring_length=None)")
        back = self.ratios[:, None] ** (ring_length - lags[None, :])
        partition = 1 + self.dimension * np.sum(self.ratios**ring_length)
        return self.amplitudes @ (powers + back) / partition

    def mean_field_square(self, ring_length: int) -> float:
        """:math:`\\langle |\\frac1L\\sum_l w_l|^2\\rangle` on a ring of L layers: :math:`\\frac1L\\sum_l\\langle w_0\\cdot w_l\\rangle`."""
        length = positive_integer("ring_length", ring_length, "the number of layers on the ring")
        return float(np.sum(self.correlation(np.arange(length), length)) / length)


def _angular_eigenvalue_log(channel: int, dimension: int, kappa: np.ndarray) -> np.ndarray:
    """:math:`\\ln A_\\ell(\\kappa) - \\kappa`, from the exponentially scaled Bessel function."""
    order = dimension / 2 - 1
    return (dimension / 2) * np.log(2 * np.pi) - order * np.log(kappa) + np.log(scipy.special.ive(channel + order, kappa))


@functools.lru_cache(maxsize=8)
def _gauss_legendre(points: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [-1, 1], computed once per number of points (read-only)."""
    nodes, weights = np.polynomial.legendre.leggauss(points)
    nodes.flags.writeable = weights.flags.writeable = False
    return nodes, weights


def _symmetric(upper: np.ndarray, rows: np.ndarray, columns: np.ndarray, size: int) -> np.ndarray:
    """The symmetric matrix whose upper triangle (``rows <= columns``) holds ``upper``."""
    matrix = np.empty((size, size))
    matrix[rows, columns] = upper
    matrix[columns, rows] = upper
    return matrix


def o_chain_transfer(radial_potential: Callable, dimension: int, coupling: float, temperature: float, *,
                     points: int = 320) -> ChainTransfer:
    """Solve the O(D) chain exactly in its channels 0 and 1.

    Parameters
    ----------
    radial_potential : callable
        ``V(r)`` for a numpy array of radii.
    dimension : int
        D, the number of weights at each layer.
    coupling : float
        J, the stiffness between neighbouring layers.
    temperature : float
    points : int
        Quadrature nodes on [0, R]; R is where V, beyond its minimum, exceeds that minimum by 60 T. (Aligned
        neighbours cost no bond energy at equal radii, so the radii gather at the minimum of V itself; a
        cut-off from :math:`V + J r^2/2`, whose minimum lies inside it, cuts the law off at low T.)

    Examples
    --------
    Gaussian weights (:math:`V = m^2 r^2/2`) make a Gaussian chain whose correlation decays as
    :math:`\\cosh(1/\\xi) = 1 + m^2/2J`:

    >>> chain = o_chain_transfer(lambda r: 0.5 * r**2, 2, 1.0, 0.3)
    >>> round(chain.correlation_length, 6), round(float(1 / np.arccosh(1 + 1.0 / 2)), 6)
    (1.039043, 1.039043)
    """
    dimension = positive_integer("dimension", dimension, "the number of weights at each layer")
    coupling = positive_real("coupling", coupling, "the stiffness J between neighbouring layers")
    temperature = positive_real("temperature", temperature, "T of the Boltzmann law")
    points = positive_integer("points", points, "the number of quadrature nodes")
    scan = np.linspace(1e-6, 1e3, 200_001)
    site = radial_potential(scan) + 0.0 * scan
    lowest = np.argmin(site)
    beyond = np.nonzero((site[lowest:] - site[lowest]) / temperature > 60)[0]
    if beyond.size == 0:
        raise ValueError("the potential does not confine the weights: V(r) must grow by 60 T within r < 1000")
    radius = scan[lowest + beyond[0]]
    nodes, weights = _gauss_legendre(points)
    radii = radius * (nodes + 1) / 2
    weights = radius * weights / 2
    potential = radial_potential(radii) + 0.0 * radii
    floor = potential.min()
    # The kernels are symmetric: their entries are computed on the upper triangle only (the Bessel functions
    # are most of the cost) and mirrored.
    rows, columns = np.triu_indices(points)
    first, second = radii[rows], radii[columns]
    kappa = coupling * (first * second) / temperature
    base = (-(potential[rows] + potential[columns] - 2 * floor) / 2 - coupling * (first - second) ** 2 / 2) / temperature
    measure = np.sqrt(weights[rows] * weights[columns]) * (first * second) ** ((dimension - 1) / 2)
    channels = []
    with one_blas_thread():
        for channel in (0, 1):
            kernel = measure * np.exp(base + _angular_eigenvalue_log(channel, dimension, kappa))
            values, vectors = np.linalg.eigh(_symmetric(kernel, rows, columns, points))
            channels.append((values[::-1], vectors[:, ::-1]))
    (values0, vectors0), (values1, vectors1) = channels
    ground = vectors0[:, 0]
    keep = values1 > values1[0] * 1e-14
    amplitudes = (ground * radii) @ vectors1[:, keep]
    return ChainTransfer(dimension, radii, float(values0[0]), values1[keep] / values0[0], amplitudes**2,
                         float(np.sum(ground**2 * radii**2)), values0[1:4] / values0[0])
