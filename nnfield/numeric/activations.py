"""Activations as one object: expression, compiled function and derivatives, Gaussian averages.

An :class:`Activation` carries its SymPy expression :math:`\\phi(x)` in one variable, the compiled
numeric :math:`\\phi, \\phi', \\phi''` (vectorised over NumPy arrays, never overflowing: entries that
overflow in double precision are recomputed with mpmath), its gate where it has one
(:math:`\\phi(x) = x\\, g(x)`, e.g. :math:`g = \\Theta(x)` for the ReLU), and the Gaussian averages
that mean-field theory needs:

- one input, :math:`E[h(\\sqrt q\\, z)]` with :math:`z \\sim N(0, 1)`, for :math:`h = \\phi^2`,
  :math:`\\phi'^2` or any expression the caller gives (:meth:`Activation.average`);
- two inputs, :math:`E[f(u) g(v)]` for :math:`(u, v)` jointly Gaussian with covariance
  :math:`\\begin{pmatrix} q_{11} & q_{12} \\\\ q_{12} & q_{22}\\end{pmatrix}`
  (:meth:`Activation.pair_average`, :attr:`Activation.kernel`, :attr:`Activation.derivative_kernel`).

Each average says how it was computed (``method``). Closed forms come first: SymPy integrates
one-input averages of polynomial and piecewise-linear functions, and two-input averages follow from
Price's theorem,

.. math:: \\frac{\\partial^n}{\\partial q_{12}^n} E[f(u) g(v)] = E[f^{(n)}(u)\\, g^{(n)}(v)],

integrated n times from :math:`q_{12} = 0` (where :math:`E[f^{(k)}(u) g^{(k)}(v)] = E[f^{(k)}(u)]
E[g^{(k)}(v)]`) once the n-th derivatives reach a form whose average is elementary: zero, Dirac deltas
at the origin (bivariate density :math:`1/(2\\pi\\sqrt{q_{11}q_{22}-q_{12}^2})`), or Gaussians
:math:`a e^{-\\alpha x^2}` (:math:`E = ab/\\sqrt{(1+2\\alpha q_{11})(1+2\\beta q_{22}) - 4\\alpha\\beta q_{12}^2}`).
This finds the arc-cosine kernel of the ReLU and the arcsine kernel of erf. Otherwise the averages are
computed by quadrature: the trapezoidal rule on the whole line with spacing :math:`0.25/\\sqrt q`
(spectrally accurate for analytic activations such as tanh, sigmoid, softplus, GELU and swish), or, in
one dimension for activations with kinks, adaptive Gauss-Kronrod quadrature. An average that is
infinite raises a ``ValueError``.
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings
from dataclasses import dataclass, field
from typing import Callable

import mpmath
import numpy as np
import sympy as sp
import scipy

__all__ = [
    "ACTIVATIONS",
    "ERF",
    "GELU",
    "LINEAR",
    "RELU",
    "SIGMOID",
    "SOFTPLUS",
    "SWISH",
    "TANH",
    "Activation",
    "GaussianAverage",
    "InfiniteAverageError",
    "PairAverage",
    "activation",
    "as_activation",
]

CLOSED_FORM = "closed form"
CLOSED_FORM_PRICE = "closed form (Price's theorem)"
TRAPEZOID = "trapezoidal quadrature (spacing 0.25/sqrt(q))"
ADAPTIVE = "adaptive quadrature (scipy.integrate.quad)"

#: The symbols of the closed forms: one-input averages are functions of ``q``, two-input ones of
#: ``(q11, q12, q22)``.
q = sp.Symbol("q", positive=True)
q11, q22 = sp.symbols("q11 q22", positive=True)
q12 = sp.Symbol("q12", real=True)
_CANONICAL = sp.Symbol("x", real=True)  # the variable of the averages' integrands
_correlation = sp.Symbol("s", real=True)

_SPACING = 0.25  # trapezoid spacing in units of 1/sqrt(q): error ~ exp(-2 pi d / 0.25) for phi analytic in |Im y| < d
_MAX_POINTS_1D = 200_001  # beyond this (q above about 7e6) one-input averages use adaptive quadrature
_MAX_POINTS_2D = 1601  # per dimension: about 2.6 million evaluations, a few tens of milliseconds
_PRICE_ORDERS = 6  # derivatives tried before the two-input average falls back to quadrature
_KINKS = (sp.Max, sp.Min, sp.Abs, sp.Heaviside, sp.Piecewise, sp.sign, sp.DiracDelta)


class InfiniteAverageError(ValueError):
    """A Gaussian average that is infinite, or beyond the floating-point range."""


def _stable(expression: sp.Expr, variable: sp.Symbol) -> Callable:
    """``expression`` compiled for NumPy arrays; entries that overflow are recomputed with mpmath.

    Dirac deltas (second derivatives of kinks) are dropped: the numeric value is the regular part.
    """
    regular = expression.replace(sp.DiracDelta, lambda *arguments: sp.S.Zero)
    fast = sp.lambdify(variable, regular, ["scipy", "numpy"])
    precise = _precise(expression, variable)

    def evaluate(x):
        x = np.asarray(x, dtype=float)
        with np.errstate(all="ignore"):
            values = np.asarray(fast(x), dtype=float)
            values = np.broadcast_to(values, x.shape).copy() if values.shape != x.shape else values
        bad = ~np.isfinite(values) & np.isfinite(x)
        if np.any(bad):
            values[bad] = [float(precise(mpmath.mpf(float(point)))) for point in x[bad]]
        return values

    return evaluate


@dataclass(frozen=True)
class GaussianAverage:
    """:math:`A(q) = E_{z\\sim N(0,1)}[h(\\sqrt q\\, z)]` as a function of the variance ``q``.

    Attributes
    ----------
    integrand : sympy.Expr
        :math:`h`, written in the shared variable ``x`` (averages are derived once per function,
        whatever the activation's variable is called).
    method : str
        ``"closed form"`` (SymPy's integral), ``"closed form (Price's theorem)"`` (the diagonal of a
        two-input closed form), or the quadrature used.
    expression : sympy.Expr or None
        The closed form in the symbol :data:`q`, when there is one.
    """

    integrand: sp.Expr
    method: str
    expression: sp.Expr | None
    _function: Callable = field(repr=False, compare=False)

    def __call__(self, variance):
        """The average at ``variance`` (a number >= 0 or an array of them)."""
        if isinstance(variance, numbers.Real):  # the fast path of root finding
            value = float(variance)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"the variance q must be finite and >= 0; got {variance}")
            result = self._function(value)
            if not math.isfinite(result):
                raise InfiniteAverageError(f"E[{self.integrand}] is infinite (or beyond floating point) at q = {variance}")
            return result
        variance = np.asarray(variance, dtype=float)
        if np.any(variance < 0) or not np.all(np.isfinite(variance)):
            raise ValueError(f"the variance q must be finite and >= 0; got {variance}")
        result = np.vectorize(self._function, otypes=[float])(variance)
        if not np.all(np.isfinite(result)):
            raise InfiniteAverageError(f"E[{self.integrand}] is infinite (or beyond floating point) at q = {variance}")
        return float(result) if result.ndim == 0 else result


@dataclass(frozen=True)
class PairAverage:
    """:math:`E[f(u)\\, g(v)]` for :math:`(u, v)` centred Gaussian with covariance ``[[q11, q12], [q12, q22]]``.

    Attributes
    ----------
    first, second : sympy.Expr
        :math:`f` and :math:`g`, written in the shared variable ``x``.
    method : str
        ``"closed form (Price's theorem)"`` or the quadrature used.
    expression : sympy.Expr or None
        The closed form in the symbols ``q11, q12, q22``, when there is one.
    """

    first: sp.Expr
    second: sp.Expr
    method: str
    expression: sp.Expr | None
    _function: Callable = field(repr=False, compare=False)
    _scalar: Callable = field(repr=False, compare=False)

    def __call__(self, variance_1, covariance, variance_2):
        """The average at ``(q11, q12, q22)``; numbers or broadcastable arrays, with ``q12^2 <= q11 q22``.

        A covariance beyond the Cauchy-Schwarz bound by rounding only (relative 1e-12) is clipped to it.
        """
        if all(isinstance(value, numbers.Real) for value in (variance_1, covariance, variance_2)):
            a, b, c = float(variance_1), float(covariance), float(variance_2)
            bound = math.sqrt(a * c) if a >= 0 and c >= 0 else -1.0
            if abs(b) <= bound * (1 + 1e-12) + 1e-300:
                result = self._scalar(a, min(bound, max(-bound, b)), c)
                if not math.isfinite(result):
                    raise InfiniteAverageError(f"E[({self.first})({self.second})] is infinite (or beyond floating "
                                               f"point) at (q11, q12, q22) = ({variance_1}, {covariance}, {variance_2})")
                return result
        a, b, c = (np.asarray(value, dtype=float) for value in (variance_1, covariance, variance_2))
        bound = np.sqrt(a * c)
        if np.any(a < 0) or np.any(c < 0) or np.any(np.abs(b) > bound * (1 + 1e-12) + 1e-300):
            raise ValueError(f"(q11, q12, q22) = ({variance_1}, {covariance}, {variance_2}) is not a covariance: "
                             "it needs q11, q22 >= 0 and q12^2 <= q11 q22")
        b = np.clip(b, -bound, bound)
        result = np.asarray(self._function(a, b, c), dtype=float)
        if not np.all(np.isfinite(result)):
            raise InfiniteAverageError(f"E[({self.first})({self.second})] is infinite (or beyond floating point) "
                             f"at (q11, q12, q22) = ({variance_1}, {covariance}, {variance_2})")
        return float(result) if result.ndim == 0 else result


@dataclass(frozen=True)
class Activation:
    """An activation :math:`\\phi` and everything mean-field theory needs of it.

    Attributes
    ----------
    name : str
    expression : sympy.Expr
        :math:`\\phi(x)`, in the one symbol ``variable``.
    variable : sympy.Symbol
    gate : sympy.Expr or None
        :math:`g(x)` with :math:`\\phi(x) = x\\, g(x)` and :math:`g \\in \\{0, 1\\}` where the activation
        is gated (the ReLU: :math:`\\Theta(x)`; the identity: 1); ``None`` otherwise.

    The compiled functions (:attr:`function`, :attr:`derivative`, :attr:`second_derivative`) and the
    averages are built on first use and kept.

    Examples
    --------
    >>> RELU.function(np.array([-1.0, 2.0])), RELU.derivative(np.array([-1.0, 2.0]))
    (array([0., 2.]), array([0., 1.]))
    >>> RELU.kernel.method, RELU.second_moment.expression
    ("closed form (Price's theorem)", q/2)
    >>> round(RELU.kernel(1.0, 0.0, 1.0), 12) == round(1 / (2 * np.pi), 12)
    True
    >>> TANH.second_moment.method, round(TANH.second_moment(1.0), 10)
    ('trapezoidal quadrature (spacing 0.25/sqrt(q))', 0.3942944904)
    """

    name: str
    expression: sp.Expr
    variable: sp.Symbol
    gate: sp.Expr | None = None

    @functools.cached_property
    def function(self) -> Callable:
        """:math:`\\phi` on NumPy arrays."""
        return _stable(self.expression, self.variable)

    @functools.cached_property
    def derivative(self) -> Callable:
        """:math:`\\phi'` on NumPy arrays."""
        return _stable(sp.diff(self.expression, self.variable), self.variable)

    @functools.cached_property
    def second_derivative(self) -> Callable:
        """:math:`\\phi''` on NumPy arrays (Dirac deltas at kinks dropped)."""
        return _stable(sp.diff(self.expression, self.variable, 2), self.variable)

    @functools.cached_property
    def gate_function(self) -> Callable | None:
        """:math:`g` on NumPy arrays, 0 at the kink (:math:`\\Theta(0) = 0`); ``None`` without a gate.

        Where :math:`g` is locally constant, :math:`\\phi' = g`: the slope networks use away from kinks.

        Examples
        --------
        >>> RELU.gate_function(np.array([-1.0, 0.0, 2.0])), TANH.gate_function is None
        (array([0., 0., 1.]), True)
        """
        if self.gate is None:
            return None
        at_kink_zero = self.gate.replace(sp.Heaviside, lambda argument, *_: sp.Heaviside(argument, 0))
        return _stable(at_kink_zero, self.variable)

    def average(self, integrand: sp.Expr | None = None) -> GaussianAverage:
        """:math:`E[h(\\sqrt q z)]` for ``integrand`` :math:`h` (default :math:`\\phi^2`), an expression in ``variable``.

        Examples
        --------
        >>> LINEAR.average(LINEAR.variable**4).expression
        3*q**2
        """
        integrand = self.expression**2 if integrand is None else sp.sympify(integrand)
        if not isinstance(integrand, sp.Expr) or integrand.free_symbols - {self.variable}:
            raise ValueError(f"the integrand must be an expression in {self.variable} alone; got {integrand}")
        return _one_input_average(integrand.xreplace({self.variable: _CANONICAL}), _CANONICAL)

    def pair_average(self, first: sp.Expr, second: sp.Expr) -> PairAverage:
        """:math:`E[f(u) g(v)]` for ``first`` :math:`f` and ``second`` :math:`g`, expressions in ``variable``.

        Examples
        --------
        >>> x = ERF.variable
        >>> average = ERF.pair_average(sp.diff(ERF.expression, x), sp.diff(ERF.expression, x))
        >>> average.method, average.expression
        ("closed form (Price's theorem)", 4/(pi*sqrt(-4*q12**2 + (2*q11 + 1)*(2*q22 + 1))))
        """
        first, second = sp.sympify(first), sp.sympify(second)
        for part in (first, second):
            if not isinstance(part, sp.Expr) or part.free_symbols - {self.variable}:
                raise ValueError(f"the functions must be expressions in {self.variable} alone; got {part}")
        canonical = {self.variable: _CANONICAL}  # one derivation per function, whatever the variable is called
        return _two_input_average(first.xreplace(canonical), second.xreplace(canonical), _CANONICAL)

    @functools.cached_property
    def second_moment(self) -> GaussianAverage:
        """:math:`E[\\phi(\\sqrt q z)^2]`: the variance map is :math:`\\sigma_w^2` times this plus :math:`\\sigma_b^2`."""
        return self._diagonal("kernel", self.expression**2)

    @functools.cached_property
    def slope_moment(self) -> GaussianAverage:
        """:math:`E[\\phi'(\\sqrt q z)^2]`: :math:`\\chi_1 = \\sigma_w^2` times this at :math:`q^*`."""
        return self._diagonal("derivative_kernel", sp.diff(self.expression, self.variable) ** 2)

    @functools.cached_property
    def kernel(self) -> PairAverage:
        """:math:`E[\\phi(u)\\phi(v)]`, the covariance map's average."""
        return self.pair_average(self.expression, self.expression)

    @functools.cached_property
    def derivative_kernel(self) -> PairAverage:
        """:math:`E[\\phi'(u)\\phi'(v)]`: the slope of the correlation map and the NTK's factor."""
        slope = sp.diff(self.expression, self.variable)
        return self.pair_average(slope, slope)

    def _diagonal(self, pair_name: str, integrand: sp.Expr) -> GaussianAverage:
        """The one-input average of ``integrand``: the diagonal of the pair average ``pair_name`` if that has a
        closed form (cheaper than SymPy's integral of the square), else :meth:`average`."""
        pair = getattr(self, pair_name)
        if pair.expression is None:
            return self.average(integrand)
        diagonal = sp.simplify(pair.expression.subs({q11: q, q22: q}).subs(q12, q))
        function = sp.lambdify(q, diagonal, ["math", "mpmath"])
        return GaussianAverage(integrand, CLOSED_FORM_PRICE, diagonal, lambda value: float(function(value)))


def activation(expression: sp.Expr, variable: sp.Symbol, *, name: str | None = None,
               gate: sp.Expr | None = None) -> Activation:
    """A new activation from a SymPy expression in one variable.

    Examples
    --------
    >>> x = sp.Symbol("x", real=True)
    >>> cube = activation(x**3, x, name="cube")
    >>> cube.second_moment.expression, cube.kernel.expression
    (15*q**3, 9*q11*q12*q22 + 6*q12**3)
    >>> activation(sp.Max(x, 0), x, name="my relu", gate=sp.Heaviside(x)).gate
    Heaviside(x)
    >>> activation("tanh", x)
    Traceback (most recent call last):
    ...
    TypeError: expression must be a SymPy expression such as tanh(x); got str
    """
    if not isinstance(expression, sp.Expr):
        raise TypeError(f"expression must be a SymPy expression such as tanh(x); got {type(expression).__name__}")
    if not isinstance(variable, sp.Symbol):
        raise TypeError(f"variable must be a SymPy Symbol; got {type(variable).__name__}")
    extra = expression.free_symbols - {variable}
    if extra:
        raise ValueError(f"the activation may depend only on {variable}; it also has {sorted(map(str, extra))}: "
                         "substitute numbers for them")
    if gate is not None:
        gate = sp.sympify(gate)
        points = (-2.5, -1.0, -0.3, 0.3, 1.0, 2.5)  # SymPy cannot always simplify x*Heaviside(x) - Max(x, 0) to 0
        mismatch = [point for point in points
                    if abs(complex((variable * gate - expression).subs(variable, point).evalf())) > 1e-12]
        if gate.free_symbols - {variable} or mismatch:
            raise ValueError(f"the gate g must satisfy {expression} = {variable} * g; got g = {gate}, "
                             f"which differs at x = {mismatch}")
        values = {complex(gate.subs(variable, point).evalf()) for point in points}
        if not values <= {0, 1}:  # a smooth g would lose its derivative's terms where the gate is held fixed
            raise ValueError(f"a gate takes the values 0 and 1 only (a piecewise linear activation, such as "
                             f"Heaviside(x) for relu); got g = {gate}; leave gate=None for a smooth activation")
    return Activation(name or str(expression), expression, variable, gate)


def as_activation(chosen, variable: sp.Symbol | None = None) -> Activation:
    """``chosen`` as an :class:`Activation`: an Activation as it is, or a SymPy expression in ``variable``.

    The one adapter of every function that takes an activation (the mean-field maps, the
    finite-width recursion).

    Examples
    --------
    >>> x = sp.Symbol("x", real=True)
    >>> as_activation(TANH) is TANH, as_activation(sp.tanh(x), x).name
    (True, 'tanh(x)')
    >>> as_activation(sp.tanh(x))
    Traceback (most recent call last):
    ...
    TypeError: the expression tanh(x) needs its variable, a SymPy Symbol; got None
    """
    if isinstance(chosen, Activation):
        if variable is not None:
            raise TypeError("give an Activation alone, or a SymPy expression with its variable; not both "
                            f"(got the Activation {chosen.name!r} and the variable {variable!r})")
        return chosen
    if isinstance(chosen, sp.Expr):
        if not isinstance(variable, sp.Symbol):
            raise TypeError(f"the expression {chosen} needs its variable, a SymPy Symbol; got {variable!r}")
        return activation(chosen, variable)
    raise TypeError("activation must be an Activation (e.g. nnfield.numeric.activations.TANH) or a SymPy "
                    f"expression such as tanh(z) with its variable; got {type(chosen).__name__}")


# ---------------------------------------------------------------------------------------------
# One input


@functools.lru_cache(maxsize=256)
def _one_input_average(integrand: sp.Expr, variable: sp.Symbol) -> GaussianAverage:
    closed = _closed_one_input(integrand, variable)
    if closed is not None:
        function = sp.lambdify(q, closed, ["math", "mpmath"])
        return GaussianAverage(integrand, CLOSED_FORM, closed, lambda value: float(function(value)))
    compiled = _stable(integrand, variable)
    if integrand.has(*_KINKS):
        return GaussianAverage(integrand, ADAPTIVE, None, functools.partial(_adaptive, compiled, integrand, variable))
    return GaussianAverage(integrand, TRAPEZOID, None, functools.partial(_trapezoid_1d, compiled, integrand, variable))


def _closed_one_input(integrand: sp.Expr, variable: sp.Symbol) -> sp.Expr | None:
    """:math:`E[h(\\sqrt q z)]` by SymPy, for odd, polynomial, piecewise or Gaussian integrands only.

    SymPy can spend minutes failing on tanh, so it is not asked about other integrands.
    """
    if integrand.subs(variable, -variable) + integrand == 0:  # odd by SymPy's automatic evaluation (tanh, erf)
        return sp.S.Zero
    gaussian = _gaussian_form(integrand, variable)
    if gaussian is not None:
        amplitude, rate = gaussian
        return sp.simplify(amplitude / sp.sqrt(1 + 2 * rate * q))
    if not (integrand.is_polynomial(variable) or integrand.has(*_KINKS)):
        return None
    standard = sp.Dummy("z", real=True)
    density = sp.exp(-standard**2 / 2) / sp.sqrt(2 * sp.pi)
    try:
        result = sp.integrate(sp.piecewise_fold(integrand.subs(variable, sp.sqrt(q) * standard)) * density,
                              (standard, -sp.oo, sp.oo))
    except (NotImplementedError, ValueError):
        return None
    return None if result.has(sp.Integral, sp.Piecewise) else sp.simplify(result)


def _gaussian_form(expression: sp.Expr, variable: sp.Symbol):
    """``(a, alpha)`` if ``expression`` is :math:`a e^{-\\alpha x^2}` with :math:`\\alpha > 0`, else None."""
    amplitude, rate = sp.Wild("a", exclude=[variable]), sp.Wild("alpha", exclude=[variable])
    match = sp.powsimp(expression).match(amplitude * sp.exp(-rate * variable**2))
    if match and match[rate].is_positive and match[amplitude] != 0:
        return match[amplitude], match[rate]
    return None


def _grid(spread: float, half_width: float) -> tuple[np.ndarray, np.ndarray]:
    """Trapezoid nodes and weights for :math:`E_{z\\sim N(0,1)}`, spacing 0.25/spread over [-half_width, half_width]."""
    spacing = _SPACING / max(spread, 1.0)
    count = int(math.ceil(half_width / spacing))
    nodes = np.arange(-count, count + 1) * spacing
    return nodes, np.exp(-nodes * nodes / 2) * spacing / math.sqrt(2 * math.pi)


def _weighted_values(function: Callable, scale: float, spread: float, description: str):
    """Nodes, weights and :math:`f(\\text{scale}\\, z)` on a trapezoid grid wide enough for the weighted integrand to decay.

    The grid reaches :math:`|z| = 9.5`, or further for fast-growing f; an integrand that has not decayed
    by :math:`|z| = 60` raises :class:`InfiniteAverageError`.
    """
    for half_width in (9.5, 15.0, 25.0, 40.0, 60.0):
        nodes, weights = _grid(spread, half_width)
        values = function(scale * nodes)
        with np.errstate(all="ignore"):
            weighted = np.abs(values * weights)
        if np.all(np.isfinite(weighted)) and max(weighted[0], weighted[-1]) <= 1e-17 * max(weighted.max(), 1e-300):
            return nodes, weights, values
    raise InfiniteAverageError(f"the Gaussian average of {description} is infinite at variance {scale**2}: "
                               "the integrand does not decay")


def _trapezoid_1d(compiled: Callable, integrand: sp.Expr, variable: sp.Symbol, variance: float) -> float:
    scale = math.sqrt(variance)
    if 2 * 9.5 * scale / _SPACING > _MAX_POINTS_1D:
        return _adaptive(compiled, integrand, variable, variance)
    _, weights, values = _weighted_values(compiled, scale, scale, str(integrand))
    return float(weights @ values)


@functools.lru_cache(maxsize=256)
def _precise(expression: sp.Expr, variable: sp.Symbol) -> Callable:
    return sp.lambdify(variable, expression.replace(sp.DiracDelta, lambda *arguments: sp.S.Zero), "mpmath")


def _adaptive(compiled: Callable, integrand: sp.Expr, variable: sp.Symbol, variance: float) -> float:
    scale = math.sqrt(variance)
    _weighted_values(compiled, scale, 1.0, str(integrand))  # refuses infinite averages
    precise = _precise(integrand, variable)

    def weighted(t):
        value = float(compiled(np.array(scale * t))) * math.exp(-t * t / 2)
        if not math.isfinite(value):  # exp overflowed where the Gaussian is tiny: redo in mpmath
            value = float(precise(mpmath.mpf(scale * t)) * mpmath.exp(-mpmath.mpf(t) ** 2 / 2))
        return value

    with warnings.catch_warnings():  # far beyond the trapezoid's range (q > 7e6) a tolerance of 1e-12 may be missed
        warnings.simplefilter("ignore", scipy.integrate.IntegrationWarning)
        total = sum(scipy.integrate.quad(weighted, lower, upper, epsabs=0.0, epsrel=1e-12, limit=200)[0]
                    for lower, upper in ((-np.inf, 0.0), (0.0, np.inf)))
    return total / math.sqrt(2 * math.pi)


# ---------------------------------------------------------------------------------------------
# Two inputs


@functools.lru_cache(maxsize=256)
def _two_input_average(first: sp.Expr, second: sp.Expr, variable: sp.Symbol) -> PairAverage:
    closed = _closed_two_input(first, second, variable)
    if closed is not None:
        # Compiled in the correlation s, computed once and clipped to [-1, 1]: near s = 1 the arcsines
        # of the closed forms amplify the rounding of q12 / sqrt(q11 q22).
        function = sp.lambdify((q11, q22, _correlation), closed, ["scipy", "numpy"])

        def evaluate(a, b, c):
            with np.errstate(all="ignore"):
                scale = np.sqrt(a * c)
                correlation = np.clip(np.where(scale > 0, b / np.where(scale > 0, scale, 1.0), 0.0), -1.0, 1.0)
                return np.broadcast_to(function(a, c, correlation), np.broadcast(a, b, c).shape)

        scalar = sp.lambdify((q11, q22, _correlation), closed, ["math", "mpmath"])

        def evaluate_scalar(a, b, c):
            scale = math.sqrt(a * c)
            return float(scalar(a, c, min(1.0, max(-1.0, b / scale)) if scale > 0 else 0.0))

        expression = sp.simplify(closed.subs(_correlation, q12 / sp.sqrt(q11 * q22)))
        return PairAverage(first, second, CLOSED_FORM_PRICE, expression, evaluate, evaluate_scalar)
    compiled = (_stable(first, variable), _stable(second, variable))
    quadrature = functools.partial(_trapezoid_2d, compiled, (first, second))
    return PairAverage(first, second, TRAPEZOID, None, np.vectorize(quadrature, otypes=[float]), quadrature)


def _closed_two_input(first: sp.Expr, second: sp.Expr, variable: sp.Symbol) -> sp.Expr | None:
    """:math:`E[f(u) g(v)]` by Price's theorem, integrating in the correlation :math:`s = q_{12}/\\sqrt{q_{11}q_{22}}`.

    The result is an expression in ``q11``, ``q22`` and ``s``.
    """
    s = _correlation
    scale = sp.sqrt(q11 * q22)
    boundary = []  # E[f^(k)(u)] E[g^(k)(v)] (q11 q22)^(k/2): the k-th s-derivative at s = 0
    for order in range(_PRICE_ORDERS + 1):
        f, g = sp.diff(first, variable, order), sp.diff(second, variable, order)
        terminal = _terminal_average(f, g, variable, s)
        if terminal is not None:
            break
        mean_f = _closed_one_input(f, variable)
        mean_g = _closed_one_input(g, variable)
        if mean_f is None or mean_g is None:
            return None
        boundary.append(mean_f.subs(q, q11) * mean_g.subs(q, q22) * scale**order)
    else:
        return None
    derivative = terminal * scale**order  # the order-th derivative in s
    for value in reversed(boundary):
        antiderivative = _integrate_from_zero(derivative, s)
        if antiderivative is None:
            return None
        derivative = value + antiderivative
    return sp.simplify(derivative)


def _terminal_average(f: sp.Expr, g: sp.Expr, variable: sp.Symbol, s: sp.Symbol) -> sp.Expr | None:
    """:math:`E[f(u) g(v)]` at correlation s when it is elementary (zero, deltas at 0, Gaussians), else None."""
    if f == 0 or g == 0:
        return sp.S.Zero
    deltas = [_delta_weight(part, variable) for part in (f, g)]
    if None not in deltas:
        return deltas[0] * deltas[1] / (2 * sp.pi * sp.sqrt(q11 * q22) * sp.sqrt(1 - s**2))
    gaussians = [_gaussian_form(part, variable) for part in (f, g)]
    if None not in gaussians:
        (a, alpha), (b, beta) = gaussians
        return a * b / sp.sqrt((1 + 2 * alpha * q11) * (1 + 2 * beta * q22) - 4 * alpha * beta * q11 * q22 * s**2)
    return None


def _delta_weight(expression: sp.Expr, variable: sp.Symbol):
    """``a`` if ``expression`` is :math:`a\\,\\delta(x)`, else None."""
    weight = sp.Wild("a", exclude=[variable])
    match = expression.match(weight * sp.DiracDelta(variable))
    return match[weight] if match and match[weight] != 0 else None


def _integrate_from_zero(expression: sp.Expr, s: sp.Symbol) -> sp.Expr | None:
    """:math:`\\int_0^s` of ``expression`` over :math:`s \\in (-1, 1)`; positive stand-ins keep SymPy's answer unconditional."""
    stand_ins = {}

    def hide(part):
        stand_in = sp.Dummy(positive=True)
        stand_ins[stand_in] = part
        return stand_in

    # Every factor free of s is positive here (variances, 1 + 2 alpha q): hide it behind a positive symbol.
    expanded = expression.replace(lambda part: isinstance(part, (sp.Add, sp.Pow)) and not part.has(s)
                                  and part.free_symbols and part.is_positive, hide)
    upper = sp.Dummy("t", real=True)
    result = sp.integrate(expanded, (s, 0, upper))
    if result.has(sp.Integral):
        return None
    result = sp.piecewise_fold(result)
    if isinstance(result, sp.Piecewise):
        result = result.args[-1].expr if len(result.args) == 1 else _branch_inside(result, upper)
        if result is None:
            return None
    return result.subs(upper, s).subs(stand_ins)


def _branch_inside(piecewise: sp.Piecewise, upper: sp.Symbol):
    """The branch of ``piecewise`` that holds for the correlation in (-1, 1), if SymPy can tell."""
    for expression, condition in piecewise.args:
        if all(bool(condition.subs(upper, value)) for value in (-0.9, -0.3, 0.3, 0.9)):
            return expression
    return None


def _trapezoid_2d(compiled, parts, variance_1, covariance, variance_2) -> float:
    """:math:`E[f(\\sqrt{q_{11}} x_1)\\, g(\\sqrt{q_{22}}(s x_1 + \\sqrt{1-s^2} x_2))]` on a trapezoid grid."""
    f, g = compiled
    scale_1, scale_2 = math.sqrt(variance_1), math.sqrt(variance_2)
    correlation = covariance / (scale_1 * scale_2) if scale_1 * scale_2 > 0 else 0.0
    correlation = min(1.0, max(-1.0, correlation))
    spread = min(max(scale_1, scale_2), _MAX_POINTS_2D * _SPACING / (2 * 9.5))
    half_width = max(_weighted_values(f, scale_1, spread, str(parts[0]))[0][-1],
                     _weighted_values(g, scale_2, spread, str(parts[1]))[0][-1])
    spread = min(spread, _MAX_POINTS_2D * _SPACING / (2 * half_width))
    nodes, weights = _grid(spread, half_width)
    first = f(scale_1 * nodes) * weights
    second = g(scale_2 * (correlation * nodes[:, None] + math.sqrt(1 - correlation**2) * nodes[None, :]))
    return float(first @ second @ weights)


# ---------------------------------------------------------------------------------------------
# The shipped activations

_x = _CANONICAL

RELU = Activation("relu", sp.Max(_x, 0), _x, sp.Heaviside(_x))
TANH = Activation("tanh", sp.tanh(_x), _x)
ERF = Activation("erf", sp.erf(_x), _x)
LINEAR = Activation("linear", _x, _x, sp.S.One)
SIGMOID = Activation("sigmoid", 1 / (1 + sp.exp(-_x)), _x)
SOFTPLUS = Activation("softplus", sp.log(1 + sp.exp(_x)), _x)
GELU = Activation("gelu", _x * (1 + sp.erf(_x / sp.sqrt(2))) / 2, _x)
SWISH = Activation("swish", _x / (1 + sp.exp(-_x)), _x)

#: The shipped activations by name.
ACTIVATIONS = {a.name: a for a in (RELU, TANH, ERF, LINEAR, SIGMOID, SOFTPLUS, GELU, SWISH)}
