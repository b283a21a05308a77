"""Finite-width deep networks: the kernel and the fourth cumulant of a pre-activation to first order in 1/n.

A fully connected network of constant width n with one fixed input x,

.. math:: z^1 = W^1 x + b^1, \\qquad z^{l+1} = W^{l+1}\\phi(z^l) + b^{l+1},
          \\qquad W_{ij} \\sim N(0, \\sigma_w^2/n),\\ b_i \\sim N(0, \\sigma_b^2),

has, given layer l, independent Gaussian units in layer l+1 of the common random variance

.. math:: \\Delta^l = \\sigma_b^2 + \\frac{\\sigma_w^2}{n}\\sum_{j=1}^n \\phi(z^l_j)^2 .

Hence :math:`E[(z^{l+1})^2] = E\\Delta^l` and the connected fourth cumulant of one unit is
:math:`V^{l+1} = E[(z^{l+1})^4] - 3E[(z^{l+1})^2]^2 = 3\\,\\mathrm{Var}\\,\\Delta^l`.
:func:`derive_recursion` expands these in SymPy, with the power counting
:math:`\\Delta^{l-1} - E\\Delta^{l-1} = O(n^{-1/2})` and its m-th cumulant :math:`O(n^{1-m})`, and keeps
every term to first order in 1/n. With :math:`g(K) = E[\\phi(\\sqrt K\\xi)^2]`,
:math:`h(K) = E[\\phi(\\sqrt K\\xi)^4]`, :math:`\\xi\\sim N(0,1)`, and
:math:`E[(z^l)^2] = K^l + \\delta K^l`, it finds (Yaida 2019; Roberts, Yaida & Hanin 2022, ch. 4-5)

.. math::
    K^{l+1} &= \\sigma_b^2 + \\sigma_w^2 g(K^l),\\\\
    \\delta K^{l+1} &= \\sigma_w^2 g'(K^l)\\,\\delta K^l + \\tfrac{\\sigma_w^2}{6} g''(K^l)\\, V^l,\\\\
    V^{l+1} &= \\big(\\sigma_w^2 g'(K^l)\\big)^2 V^l + \\frac{3\\sigma_w^4}{n}\\big(h(K^l) - g(K^l)^2\\big),

from :math:`K^1 = \\sigma_w^2 q_x + \\sigma_b^2`, :math:`\\delta K^1 = V^1 = 0` (layer 1 is exactly
Gaussian). :func:`cumulants` evaluates it for an activation; :func:`exact_piecewise_linear_cumulants`
gives the exact finite-width values for :math:`\\phi(z) = a z` (z > 0), :math:`b z` (z < 0), whose
conditional-variance chain closes on its first two moments.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from nnfield.numeric.activations import Activation, as_activation
from nnfield.numeric.compile import compile_expression
from nnfield.numeric.parameters import non_negative_real, positive_integer, positive_real
from nnfield.numeric.plots import new_figure, save_figure

__all__ = [
    "CumulantRecursion",
    "FiniteWidthCumulants",
    "ExactCumulants",
    "derive_recursion",
    "cumulants",
    "exact_piecewise_linear_cumulants",
    "first_order_breakdown_figure",
]

# The symbols of the recursion: layer l's kernel, its 1/n shift, its fourth cumulant, the width.
K = sp.Symbol("K_l", positive=True)
DELTA_K = sp.Symbol(r"\delta K_l", real=True)
FOURTH = sp.Symbol("V_l", real=True)
WIDTH = sp.Symbol("n", positive=True)
SIGMA_W = sp.Symbol(r"\sigma_w", positive=True)
SIGMA_B2 = sp.Symbol(r"\sigma_b^2", nonnegative=True)
INPUT_Q = sp.Symbol("q_x", positive=True)
g = sp.Function("g")  # g(K) = E[phi(sqrt(K) xi)^2]
h = sp.Function("h")  # h(K) = E[phi(sqrt(K) xi)^4]


@dataclass(frozen=True)
class CumulantRecursion:
    """The layer-to-layer recursion, derived to first order in 1/n.

    Attributes
    ----------
    kernel : sympy.Eq
        :math:`K_{l+1} = \\sigma_b^2 + \\sigma_w^2 g(K_l)`.
    kernel_correction : sympy.Eq
        :math:`\\delta K_{l+1}` in terms of :math:`\\delta K_l` and :math:`V_l`.
    fourth : sympy.Eq
        :math:`V_{l+1}` in terms of :math:`V_l`.
    first_layer : tuple of sympy.Eq
        :math:`K_1 = \\sigma_w^2 q_x + \\sigma_b^2`, :math:`\\delta K_1 = 0`, :math:`V_1 = 0`.
    neglected : str
        The order of what was dropped.
    """

    kernel: sp.Eq
    kernel_correction: sp.Eq
    fourth: sp.Eq
    first_layer: tuple
    neglected: str

    def latex(self) -> str:
        """The recursion as an aligned LaTeX block."""
        rows = [*self.first_layer, self.kernel, self.kernel_correction, self.fourth]
        body = r" \\ ".join(sp.latex(row.lhs) + " &= " + sp.latex(row.rhs) for row in rows)
        return r"\begin{aligned}" + body + r"\end{aligned}"

    def _repr_latex_(self) -> str:
        return "$$" + self.latex() + "$$"


@functools.cache
def derive_recursion() -> CumulantRecursion:
    """Derive the recursion of :math:`K`, :math:`\\delta K` and :math:`V` from the conditional law of a layer.

    Steps (all in SymPy):

    1. given :math:`\\Delta`, a unit is :math:`N(0, \\Delta)`: its second and fourth moments
       :math:`\\Delta` and :math:`3\\Delta^2` come from integrating the Gaussian density;
    2. layer l's units share :math:`\\Delta^{l-1} = K_l + \\delta K_l + u`, :math:`E u = 0`,
       :math:`E u^2 = V_l/3` (a Gaussian scale mixture has :math:`V = 3\\,\\mathrm{Var}\\,\\Delta`), higher
       central moments :math:`O(n^{-2})`; so :math:`E\\phi_j^2 = E g(\\Delta^{l-1})`,
       :math:`E\\phi_j^4 = E h(\\Delta^{l-1})` and, for :math:`j \\ne k`,
       :math:`E\\phi_j^2\\phi_k^2 = E g(\\Delta^{l-1})^2`, each by Taylor's series to second order in u;
    3. :math:`E\\Delta^l` and :math:`E(\\Delta^l)^2` follow from the n diagonal and n(n-1)
       off-diagonal terms of :math:`(\\sum_j \\phi_j^2)^2`;
    4. with the bookkeeping :math:`1/n = \\epsilon`, :math:`V_l, \\delta K_l = O(\\epsilon)`, the
       coefficients of :math:`\\epsilon^0` and :math:`\\epsilon^1` are collected; the terms in
       :math:`\\epsilon^{1/2}` vanish because :math:`E u = 0`.

    Examples
    --------
    >>> recursion = derive_recursion()
    >>> recursion.kernel
    Eq(K_{l+1}, \\sigma_b^2 + \\sigma_w**2*g(K_l))
    >>> recursion.fourth
    Eq(V_{l+1}, V_l*\\sigma_w**4*Derivative(g(K_l), K_l)**2 - 3*\\sigma_w**4*(g(K_l)**2 - h(K_l))/n)
    """
    epsilon = sp.Symbol("epsilon", positive=True)
    value = sp.Symbol("x", real=True)
    variance = sp.Symbol("Delta", positive=True)
    density = sp.exp(-value**2 / (2 * variance)) / sp.sqrt(2 * sp.pi * variance)
    second = sp.integrate(value**2 * density, (value, -sp.oo, sp.oo)) / variance
    fourth = sp.integrate(value**4 * density, (value, -sp.oo, sp.oo)) / variance**2
    # Taylor coefficients of g and h at K_l stand for g(K_l), g'(K_l), g''(K_l), ...
    g0, g1, g2, h0, h1, h2 = sp.symbols("g0 g1 g2 h0 h1 h2")
    shift, u, v, k = sp.symbols("d u v k", real=True)
    g_series = g0 + g1 * shift + g2 * shift**2 / 2
    h_series = h0 + h1 * shift + h2 * shift**2 / 2
    deviation = epsilon * k + sp.sqrt(epsilon) * u  # delta K = epsilon k, u ~ sqrt(V/3)

    def average(series):
        polynomial = sp.Poly(sp.expand(series.subs(shift, deviation)), u)
        moments = {0: sp.Integer(1), 1: sp.Integer(0), 2: v / 3}  # E u^m; sqrt(epsilon)^m E u^m is O(epsilon^2) for m > 2
        return sum(coefficient * moments.get(power, 0) for (power,), coefficient in polynomial.terms())

    square, quartic, pair = average(g_series), average(h_series), average(g_series**2)
    n = 1 / epsilon
    mean_delta = SIGMA_B2 + SIGMA_W**2 * square
    mean_delta_squared = (SIGMA_B2**2 + 2 * SIGMA_B2 * SIGMA_W**2 * square
                          + SIGMA_W**4 / n**2 * (n * quartic + n * (n - 1) * pair))
    next_second = sp.expand(second * mean_delta)
    next_fourth = sp.expand(fourth * mean_delta_squared - 3 * mean_delta**2)

    root = sp.Symbol("t", positive=True)  # epsilon = t^2: a polynomial in t, half-integer orders included

    def order(expression, power):
        return sp.Poly(sp.expand(expression.subs(epsilon, root**2)), root).coeff_monomial(root ** (2 * power))

    for expression in (next_second, next_fourth):
        if order(expression, sp.Rational(1, 2)) != 0:
            raise ArithmeticError("a term of order n^(-1/2) survived: E u = 0 should remove it")

    derivative = sp.Derivative(g(K), K).doit()
    second_derivative = sp.Derivative(g(K), (K, 2)).doit()
    names = {g0: g(K), g1: derivative, g2: second_derivative, h0: h(K)}
    back = {**names, v: FOURTH * WIDTH, k: DELTA_K * WIDTH}  # epsilon v = V_l, epsilon k = delta K_l
    kernel_rhs = order(next_second, 0).subs(names)
    correction_rhs = sp.expand(order(next_second, 1).subs(back) / WIDTH)
    fourth_rhs = sp.expand(order(next_fourth, 1).subs(back) / WIDTH)
    if order(next_fourth, 0) != 0:
        raise ArithmeticError("the fourth cumulant should vanish at infinite width")
    following = {name: sp.Symbol(str(name).replace("_l", "_{l+1}"), **name.assumptions0)
                 for name in (K, DELTA_K, FOURTH)}
    first = {name: sp.Symbol(str(name).replace("_l", "_1"), **name.assumptions0) for name in (K, DELTA_K, FOURTH)}
    return CumulantRecursion(
        kernel=sp.Eq(following[K], kernel_rhs),
        kernel_correction=sp.Eq(following[DELTA_K], sp.collect(correction_rhs, [DELTA_K, FOURTH])),
        fourth=sp.Eq(following[FOURTH], FOURTH * fourth_rhs.coeff(FOURTH)
                     + sp.factor(sp.expand(fourth_rhs.coeff(FOURTH, 0) * WIDTH)) / WIDTH),
        first_layer=(sp.Eq(first[K], SIGMA_W**2 * INPUT_Q + SIGMA_B2), sp.Eq(first[DELTA_K], 0), sp.Eq(first[FOURTH], 0)),
        neglected="O(1/n^2): the third and fourth central moments of Delta, and products of two O(1/n) terms",
    )


@dataclass(frozen=True)
class FiniteWidthCumulants:
    """The kernel and fourth cumulant of one pre-activation, layers 1..depth, to first order in 1/n.

    Attributes
    ----------
    activation : Activation
    sigma_w2, sigma_b2, input_q : float
    width, depth : int
    kernel : numpy.ndarray
        :math:`K^l`, the infinite-width variance of a pre-activation (shape ``(depth,)``).
    kernel_correction : numpy.ndarray
        :math:`\\delta K^l`, its 1/n shift: :math:`E[(z^l)^2] = K^l + \\delta K^l + O(n^{-2})`.
    fourth : numpy.ndarray
        :math:`V^l = E[(z^l)^4] - 3E[(z^l)^2]^2 + O(n^{-2})`; ``fourth[0] == 0``.
    recursion : CumulantRecursion
        The derived recursion that produced the arrays.
    methods : dict
        How each Gaussian average was taken (``g``, ``g'``, ``g''``, ``h``).
    """

    activation: Activation
    sigma_w2: float
    sigma_b2: float
    width: int
    depth: int
    input_q: float
    kernel: np.ndarray
    kernel_correction: np.ndarray
    fourth: np.ndarray
    recursion: CumulantRecursion
    methods: dict

    @property
    def second_moment(self) -> np.ndarray:
        """:math:`E[(z^l)^2] = K^l + \\delta K^l` to first order in 1/n."""
        return self.kernel + self.kernel_correction

    @property
    def excess_kurtosis(self) -> np.ndarray:
        """:math:`V^l / (K^l)^2`, the departure from Gaussian of one unit, O(depth/width)."""
        return self.fourth / self.kernel**2

    def _repr_latex_(self) -> str:
        return self.recursion._repr_latex_()


_KINKED = (sp.Max, sp.Min, sp.Abs, sp.Heaviside, sp.Piecewise, sp.sign)


def _derivative_averages(activation: Activation):
    """g, g', g'', h of the activation as functions of the variance, and how each is computed.

    Closed forms are differentiated in SymPy; otherwise the heat equation of the Gaussian,
    :math:`\\partial_q E[f(\\sqrt q\\xi)] = \\tfrac12 E[f''(\\sqrt q\\xi)]`, turns each derivative into
    the average of a derivative of :math:`\\phi^2`, taken by the activation's quadrature.
    """
    x, phi = activation.variable, activation.expression
    # A gated activation, phi = x * gate with gate in {0, 1}, has phi^p = x^p gate: SymPy integrates that fast.
    square, quartic = (activation.average(phi**power if activation.gate is None else x**power * activation.gate)
                       for power in (2, 4))
    methods = {"g": square.method, "h": quartic.method}
    if square.expression is not None:
        (variance,) = square.expression.free_symbols or {sp.Symbol("q", positive=True)}
        slope, curvature = (np.vectorize(sp.lambdify(variance, sp.diff(square.expression, variance, order),
                                                     ["scipy", "numpy"]), otypes=[float])
                            for order in (1, 2))
        methods["g'"] = methods["g''"] = square.method + ", differentiated"
        return square, slope, curvature, quartic, methods
    if phi.has(*_KINKED):
        raise ValueError(f"E[({phi})^2] has no closed form and the activation has a kink: the derivatives of the "
                         "average would need Dirac deltas there; give a smooth activation or one with a closed form")
    slope = activation.average(sp.diff(phi**2, x, 2) / 2)
    curvature = activation.average(sp.diff(phi**2, x, 4) / 4)
    methods["g'"] = f"{slope.method} of (phi^2)''/2 (heat equation)"
    methods["g''"] = f"{curvature.method} of (phi^2)''''/4 (heat equation)"
    return square, slope, curvature, quartic, methods


@functools.cache
def _compiled_recursion():
    """The derived right-hand sides compiled, with the averages g, g', g'', h as plain arguments."""
    recursion = derive_recursion()
    averages = sp.symbols("g0 g1 g2 h0")
    names = {sp.Derivative(g(K), (K, 2)): averages[2], sp.Derivative(g(K), K): averages[1],
             g(K): averages[0], h(K): averages[3]}
    arguments = (SIGMA_W, SIGMA_B2, WIDTH, DELTA_K, FOURTH, *averages)
    return tuple(compile_expression(equation.rhs.subs(names), arguments)
                 for equation in (recursion.kernel, recursion.kernel_correction, recursion.fourth))


def cumulants(activation, variable=None, *, sigma_w2, sigma_b2, width, depth, input_q=1.0) -> FiniteWidthCumulants:
    """The kernel, its 1/n shift and the fourth cumulant of a pre-activation of a deep network of width n.

    Parameters
    ----------
    activation : Activation or sympy.Expr
        An :class:`~nnfield.numeric.activations.Activation`, or a SymPy expression in ``variable``.
    variable : sympy.Symbol, optional
        Only with an expression.
    sigma_w2 : float
        Weight variance times the width, :math:`\\sigma_w^2 > 0`.
    sigma_b2 : float
        Bias variance, :math:`\\sigma_b^2 \\ge 0`.
    width, depth : int
        n and the number of layers L (layer 1 is :math:`W^1 x + b^1`).
    input_q : float
        :math:`q_x = |x|^2/n_0` of the fixed input.

    Returns
    -------
    FiniteWidthCumulants
        Arrays over layers 1..L from the compiled recursion of :func:`derive_recursion`.

    Examples
    --------
    A linear network without bias: :math:`V^l/(K^l)^2 = 6(l-1)/n` to first order.

    >>> from nnfield.numeric.activations import LINEAR, RELU
    >>> linear = cumulants(LINEAR, sigma_w2=1.0, sigma_b2=0.0, width=100, depth=4)
    >>> linear.kernel, linear.excess_kurtosis.round(12)
    (array([1., 1., 1., 1.]), array([0.  , 0.06, 0.12, 0.18]))

    The ReLU at criticality, :math:`V^l/(K^l)^2 = 15(l-1)/n`:

    >>> relu = cumulants(RELU, sigma_w2=2.0, sigma_b2=0.0, width=100, depth=3)
    >>> relu.excess_kurtosis.round(12), relu.methods["h"]
    (array([0.  , 0.15, 0.3 ]), 'closed form')
    """
    activation = as_activation(activation, variable)
    sigma_w2 = positive_real("sigma_w2", sigma_w2, "the weight variance times the width")
    sigma_b2 = non_negative_real("sigma_b2", sigma_b2, "the bias variance")
    width = positive_integer("width", width, "the number of units n of every layer")
    depth = positive_integer("depth", depth, "the number of layers")
    input_q = positive_real("input_q", input_q, "|x|^2 / n_0 of the input")
    square, slope, curvature, quartic, methods = _derivative_averages(activation)
    kernel_step, correction_step, fourth_step = _compiled_recursion()
    kernel, correction, fourth = np.zeros(depth), np.zeros(depth), np.zeros(depth)
    kernel[0] = sigma_w2 * input_q + sigma_b2
    sigma_w = math.sqrt(sigma_w2)
    for layer in range(1, depth):
        previous = kernel[layer - 1]
        averages = (square(previous), slope(previous), curvature(previous), quartic(previous))
        state = (sigma_w, sigma_b2, width, correction[layer - 1], fourth[layer - 1], *averages)
        kernel[layer] = kernel_step(*state)
        correction[layer] = correction_step(*state)
        fourth[layer] = fourth_step(*state)
    return FiniteWidthCumulants(activation, sigma_w2, sigma_b2, width, depth, input_q, kernel, correction, fourth,
                                derive_recursion(), methods)


@dataclass(frozen=True)
class ExactCumulants:
    """Exact finite-width moments of a network whose activation is :math:`\\phi(z) = a z` (z > 0), :math:`b z` (z < 0).

    Attributes
    ----------
    second_moment : numpy.ndarray
        :math:`E[(z^l)^2]`, layers 1..depth.
    fourth : numpy.ndarray
        :math:`E[(z^l)^4] - 3E[(z^l)^2]^2`, layers 1..depth.
    width, depth : int
    """

    second_moment: np.ndarray
    fourth: np.ndarray
    width: int
    depth: int

    @property
    def excess_kurtosis(self) -> np.ndarray:
        """:math:`V^l / E[(z^l)^2]^2`."""
        return self.fourth / self.second_moment**2


def exact_piecewise_linear_cumulants(positive_slope=1.0, negative_slope=0.0, *, sigma_w2, sigma_b2, width, depth,
                                     input_q=1.0) -> ExactCumulants:
    """Exact :math:`E z^2` and fourth cumulant of every layer for :math:`\\phi(z) = a z\\,[z>0] + b z\\,[z<0]`.

    Given layer l-1, the units of layer l are :math:`N(0, \\Delta)`, and
    :math:`\\sum_j \\phi(z_j)^2 = \\Delta\\,Y` with :math:`Y = a^2\\chi^2_k + b^2\\chi^2_{n-k}`,
    :math:`k \\sim \\mathrm{Binomial}(n, 1/2)` positive units, independent of :math:`\\Delta`. So
    :math:`\\Delta' = \\sigma_b^2 + \\sigma_w^2\\Delta Y/n` closes on its first two moments, with

    .. math:: E Y = \\frac{n(a^2+b^2)}{2}, \\qquad
              E Y^2 = (a^4+b^4)\\frac{n(n+5)}{4} + a^2b^2\\frac{n(n-1)}{2},

    and :math:`E z^2 = E\\Delta`, :math:`V = 3\\,\\mathrm{Var}\\,\\Delta`. The linear network is
    :math:`a = b = 1`, the ReLU :math:`a = 1, b = 0`.

    Examples
    --------
    ReLU without bias: :math:`V^l / E[z^2]^2 = 3[(1 + 5/n)^{l-1} - 1]`.

    >>> exact = exact_piecewise_linear_cumulants(sigma_w2=2.0, sigma_b2=0.0, width=10, depth=3)
    >>> exact.second_moment, exact.excess_kurtosis.round(12)
    (array([2., 2., 2.]), array([0.  , 1.5 , 3.75]))
    """
    for name, slope in (("positive_slope", positive_slope), ("negative_slope", negative_slope)):
        if isinstance(slope, bool) or not isinstance(slope, (int, float)) or not math.isfinite(slope):
            raise TypeError(f"{name} must be a finite real number; got {slope!r}")
    sigma_w2 = positive_real("sigma_w2", sigma_w2, "the weight variance times the width")
    sigma_b2 = non_negative_real("sigma_b2", sigma_b2, "the bias variance")
    n = positive_integer("width", width, "the number of units n of every layer")
    depth = positive_integer("depth", depth, "the number of layers")
    input_q = positive_real("input_q", input_q, "|x|^2 / n_0 of the input")
    a2, b2 = float(positive_slope) ** 2, float(negative_slope) ** 2
    mean_y = n * (a2 + b2) / 2
    mean_y_squared = (a2**2 + b2**2) * n * (n + 5) / 4 + a2 * b2 * n * (n - 1) / 2
    first, second = np.zeros(depth), np.zeros(depth)  # E Delta^{l-1}, E (Delta^{l-1})^2: the law of layer l
    first[0] = sigma_w2 * input_q + sigma_b2
    second[0] = first[0] ** 2
    for layer in range(1, depth):
        first[layer] = sigma_b2 + sigma_w2 * mean_y / n * first[layer - 1]
        second[layer] = (sigma_b2**2 + 2 * sigma_b2 * sigma_w2 * mean_y / n * first[layer - 1]
                         + sigma_w2**2 * mean_y_squared / n**2 * second[layer - 1])
    return ExactCumulants(first, 3 * (second - first**2), n, depth)


def first_order_breakdown_figure(path, *, widths=(8, 16, 32, 64, 128), max_ratio=1.0, sigma_b2=0.0):
    """Where first order fails: the ReLU network's fourth cumulant, first order against exact.

    Left: :math:`V^l/E[z^2]^2` against depth for three widths, exact (solid, from
    :func:`exact_piecewise_linear_cumulants`) and first order (dashed). Right: the relative error of
    first order against l/n for every width, from layer 3 on (layer 2 is exact at first order,
    layer 1 being Gaussian). The curves collapse: without bias, first order is 10 % low at
    l/n = 0.05 and 50 % low at l/n = 0.25 for large n (0.18 and 0.43 at n = 8), its error growing
    as :math:`5(l-2)/(2n)`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> first_order_breakdown_figure(folder / "breakdown.png", widths=(8, 16)).stat().st_size > 10_000
    True
    """
    from nnfield.numeric.activations import RELU

    figure = new_figure(11.0, 4.4)[0]
    figure.clear()
    left, right = figure.subplots(1, 2)
    colours = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]
    for index, width in enumerate(widths):
        depth = max(2, int(round(max_ratio * width)))
        theory = cumulants(RELU, sigma_w2=2.0, sigma_b2=sigma_b2, width=width, depth=depth)
        exact = exact_piecewise_linear_cumulants(sigma_w2=2.0, sigma_b2=sigma_b2, width=width, depth=depth)
        layers = np.arange(1, depth + 1)
        colour = colours[index % len(colours)]
        if index % 2 == 0:
            left.plot(layers, exact.excess_kurtosis, color=colour, label=f"n = {width}, exact")
            left.plot(layers, theory.fourth / theory.second_moment**2, color=colour, linestyle="--",
                      label=f"n = {width}, first order")
        error = np.abs(theory.fourth[2:] / exact.fourth[2:] - 1)
        right.plot(layers[2:] / width, error, color=colour, label=f"n = {width}")
    left.set_xlabel("layer l")
    left.set_ylabel(r"$V^l / E[(z^l)^2]^2$")
    left.set_yscale("log")
    left.set_title(r"ReLU, $\sigma_w^2 = 2$: fourth cumulant of one unit")
    left.legend(fontsize=8)
    right.set_xlabel("depth / width, l / n")
    right.set_ylabel("|first order / exact - 1|")
    right.set_xscale("log")
    right.set_yscale("log")
    right.axhline(0.1, color="grey", linewidth=0.8, linestyle=":", label="10 %")
    right.set_title("relative error of first order in 1/n")
    right.legend(fontsize=8)
    figure.tight_layout()
    return save_figure(figure, path)
