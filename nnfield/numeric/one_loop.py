"""Numeric evaluation of one-loop corrections of a lattice model (see :mod:`nnfield.symbolic.loops`).

:func:`compile_one_loop` compiles the coefficients of a one-loop expansion once; calling the
result at numeric parameters gives a :class:`OneLoopPoint` with the shift of each field's mean,
the self-energy :math:`\\Sigma(q)` and the corrected mode covariance
:math:`C(q) = (K(q) - \\Sigma(q))^{-1}`. Closed forms found by residues are used where the
symbolic expansion has them; the other Brillouin-zone sums are done by the trapezoidal rule on
``grid`` equally spaced wavenumbers, which for a periodic analytic integrand converges like
:math:`e^{-\\kappa\\,\\text{grid}}` (:math:`1/\\kappa` the decay length of the correlations); the grid
is doubled until the propagator has decayed to ``1e-13`` of its size at the far end of the grid.

The expansion object is read through its attributes (``vertices``, ``tadpole``, ...), so this
module does not import the symbolic engine.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from nnfield.numeric.compile import compile_expression, compile_matrix

__all__ = ["OneLoopEvaluator", "OneLoopPoint", "compile_one_loop"]

_LARGEST_GRID = 2**15


@dataclass(frozen=True)
class OneLoopPoint:
    """The one-loop corrections at numeric parameters.

    Attributes
    ----------
    mean_shift : numpy.ndarray
        :math:`m_a`, the shift of each field's mean from the saddle, shape ``(n_fields,)``.
    gaussian_covariance : numpy.ndarray
        :math:`G(0) = \\int \\frac{dp}{2\\pi} K(p)^{-1}`, the equal-site covariance of the Gaussian theory.
    covariance : numpy.ndarray
        :math:`\\int \\frac{dp}{2\\pi} (K(p) - \\Sigma(p))^{-1}`, the equal-site covariance at one loop.
    grid : int
        The number of wavenumbers of the quadratures.
    method : str
        Which parts were closed forms and which were integrated numerically.
    """

    mean_shift: np.ndarray
    gaussian_covariance: np.ndarray
    covariance: np.ndarray
    grid: int
    method: str
    _kernel: object = field(repr=False, compare=False)
    _self_energy: object = field(repr=False, compare=False)

    def kernel(self, q) -> np.ndarray:
        """:math:`K(q)`, shape ``q.shape + (n, n)``."""
        return self._kernel(np.asarray(q, dtype=float))

    def self_energy(self, q) -> np.ndarray:
        """:math:`\\Sigma(q)`, shape ``q.shape + (n, n)``."""
        return self._self_energy(np.asarray(q, dtype=float))

    def mode_covariance(self, q) -> np.ndarray:
        """:math:`C(q) = (K(q) - \\Sigma(q))^{-1}` (``numpy.fft`` convention), shape ``q.shape + (n, n)``."""
        return np.linalg.inv(self.kernel(q) - self.self_energy(q))


@dataclass(frozen=True)
class OneLoopEvaluator:
    """Compiled one-loop corrections; call with numbers in the order of ``arguments``.

    Attributes
    ----------
    arguments : tuple of sympy.Symbol
    grid : int
        The starting number of wavenumbers of the numeric Brillouin-zone sums.
    method : str
    """

    arguments: tuple
    grid: int
    method: str
    _parts: dict = field(repr=False, compare=False)

    def __call__(self, *values) -> OneLoopPoint:
        if len(values) != len(self.arguments):
            names = ", ".join(str(a) for a in self.arguments)
            raise TypeError(f"expected {len(self.arguments)} values ({names}); got {len(values)}")
        return _evaluate(self, values)


def _legs(vertices):
    present = {leg for group in (vertices.linear, vertices.quadratic, vertices.cubic, vertices.quartic)
               for c in group for leg in c.legs}
    return sorted(present)


def compile_one_loop(loop, arguments, *, grid: int = 128, closed_form: bool = True) -> OneLoopEvaluator:
    r"""Compile a one-loop expansion (a :class:`~nnfield.symbolic.loops.OneLoop`) for numeric use.

    Parameters
    ----------
    loop : OneLoop
    arguments : sequence of sympy.Symbol
        Every parameter of the model, in the order the evaluator takes them.
    grid : int
        Starting number of wavenumbers for the numeric Brillouin-zone sums (a power of 2).
    closed_form : bool
        Use the closed forms of the expansion where it has them (default); ``False`` integrates
        everything numerically.

    Examples
    --------
    One site with :math:`E = N(x^2/2 + a x^3/3)`: the mean moves by :math:`-a/N` and the
    self-energy :math:`\Sigma = 4a^2` makes the variance :math:`1/(N - 4a^2) = 1/N + 4a^2/N^2 + \dots`.

    >>> import sympy as sp
    >>> from nnfield.symbolic import lattice_model, saddle_at
    >>> from nnfield.symbolic.loops import interaction_vertices, one_loop
    >>> x, l = sp.IndexedBase("x", real=True), sp.Symbol("l", integer=True)
    >>> N, a = sp.symbols("N a", positive=True)
    >>> model = lattice_model(N * (x[l]**2 / 2 + a * x[l]**3 / 3), [x], l)
    >>> loop = one_loop(interaction_vertices(model, saddle_at(model, [0]), N), inside_at={N: 10, a: 1})
    >>> point = compile_one_loop(loop, (N, a), closed_form=False)(100, 0.5)
    >>> round(float(point.mean_shift[0]), 12), round(float(point.covariance[0, 0]), 12)
    (-0.005, 0.010101010101)
    """
    if isinstance(grid, bool) or not isinstance(grid, (int, np.integer)) or grid < 8 or grid & (grid - 1):
        raise ValueError(f"grid must be a power of 2 of at least 8 wavenumbers; got {grid!r}")
    arguments = tuple(arguments)
    vertices = loop.vertices
    kernel = vertices.kernel
    q = kernel.q
    size = kernel.matrix.shape[0]
    legs = _legs(vertices)
    index = {leg: i for i, leg in enumerate(legs)}
    values = [c.value for group in (vertices.linear, vertices.quadratic, vertices.cubic, vertices.quartic)
              for c in group]
    coefficients = compile_expression(sp.Tuple(*values), arguments) if values else None
    parts = {
        "size": size,
        "legs": legs,
        "fields": np.array([a for a, _ in legs], dtype=int),
        "offsets": np.array([d for _, d in legs], dtype=int),
        "index": index,
        "groups": [[c.legs for c in group] for group in
                   (vertices.linear, vertices.quadratic, vertices.cubic, vertices.quartic)],
        "coefficients": coefficients,
        "kernel": compile_matrix(kernel.matrix, arguments + (q,)),
    }
    used = []
    if closed_form and loop.tadpole is not None:
        parts["tadpole"] = compile_expression(sp.Tuple(*loop.tadpole), arguments)
        parts["local"] = compile_matrix(loop.local_self_energy, arguments + (q,))
        used.append("tadpole and local self-energy in closed form")
    if closed_form and loop.bubble is not None:
        parts["bubble"] = compile_matrix(loop.bubble, arguments + (q,))
        used.append("bubble in closed form")
    numeric = [name for name in ("tadpole", "bubble") if name not in parts]
    if numeric:
        used.append(" and ".join(numeric) + " by the trapezoidal rule")
    return OneLoopEvaluator(arguments, int(grid), "; ".join(used), parts)


def _tensors(parts, values):
    """The numeric coefficient arrays over legs: h (per field), delta K, D3, D4."""
    n_legs, size, index = len(parts["legs"]), parts["size"], parts["index"]
    numbers = list(parts["coefficients"](*values)) if parts["coefficients"] is not None else []
    h = np.zeros(size)
    quadratic = np.zeros((n_legs,) * 2)
    cubic = np.zeros((n_legs,) * 3)
    quartic = np.zeros((n_legs,) * 4)
    position = 0
    for group, target in zip(parts["groups"], (None, quadratic, cubic, quartic)):
        for legs in group:
            value = float(numbers[position])
            position += 1
            if target is None:
                h[legs[0][0]] += value
                continue
            for ordering in set(itertools.permutations(legs)):
                target[tuple(index[leg] for leg in ordering)] = value
    return h, quadratic, cubic, quartic


def _propagator(parts, values, grid):
    """``(grid, C(p_j), G(delta) for delta mod grid)``, refining the grid until G has decayed."""
    while True:
        p = 2 * np.pi * np.arange(grid) / grid
        covariance = np.linalg.inv(np.asarray(parts["kernel"](*values, p), dtype=complex))
        propagator = np.fft.ifft(covariance, axis=0).real
        far = np.abs(propagator[grid // 2]).max()
        if far <= 1e-13 * np.abs(propagator[0]).max() or grid >= _LARGEST_GRID:
            return grid, covariance, propagator
        grid *= 2


def _evaluate(evaluator, values) -> OneLoopPoint:
    parts = evaluator._parts
    size, fields, offsets = parts["size"], parts["fields"], parts["offsets"]
    grid, covariance, propagator = _propagator(parts, values, evaluator.grid)
    h, quadratic, cubic, quartic = _tensors(parts, values)

    def between(shift):  # G between legs, shifted by u sites: shape shift.shape + (legs, legs)
        lag = (shift[..., None, None] + offsets[:, None] - offsets[None, :]) % grid
        return propagator[lag, fields[:, None], fields[None, :]]

    legs_propagator = between(np.zeros((), dtype=int))
    if "tadpole" in parts:
        shift = np.asarray(parts["tadpole"](*values), dtype=float).reshape(size)
    else:
        source = h.copy()
        np.add.at(source, fields, np.einsum("abc,bc->a", cubic, legs_propagator) / 2)
        shift = -covariance[0].real @ source
    local_legs = quadratic + np.einsum("abc,c->ab", cubic, shift[fields]) \
        + np.einsum("abcd,cd->ab", quartic, legs_propagator) / 2

    span = int(np.ptp(offsets)) if offsets.size else 0
    reach = grid // 2 - span - 1
    lags = np.arange(-reach, reach + 1)
    loops = _bubble_lags(cubic, between(lags))

    def self_energy(q):
        q = np.asarray(q, dtype=float)
        phase_legs = np.exp(-1j * q[..., None] * offsets)  # e^{-i q delta_alpha}
        result = np.zeros(q.shape + (size, size), dtype=complex)
        if "local" in parts:
            result += np.asarray(np.broadcast_to(parts["local"](*values, q), q.shape + (size, size)))
        else:
            terms = -local_legs * phase_legs[..., :, None] * phase_legs[..., None, :].conj()
            _add_by_field(result, terms, fields)
        if "bubble" in parts:
            result += np.asarray(np.broadcast_to(parts["bubble"](*values, q), q.shape + (size, size)))
        elif np.any(cubic):
            # sum_u e^{-i q u} B(u) as two real matrix products (a complex product with real B costs several times more)
            phase, flat = q[..., None] * lags, loops.reshape(lags.size, -1)
            summed = (np.cos(phase) @ flat - 1j * (np.sin(phase) @ flat)).reshape(q.shape + loops.shape[1:])
            terms = summed * phase_legs[..., :, None] * phase_legs[..., None, :].conj() / 2
            _add_by_field(result, terms, fields)
        return result

    def kernel(q):
        return np.asarray(parts["kernel"](*values, q), dtype=complex)

    p = 2 * np.pi * np.arange(grid) / grid
    corrected = np.linalg.inv(kernel(p) - self_energy(p))
    return OneLoopPoint(
        mean_shift=shift,
        gaussian_covariance=covariance.mean(axis=0).real,
        covariance=corrected.mean(axis=0).real,
        grid=grid,
        method=evaluator.method,
        _kernel=kernel,
        _self_energy=self_energy,
    )


def _bubble_lags(cubic, propagator):
    """:math:`B_{ax}(u) = \\sum D_{abc} D_{xyz} G_{by}(u) G_{cz}(u)` over the legs, as two matrix products.

    ``cubic`` has shape (legs, legs, legs), ``propagator`` (lags, legs, legs); the result (lags, legs, legs)
    equals ``einsum("abc,xyz,uby,ucz->uax", ...)``.
    """
    lags, legs = propagator.shape[0], cubic.shape[0]
    pairs = np.einsum("uby,ucz->ubcyz", propagator, propagator).reshape(lags, legs * legs, legs * legs)
    flat = cubic.reshape(legs, legs * legs)
    return np.matmul(np.matmul(flat, pairs), flat.T)


def _add_by_field(result, terms, fields):
    """Add leg-by-leg terms ``(..., legs, legs)`` into ``result`` ``(..., n, n)`` by the legs' fields."""
    for i, a in enumerate(fields):
        for j, b in enumerate(fields):
            result[..., a, b] += terms[..., i, j]
