"""The mean-field maps of a random network (Poole et al. 2016; Schoenholz et al. 2016), for any activation.

Networks have :math:`z^l = W^l \\phi(z^{l-1}) + b^l` with :math:`W_{ij} \\sim N(0, \\sigma_w^2/N)`,
:math:`b_i \\sim N(0, \\sigma_b^2)`. Replacing sums over units by Gaussian averages gives, for one input,
the map of the per-unit variance

.. math:: q_l = F(q_{l-1}) = \\sigma_w^2\\, E_{z\\sim N(0,1)}\\big[\\phi(\\sqrt{q_{l-1}}\\, z)^2\\big] + \\sigma_b^2,

its fixed point :math:`q^* = F(q^*)`, the slope :math:`\\chi_1 = \\sigma_w^2 E[\\phi'(\\sqrt{q^*} z)^2]` and
the depth scale :math:`\\xi_q = -1/\\ln F'(q^*)`; for two inputs of variance :math:`q^*` and correlation
c, the correlation map

.. math:: c' = \\frac{\\sigma_w^2 E[\\phi(u)\\phi(v)] + \\sigma_b^2}{q^*},\\qquad
          (u, v) \\sim N\\Big(0, q^*\\begin{pmatrix}1 & c\\\\ c & 1\\end{pmatrix}\\Big),

its stable fixed point :math:`c^*` (1 in the ordered phase :math:`\\chi_1 < 1`), its slope there
:math:`\\chi_c = \\sigma_w^2 E[\\phi'(u)\\phi'(v)]` and the correlation depth scale
:math:`\\xi_c = -1/\\ln \\chi_c`; and the neural tangent kernel recursion. The order-to-chaos line
:math:`\\chi_1 = 1` is :func:`critical_sigma_w2`.

The Gaussian averages come from the :class:`~nnfield.numeric.activations.Activation`: closed forms
where SymPy finds them, quadrature otherwise; :attr:`MeanField.method` says which.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import sympy as sp
import scipy

from nnfield.numeric.activations import Activation, InfiniteAverageError, as_activation
from nnfield.numeric.parameters import non_negative_real, positive_integer, positive_real

__all__ = ["MeanField", "TangentKernel", "critical_sigma_w2", "mean_field"]

_LARGEST_VARIANCE = 1e15  # beyond this the variance map is declared divergent
_SMALLEST_VARIANCE = 1e-12  # the scan for a fixed point away from q = 0 starts here
_MARGINAL = 1e-12  # |F(q) - q| <= this * q everywhere: every q is a fixed point
_CLOSEST_CORRELATION = 1e-8  # 1 - c* below this is reported as c* = 1


@dataclass(frozen=True)
class TangentKernel:
    """The layer-by-layer kernel and neural tangent kernel of one or two inputs.

    Attributes
    ----------
    kernel : numpy.ndarray
        :math:`K^l`, shape ``(layers,)`` for one input or ``(layers, 2, 2)`` for two.
    tangent : numpy.ndarray
        :math:`\\Theta^l`, same shape.
    """

    kernel: np.ndarray
    tangent: np.ndarray


@dataclass(frozen=True)
class MeanField:
    """The mean-field maps of an activation at given variances.

    Attributes
    ----------
    activation : Activation
    sigma_w2, sigma_b2 : float

    Examples
    --------
    erf networks deep in the chaotic phase: the variance settles at :math:`q^*`, correlations at :math:`c^* < 1`.

    >>> from nnfield.numeric.activations import ERF
    >>> field = mean_field(ERF, sigma_w2=3.0, sigma_b2=0.05)
    >>> round(field.fixed_point(), 6), round(field.variance_map(field.fixed_point()), 6)
    (1.75274, 1.75274)
    >>> round(field.chi_1(), 6), round(field.depth_scale(), 4), round(field.correlation_depth_scale(), 4)
    (1.34955, 0.8295, 6.4975)
    >>> [round(value, 6) for value in field.covariance_map(1.0, 0.5, 2.0)]
    [1.443677, 0.548774, 1.821003]
    """

    activation: Activation
    sigma_w2: float
    sigma_b2: float

    @property
    def method(self) -> str:
        """How :math:`E[\\phi^2]` is computed: ``"closed form..."`` or the quadrature used."""
        return self.activation.second_moment.method

    @property
    def expectation(self) -> sp.Expr | None:
        """:math:`E[\\phi(\\sqrt q z)^2]` as a function of ``q`` when found in closed form."""
        return self.activation.second_moment.expression

    # -- one input ----------------------------------------------------------------------------

    def variance_map(self, q):
        """:math:`F(q) = \\sigma_w^2 E[\\phi(\\sqrt q z)^2] + \\sigma_b^2`."""
        return self.sigma_w2 * self.activation.second_moment(q) + self.sigma_b2

    def trajectory(self, q_first: float, layers: int) -> np.ndarray:
        """:math:`q_0, \\dots, q_{L-1}` with :math:`q_{l} = F(q_{l-1})`, from the first layer's variance ``q_first``.

        A raw input x feeds the first layer, so :math:`q_0 = \\sigma_w^2 |x|^2/N + \\sigma_b^2`.
        """
        values, q = [q_first], q_first
        for _ in range(layers - 1):
            q = self.variance_map(q)
            values.append(q)
        return np.array(values)

    @property
    def marginal(self) -> bool:
        """Whether every :math:`q \\ge 0` is a fixed point (ReLU at :math:`\\sigma_w^2 = 2, \\sigma_b^2 = 0`)."""
        return self._solution[0] == "marginal"

    @property
    def divergent(self) -> bool:
        """Whether the variance grows without bound: no fixed point (ReLU at :math:`\\sigma_w^2 \\ge 2, \\sigma_b^2 > 0`)."""
        return self._solution[0] == "divergent"

    def fixed_point(self) -> float:
        """:math:`q^*`: the fixed point that the map reaches from small :math:`q_0`.

        Found by bracketing :math:`F(q) - q`: from :math:`F(0)` upwards when :math:`F(0) > 0`; when
        :math:`F(0) = 0` (no bias and :math:`\\phi(0) = 0`), q = 0 is a fixed point, and it is
        :math:`q^*` unless :math:`F(q) > q` just above it, in which case :math:`q^*` is the first
        crossing above. Raises ``ValueError`` when the map diverges (:math:`F(q) > q` up to
        :math:`10^{15}`, see :attr:`divergent`) or is marginal (every q a fixed point, see
        :attr:`marginal`; pass ``q=`` to the other methods instead).

        Examples
        --------
        >>> from nnfield.numeric.activations import RELU
        >>> mean_field(RELU, sigma_w2=2.0, sigma_b2=0.01).fixed_point()
        Traceback (most recent call last):
        ...
        ValueError: the variance map has no fixed point at sigma_w2=2.0, sigma_b2=0.01: F(q) > q for all q up to 1e+15, so the variance grows without bound with depth (for the ReLU: sigma_w2 >= 2 with sigma_b2 > 0)
        """
        kind, value = self._solution
        if kind == "marginal":
            raise ValueError(f"every q is a fixed point of the variance map at sigma_w2={self.sigma_w2}, "
                             f"sigma_b2={self.sigma_b2} (F(q) = q: the variance is conserved with depth); "
                             "pass the input's q to chi_1(q=...), c_star(q=...) and the others")
        if kind == "divergent":
            raise ValueError(value)
        return value

    @functools.cached_property
    def _solution(self) -> tuple[str, float | str | None]:
        """``("fixed", q*)``, ``("marginal", None)`` or ``("divergent", reason)``."""
        divergent = (f"the variance map has no fixed point at sigma_w2={self.sigma_w2}, sigma_b2={self.sigma_b2}: "
                     f"F(q) > q for all q up to {_LARGEST_VARIANCE:g}, so the variance grows without bound "
                     "with depth (for the ReLU: sigma_w2 >= 2 with sigma_b2 > 0)")
        gap = lambda value: self.variance_map(value) - value  # noqa: E731
        try:
            start = self.variance_map(0.0)
            if start > 0:
                grid = start * 2.0 ** np.arange(0, math.ceil(math.log2(_LARGEST_VARIANCE / start)) + 1)
                previous = 0.0
            else:
                grid = 10.0 ** np.arange(math.log10(_SMALLEST_VARIANCE), math.log10(_LARGEST_VARIANCE) + 1)
                gaps = [gap(value) for value in grid]
                if all(abs(value) <= _MARGINAL * point for value, point in zip(gaps, grid)):
                    return "marginal", None
                if gaps[0] < 0:
                    return "fixed", 0.0
                previous = grid[0]
            for point in grid:
                if gap(point) < 0:
                    return "fixed", float(scipy.optimize.brentq(gap, previous, point, xtol=1e-300, rtol=8.9e-16, maxiter=500))
                previous = point
        except InfiniteAverageError as error:  # an average became infinite before a fixed point was found
            return "divergent", f"{divergent}; {error}"
        return "divergent", divergent

    def _variance(self, q) -> float:
        if q is not None:
            return positive_real("q", q, "the variance of the inputs' pre-activations")
        if self.fixed_point() == 0:
            raise ValueError(f"q* = 0 at sigma_w2={self.sigma_w2}, sigma_b2={self.sigma_b2}: the pre-activations vanish "
                             "with depth and their correlation is undefined; pass q=... to study a given variance")
        return self.fixed_point()

    def chi_1(self, q=None) -> float:
        """:math:`\\chi_1 = \\sigma_w^2 E[\\phi'(\\sqrt{q^*} z)^2]` (order to chaos at 1), at ``q`` if given."""
        q = self.fixed_point() if q is None else non_negative_real("q", q, "the variance")
        return float(self.sigma_w2 * self.activation.slope_moment(q))

    def depth_scale(self, q=None) -> float:
        """:math:`\\xi_q = -1/\\ln F'(q^*)`, the depth over which :math:`q_l \\to q^*` (infinite when :math:`F'(q^*) \\ge 1`)."""
        q = self.fixed_point() if q is None else non_negative_real("q", q, "the variance")
        if q == 0:
            step = _SMALLEST_VARIANCE
            slope = (self.variance_map(step) - self.variance_map(0.0)) / step
        else:
            step = 1e-6 * q
            slope = (self.variance_map(q + step) - self.variance_map(q - step)) / (2 * step)
        return math.inf if slope >= 1 else float(-1 / math.log(slope))

    # -- two inputs ---------------------------------------------------------------------------

    def covariance_map(self, q11, q12, q22) -> tuple[float, float, float]:
        """One layer of two inputs: :math:`q_{ab}' = \\sigma_w^2 E[\\phi(u_a)\\phi(u_b)] + \\sigma_b^2`."""
        kernel = self.activation.kernel
        return tuple(self.sigma_w2 * kernel(a, b, c) + self.sigma_b2
                     for a, b, c in ((q11, q11, q11), (q11, q12, q22), (q22, q22, q22)))

    def correlation_map(self, c, q=None):
        """:math:`c' = (\\sigma_w^2 E[\\phi(u)\\phi(v)] + \\sigma_b^2)/F(q)` for inputs of variance q (default :math:`q^*`).

        At :math:`q^*`, :math:`F(q^*) = q^*`; ``c`` may be an array of correlations in [-1, 1].

        Examples
        --------
        >>> from nnfield.numeric.activations import RELU
        >>> relu = mean_field(RELU, sigma_w2=2.0, sigma_b2=0.0)
        >>> relu.marginal, float(relu.correlation_map(0.0, q=1.0)) == 1 / np.pi
        (True, True)
        """
        q = self._variance(q)
        c = np.asarray(c, dtype=float)
        if np.any(np.abs(c) > 1):
            raise ValueError(f"correlations must lie in [-1, 1]; got {c}")
        kernel = self.activation.kernel
        result = (self.sigma_w2 * kernel(q, c * q, q) + self.sigma_b2) / (self.sigma_w2 * kernel(q, q, q) + self.sigma_b2)
        return float(result) if np.ndim(result) == 0 else result

    def _correlation_slope(self, c: float, q: float) -> float:
        """:math:`dc'/dc = \\sigma_w^2 q E[\\phi'(u)\\phi'(v)]/F(q)` (Price's theorem: :math:`dE[\\phi\\phi]/dq_{12} = E[\\phi'\\phi']`)."""
        return float(self.sigma_w2 * q * self.activation.derivative_kernel(q, c * q, q) / self.variance_map(q))

    def c_star(self, q=None) -> float:
        """:math:`c^*`, the stable fixed point of the correlation map: 1 in the ordered phase.

        In the chaotic phase (slope at c = 1 above 1) the root of :math:`(1 - c'(c))/(1 - c) = 1` in
        [0, 1): at c = 0 the ratio is :math:`1 - c'(0) \\le 1` because :math:`c'(0) \\ge 0`. Values
        of :math:`1 - c^*` below 1e-8 (very close to the critical line) are reported as 1.

        Examples
        --------
        >>> from nnfield.numeric.activations import ERF
        >>> ordered, chaotic = (mean_field(ERF, sigma_w2=w, sigma_b2=0.05) for w in (1.0, 3.0))
        >>> ordered.c_star(), round(chaotic.c_star(), 6), round(chaotic.chi_c(), 6)
        (1.0, 0.191402, 0.857354)
        """
        return _stable_correlation(self, self._variance(q))

    def chi_c(self, q=None) -> float:
        """:math:`\\chi_c = \\sigma_w^2 E[\\phi'(u)\\phi'(v)]` at :math:`c^*`, the slope of the correlation map there."""
        q = self._variance(q)
        return self._correlation_slope(_stable_correlation(self, q), q)

    def correlation_depth_scale(self, q=None) -> float:
        """:math:`\\xi_c = -1/\\ln \\chi_c`, the depth over which correlations approach :math:`c^*` (infinite at criticality)."""
        slope = self.chi_c(q)
        return math.inf if slope >= 1 else float(-1 / math.log(slope))

    def _stable_correlation(self, q: float) -> float:
        if self._correlation_slope(1.0, q) <= 1:
            return 1.0
        kernel, scale = self.activation.kernel, self.sigma_w2 / self.variance_map(q)
        diagonal = kernel(q, q, q)

        def excess(c):  # (1 - c'(c)) / (1 - c) - 1: negative at c = 0 and positive just below c = 1
            return scale * (diagonal - kernel(q, c * q, q)) / (1 - c) - 1

        for gap in 10.0 ** -np.arange(2, -math.log10(_CLOSEST_CORRELATION) + 1):
            if excess(1 - gap) > 0:
                break
        else:
            return 1.0
        if excess(0.0) >= 0:  # c'(0) = 0: an odd activation without bias, c* = 0
            return 0.0
        return float(scipy.optimize.brentq(excess, 0.0, 1 - gap, xtol=1e-15, rtol=8.9e-16))

    def tangent_kernel(self, first_layer, layers: int) -> TangentKernel:
        """The kernel :math:`K^l` and the neural tangent kernel :math:`\\Theta^l` of layers 0 .. layers-1.

        NTK parameterisation (Jacot et al. 2018; Lee et al. 2019): :math:`z^{l} = (\\sigma_w/\\sqrt N)
        \\omega^l \\phi(z^{l-1}) + \\sigma_b \\beta^l` with trainable :math:`\\omega, \\beta \\sim N(0, 1)`, so
        that the forward law is the one above and, for the output's units,

        .. math:: K^{l} = \\sigma_w^2 E[\\phi(u)\\phi(v)] + \\sigma_b^2,\\qquad
                  \\Theta^{l} = K^{l} + \\sigma_w^2 E[\\phi'(u)\\phi'(v)]\\, \\Theta^{l-1},

        with :math:`(u, v) \\sim N(0, K^{l-1})` and :math:`\\Theta^0 = K^0`, the first layer's covariance
        :math:`\\sigma_w^2 x\\cdot x'/N + \\sigma_b^2`.

        Parameters
        ----------
        first_layer : float or array_like of shape (2, 2)
            :math:`K^0` of one input (its variance) or two inputs.
        layers : int

        Examples
        --------
        >>> from nnfield.numeric.activations import LINEAR
        >>> mean_field(LINEAR, sigma_w2=0.5, sigma_b2=0.1).tangent_kernel(1.0, 3).tangent
        array([1.  , 1.1 , 0.95])
        """
        layers = positive_integer("layers", layers, "the number of layers")
        single = np.ndim(first_layer) == 0
        kernel = np.array([[first_layer]] if single else first_layer, dtype=float)
        if kernel.shape not in ((1, 1), (2, 2)) or not np.allclose(kernel, kernel.T) or kernel[0, 0] < 0 \
                or kernel[-1, -1] < 0 or kernel[0, -1] ** 2 > kernel[0, 0] * kernel[-1, -1] * (1 + 1e-12):
            raise ValueError(f"first_layer must be a variance >= 0 or a 2x2 covariance matrix; got {first_layer!r}")
        kernels, tangents = [kernel], [kernel]
        index = [(0, 0), (0, 1), (1, 1)] if kernel.shape == (2, 2) else [(0, 0)]
        for _ in range(layers - 1):
            following, tangent = np.empty_like(kernel), np.empty_like(kernel)
            for a, b in index:
                arguments = (kernel[a, a], kernel[a, b], kernel[b, b])
                following[a, b] = following[b, a] = self.sigma_w2 * self.activation.kernel(*arguments) + self.sigma_b2
                slope = self.sigma_w2 * self.activation.derivative_kernel(*arguments)
                tangent[a, b] = tangent[b, a] = following[a, b] + slope * tangents[-1][a, b]
            kernel = following
            kernels.append(kernel)
            tangents.append(tangent)
        kernels, tangents = np.array(kernels), np.array(tangents)
        if single:
            return TangentKernel(kernels[:, 0, 0], tangents[:, 0, 0])
        return TangentKernel(kernels, tangents)


@functools.lru_cache(maxsize=1024)
def _stable_correlation(field: MeanField, q: float) -> float:
    """c* of ``field`` at variance q, kept: chi_c and xi_c need it again."""
    return field._stable_correlation(q)


def mean_field(activation, variable: sp.Symbol | None = None, *, sigma_w2, sigma_b2) -> MeanField:
    """The mean-field maps of ``activation``: an :class:`Activation`, or a SymPy expression in ``variable``.

    ``sigma_b2 = 0`` (no biases) is allowed.

    Examples
    --------
    For the ReLU, :math:`E[\\max(\\sqrt q z, 0)^2] = q/2` in closed form, so :math:`q^* = \\sigma_b^2/(1-\\sigma_w^2/2)`:

    >>> z = sp.Symbol("z", real=True)
    >>> relu = mean_field(sp.Max(z, 0), z, sigma_w2=1.0, sigma_b2=0.01)
    >>> relu.method, relu.expectation, round(relu.fixed_point(), 12)
    ("closed form (Price's theorem)", q/2, 0.02)
    >>> tanh = mean_field(sp.tanh(z), z, sigma_w2=1.5, sigma_b2=0.001)
    >>> tanh.method, round(tanh.fixed_point(), 4)
    ('trapezoidal quadrature (spacing 0.25/sqrt(q))', 0.2902)
    """
    chosen = as_activation(activation, variable)
    sigma_w2 = positive_real("sigma_w2", sigma_w2, "the weight variance")
    sigma_b2 = non_negative_real("sigma_b2", sigma_b2, "the bias variance; 0 for a network without biases")
    return MeanField(chosen, sigma_w2, sigma_b2)


def critical_sigma_w2(activation, variable: sp.Symbol | None = None, *, sigma_b2, largest: float = 1e3) -> float:
    """The weight variance on the order-to-chaos line: :math:`\\chi_1(\\sigma_w^2, \\sigma_b^2) = 1`.

    Found by bracketing :math:`\\chi_1 - 1` in :math:`\\sigma_w^2 \\in (0, \\text{largest}]`. Where the
    variance map diverges (no fixed point, e.g. the ReLU at :math:`\\sigma_w^2 \\ge 2`), the network
    is counted as not ordered, so the edge of the ordered phase is returned there; at a marginal
    point (every q a fixed point) :math:`\\chi_1` is taken at q = 1. For an odd activation without
    bias, :math:`\\chi_1(q^*) - 1` is only of second order in the distance above the transition, so
    the root is found to about 1e-8 rather than to rounding.

    Examples
    --------
    >>> from nnfield.numeric.activations import ERF, RELU
    >>> round(critical_sigma_w2(RELU, sigma_b2=0.0), 10), round(critical_sigma_w2(ERF, sigma_b2=0.0), 7)
    (2.0, 0.7853982)
    """
    chosen = as_activation(activation, variable)
    sigma_b2 = non_negative_real("sigma_b2", sigma_b2, "the bias variance")
    largest = positive_real("largest", largest, "the largest weight variance searched")
    direct = _critical_through_variance(chosen, sigma_b2, largest)
    if direct is not None:
        return direct

    def excess(sigma_w2):
        field = MeanField(chosen, float(sigma_w2), sigma_b2)
        if field.divergent:
            return 1.0
        return field.chi_1(q=1.0 if field.marginal else None) - 1

    lower, upper = largest * 1e-6, 1.0
    if excess(lower) >= 0:
        raise ValueError(f"chi_1 >= 1 already at sigma_w2 = {lower:g} (sigma_b2 = {sigma_b2}): no order-to-chaos "
                         "transition above it")
    while excess(upper) < 0:
        if upper >= largest:
            raise ValueError(f"chi_1 < 1 for every sigma_w2 up to {largest:g} at sigma_b2 = {sigma_b2}: the "
                             f"{chosen.name} network stays ordered (pass a larger `largest` to search further)")
        lower, upper = upper, min(2 * upper, largest)
    return float(scipy.optimize.brentq(excess, lower, upper, xtol=1e-13, rtol=1e-13))


def _critical_through_variance(chosen: Activation, sigma_b2: float, largest: float) -> float | None:
    """The critical point as one root in q, or None when that route does not apply.

    On the line, :math:`\\sigma_w^2 = 1/E[\\phi'^2](q^*)`; putting this into the fixed-point condition
    leaves :math:`E[\\phi^2](q)/E[\\phi'^2](q) + \\sigma_b^2 - q = 0`, positive for :math:`q \\le \\sigma_b^2`.
    The root is accepted only if the map at that :math:`\\sigma_w^2` reaches the same :math:`q^*`; the
    ReLU (no root: the ratio is q) and maps without bias (a root at q = 0) go the general way.
    """
    second, slope = chosen.second_moment, chosen.slope_moment
    if sigma_b2 == 0:
        return None
    gap = lambda value: second(value) / slope(value) + sigma_b2 - value  # noqa: E731
    previous = point = sigma_b2
    try:
        while gap(point) >= 0:
            previous, point = point, 2 * point
            if point > _LARGEST_VARIANCE:
                return None
        variance = scipy.optimize.brentq(gap, previous, point, xtol=1e-300, rtol=8.9e-16)
        sigma_w2 = 1 / slope(variance)
    except (InfiniteAverageError, ZeroDivisionError):
        return None
    if not 0 < sigma_w2 <= largest:
        return None
    field = MeanField(chosen, float(sigma_w2), sigma_b2)
    if field._solution[0] != "fixed" or abs(field._solution[1] - variance) > 1e-8 * variance:
        return None
    return float(sigma_w2)
