"""The Hessian of a function of layered parameters, block by block, and the symmetry of its spectrum.

For parameters grouped into layers :math:`\\theta = (\\theta_1, \\dots, \\theta_L)` the Hessian has
blocks :math:`H_{ll'} = \\partial^2 f/\\partial\\theta_l\\,\\partial\\theta_{l'}`. If signs
:math:`s_l = \\pm 1` exist with :math:`H_{ll'} = 0` whenever :math:`s_l = s_{l'}` (no same-layer block,
and the layers two-coloured by the nonzero blocks), then :math:`S = \\mathrm{dg}(s_l \\mathbb 1)`
satisfies :math:`S H S = -H`, and the spectrum of :math:`H` is exactly symmetric about zero. Otherwise
an odd spectral moment :math:`\\mathrm{tr}\\,H^{k}` that does not vanish at some point shows that
it is not.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp

from nnfield.symbolic.differentiation import derivative

__all__ = ["LayerHessian", "layer_hessian", "vanishes", "sign_symmetry", "odd_moments", "spectrum_symmetric"]


@dataclass(frozen=True)
class LayerHessian:
    """The Hessian of a function of layered parameters.

    Attributes
    ----------
    matrix : sympy.ImmutableMatrix
        :math:`\\partial^2 f/\\partial\\theta_a\\partial\\theta_b`, parameters in layer order.
    layers : tuple of tuple of sympy.Symbol
    """

    matrix: sp.ImmutableMatrix
    layers: tuple[tuple[sp.Symbol, ...], ...]

    def block(self, first: int, second: int) -> sp.ImmutableMatrix:
        """:math:`H_{ll'}` for layers ``first`` and ``second`` (numbered from 1)."""
        count = len(self.layers)
        for layer in (first, second):
            if not 1 <= layer <= count:
                raise ValueError(f"layers are numbered 1..{count}; got {layer}")
        offsets = [0, *itertools.accumulate(len(layer) for layer in self.layers)]
        return sp.ImmutableMatrix(self.matrix[offsets[first - 1]:offsets[first], offsets[second - 1]:offsets[second]])


def layer_hessian(expression, layers) -> LayerHessian:
    """The Hessian of ``expression`` in the parameters ``layers`` (a sequence of sequences of symbols).

    Examples
    --------
    >>> import sympy as sp
    >>> a, b = sp.symbols("a b")
    >>> layer_hessian(a * b, [[a], [b]]).block(1, 2)
    Matrix([[1]])
    """
    layers = tuple(tuple(layer) for layer in layers)
    if not layers or not all(layers):
        raise ValueError(f"layers must be a non-empty sequence of non-empty groups of parameters; got {layers!r}")
    parameters = [p for layer in layers for p in layer]
    if len(set(parameters)) != len(parameters):
        raise ValueError("a parameter appears in two layers (or twice in one)")
    expression = sp.sympify(expression)
    differentiate = derivative if all(isinstance(p, sp.Symbol) for p in parameters) else sp.diff
    gradient = [differentiate(expression, p) for p in parameters]
    size = len(parameters)
    upper = {(a, b): differentiate(gradient[a], parameters[b]) for a in range(size) for b in range(a, size)}
    return LayerHessian(sp.ImmutableMatrix(size, size, lambda a, b: upper[min(a, b), max(a, b)]), layers)


def _numeric_point(point) -> dict:
    """The point with 20-digit floats, so that substitution evaluates as it goes."""
    return {symbol: sp.Float(value, 20) for symbol, value in point.items()}


def _value(expression, point):
    return sp.N(sp.sympify(expression).xreplace(_numeric_point(point)), 20)


def vanishes(expression, point, tolerance=1e-12) -> bool | None:
    """``True`` if ``expression`` is identically zero, ``False`` if it is not zero at ``point``.

    ``point`` (symbol -> number) should be a point where the formula holds (e.g. gates equal to
    the step function of their fields there); ``None`` when the value is zero at ``point`` but
    the expression does not expand to zero. Values are computed to 20 digits; ``tolerance`` is
    absolute.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> vanishes(x * (x + 1) - x**2 - x, {x: 1}), vanishes(sp.tanh(x), {x: 1}), vanishes(x - 1, {x: 1})
    (True, False, None)
    """
    expression = sp.sympify(expression)
    if expression == 0:
        return True
    if abs(complex(_value(expression, point))) > tolerance:
        return False
    return True if sp.expand(expression) == 0 else None


def sign_symmetry(hessian: LayerHessian) -> tuple[int, ...] | None:
    """Signs :math:`s_l` with :math:`S H S = -H` exactly, if the blocks allow them (else ``None``).

    A block counts as zero only if it is identically zero; the first layer gets ``+1``.

    Examples
    --------
    >>> import sympy as sp
    >>> a, b, c = sp.symbols("a b c")
    >>> sign_symmetry(layer_hessian(a * b, [[a], [b]])), sign_symmetry(layer_hessian(a * b * c, [[a], [b], [c]]))
    ((1, -1), None)
    """
    count = len(hessian.layers)
    coupled = {(l, m) for l in range(1, count + 1) for m in range(l, count + 1)
               if not all(sp.expand(entry) == 0 for entry in hessian.block(l, m))}
    for signs in itertools.product((1, -1), repeat=count - 1):
        signs = (1, *signs)
        if all(signs[l - 1] != signs[m - 1] for l, m in coupled):
            return signs
    return None


def odd_moments(hessian: LayerHessian, point, orders=(1, 3)) -> tuple:
    """:math:`\\mathrm{tr}\\,H^k` at ``point`` for each odd ``k`` in ``orders`` (20-digit numbers).

    Examples
    --------
    >>> import sympy as sp
    >>> a, b = sp.symbols("a b")
    >>> odd_moments(layer_hessian(a**2 + a * b, [[a], [b]]), {a: 1, b: 1})
    (2.0000000000000000000, 14.000000000000000000)
    """
    if any(k % 2 == 0 or k < 1 for k in orders):
        raise ValueError(f"orders must be odd positive integers; got {tuple(orders)!r}")
    numeric = hessian.matrix.xreplace(_numeric_point(point)).evalf(20)
    if numeric.free_symbols:
        raise ValueError(f"the point leaves {sorted(map(str, numeric.free_symbols))} without values")
    return tuple(sp.N((numeric**k).trace(), 20) for k in orders)


def spectrum_symmetric(hessian: LayerHessian, point, tolerance=1e-12) -> bool | None:
    """Whether the spectrum of the Hessian is symmetric about zero wherever ``point``'s formula holds.

    ``True`` when :func:`sign_symmetry` finds signs (exact, at every point); ``False`` when an odd
    moment :math:`\\mathrm{tr}\\,H` or :math:`\\mathrm{tr}\\,H^3` is nonzero at ``point`` (a
    counterexample); ``None`` otherwise.

    Examples
    --------
    >>> import sympy as sp
    >>> a, b, c = sp.symbols("a b c")
    >>> spectrum_symmetric(layer_hessian(a * b * c, [[a], [b], [c]]), {a: 1, b: 2, c: 3})
    False
    """
    if vanishes(hessian.matrix.trace(), point, tolerance) is False:
        return False
    if sign_symmetry(hessian) is not None:
        return True
    if any(abs(moment) > tolerance for moment in odd_moments(hessian, point)):
        return False
    return None
