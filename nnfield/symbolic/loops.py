"""Interactions and the one-loop expansion of a lattice model about a uniform saddle.

Write the fields about a uniform saddle of the leading-order energy as
:math:`\\phi_a[l] = \\phi_a^* + \\epsilon_a[l]`. A *leg* :math:`\\alpha = (a, \\delta)` is the
fluctuation of field ``a`` at site :math:`l + \\delta` as the site energy :math:`E_l` sees it. The
total energy of a ring is expanded as

.. math:: H = H^* + \\sum_l \\Big[ h_\\alpha \\epsilon_\\alpha
          + \\tfrac12 (K + \\delta K)_{\\alpha\\beta}\\epsilon_\\alpha\\epsilon_\\beta
          + \\tfrac16 D_{\\alpha\\beta\\gamma}\\epsilon_\\alpha\\epsilon_\\beta\\epsilon_\\gamma
          + \\tfrac1{24} D_{\\alpha\\beta\\gamma\\zeta}\\epsilon_\\alpha\\epsilon_\\beta\\epsilon_\\gamma\\epsilon_\\zeta
          \\Big] + \\dots,

where :math:`D` are the partial derivatives of the site energy at the saddle (summed over
ordered legs), :math:`K` is the Gaussian (leading-order) Hessian and :math:`h, \\delta K` come from
the corrections a leading-order treatment dropped (the exact Jacobian, Stirling's next term).

**Power counting.** Each coefficient is a function of a large parameter N. The Gaussian kernel
fixes the size of each field's fluctuation, :math:`\\epsilon_a \\sim N^{-\\beta_a/2}` with
:math:`\\beta_a` the power of N in :math:`K_{aa}`; a coefficient with legs :math:`a_1 \\dots a_n`
and power :math:`p` of N then carries :math:`N^{p - \\sum_i \\beta_{a_i}/2}` in fields of unit size.
The expansion is controlled when every such power is negative. One loop keeps the mean to
:math:`N^{-1/2}` and the two-point function to :math:`N^{-1}` relative to the Gaussian: the
leading term of :math:`h` and :math:`D^{(3)}` (power -1/2) and of :math:`\\delta K` and
:math:`D^{(4)}` (power -1); anything smaller is dropped and listed.

**One loop.** With :math:`G_{ab}(\\delta) = \\langle\\epsilon_a[l+\\delta]\\epsilon_b[l]\\rangle =
\\int_{-\\pi}^{\\pi}\\frac{dp}{2\\pi} C_{ab}(p) e^{ip\\delta}`, :math:`C = K^{-1}`, and
:math:`G_{\\alpha\\beta} = G_{ab}(\\delta_\\alpha - \\delta_\\beta)`:

- tadpole (shift of the mean): :math:`m_a = -\\sum_b C_{ab}(0)\\,(h_b + J_b)`,
  :math:`J_b = \\tfrac12 \\sum_{\\alpha \\in b} D_{\\alpha\\beta\\gamma} G_{\\beta\\gamma}`;
- local self-energy: :math:`-\\Sigma^{\\rm loc}_{\\alpha\\beta} = \\delta K_{\\alpha\\beta}
  + D_{\\alpha\\beta\\gamma} m_{\\gamma} + \\tfrac12 D_{\\alpha\\beta\\gamma\\zeta} G_{\\gamma\\zeta}`;
- bubble: :math:`\\Sigma^{\\rm bub}_{ab}(q) = \\tfrac12 \\int \\frac{dp}{2\\pi}
  W_{ace}(-q, p, q-p)\\, C_{cd}(p)\\, C_{ef}(q-p)\\, \\overline{W_{bdf}(-q, p, q-p)}`,
  with the Fourier vertex :math:`W_{abc}(k_1,k_2,k_3) = \\sum_{\\delta} D_{(a\\delta_1)(b\\delta_2)(c\\delta_3)}
  e^{i(k_1\\delta_1+k_2\\delta_2+k_3\\delta_3)}` on :math:`k_1+k_2+k_3 = 0` (momentum conservation);

and the mode covariance (``numpy.fft`` convention, as in :mod:`~nnfield.symbolic.fourier`) is
:math:`C(q) = (K(q) - \\Sigma(q))^{-1}`. Brillouin-zone sums of rational functions of
:math:`z = e^{ip}` are done exactly by residues inside the unit circle
(:func:`brillouin_average`); :class:`~nnfield.numeric.one_loop.OneLoopEvaluator` does them numerically by the trapezoidal
rule on a periodic grid, which converges exponentially for these analytic integrands.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass

import sympy as sp

from nnfield.symbolic.conditions import identically_zero
from nnfield.symbolic.fluctuations import QuadraticFluctuations, quadratic_fluctuations
from nnfield.symbolic.fourier import FourierKernel, fourier_kernel
from nnfield.symbolic.lattice import lattice_model

__all__ = [
    "leading_power",
    "brillouin_average",
    "Coefficient",
    "InteractionVertices",
    "interaction_vertices",
    "OneLoop",
    "one_loop",
]


def leading_power(expression, large: sp.Symbol) -> tuple[sp.Rational, sp.Expr]:
    """The leading behaviour :math:`c\\,N^p` of ``expression`` as the large parameter N grows.

    Returns ``(p, c)``; ``p`` is a rational number (half-integer powers arise from square roots).

    Examples
    --------
    >>> import sympy as sp
    >>> N, s = sp.symbols("N s", positive=True)
    >>> leading_power(N / sp.sqrt(N * s + 1) + 3 / N, N)
    (1/2, 1/sqrt(s))
    >>> leading_power(sp.Integer(0), N)
    Traceback (most recent call last):
    ...
    ValueError: the expression is zero; it has no leading power of N
    """
    power, coefficient = _leading_term(expression, large)
    return power, sp.simplify(coefficient)


def _leading_term(expression, large: sp.Symbol) -> tuple[sp.Rational, sp.Expr]:
    """``(p, c)`` of :func:`leading_power` with ``c`` as the series expansion leaves it (not simplified)."""
    expression = sp.sympify(expression)
    if expression == 0:
        raise ValueError(f"the expression is zero; it has no leading power of {large}")
    t = sp.Dummy("t", positive=True)
    small = expression.subs(large, t**-2)
    try:
        lead = small.as_leading_term(t)
    except sp.PoleError as error:
        raise ValueError(f"{expression} does not grow like a power of {large}: {error}") from None
    coefficient, exponent = lead.as_coeff_exponent(t)
    if t in coefficient.free_symbols or not exponent.is_Rational:
        raise ValueError(f"{expression} does not grow like a power of {large} (leading term {lead})")
    return sp.Rational(-exponent, 2), coefficient


def _to_circle(expression: sp.Expr, p: sp.Symbol, z: sp.Symbol) -> sp.Expr:
    """``expression`` with :math:`e^{ikp}` written as :math:`z^k` (k an integer)."""
    rewritten = sp.expand(sp.sympify(expression).rewrite(sp.exp))

    def power_of_z(argument):
        coefficient = sp.expand(argument).coeff(p)
        rest = sp.expand(argument - coefficient * p)
        k = sp.simplify(coefficient / sp.I)
        if not k.is_integer:
            raise ValueError(f"exp({argument}) is not exp(i k {p}) with an integer k")
        return z ** int(k) * sp.exp(rest)

    return rewritten.replace(lambda e: isinstance(e, sp.exp) and e.args[0].has(p),
                             lambda e: power_of_z(e.args[0]))


def brillouin_average(expression, p: sp.Symbol, inside_at: dict) -> sp.Expr | None:
    """:math:`\\int_{-\\pi}^{\\pi} \\frac{dp}{2\\pi} f(p)` by residues, for f rational in :math:`e^{ip}`.

    With :math:`z = e^{ip}` the integral is :math:`\\oint \\frac{dz}{2\\pi i z} f`, the sum of the
    residues inside the unit circle. The poles are the roots of the denominator in z; which lie
    inside is decided at the numeric parameters ``inside_at`` (a point of the domain where the
    result is used; the choice cannot change inside a domain where no pole crosses the circle).
    Returns ``None`` when SymPy cannot find every pole in closed form (then integrate numerically).

    Examples
    --------
    >>> import sympy as sp
    >>> p = sp.Symbol("p", real=True)
    >>> a = sp.Symbol("a", positive=True)
    >>> sp.factor(brillouin_average(1 / (1 + a**2 - 2 * a * sp.cos(p)), p, {a: sp.Rational(1, 2)}))
    -1/((a - 1)*(a + 1))
    """
    z = sp.Dummy("z")
    integrand = sp.factor(sp.together(_to_circle(expression, p, z) / z))
    numerator, denominator = sp.fraction(integrand)
    polynomial = sp.Poly(denominator, z)
    poles = sp.roots(polynomial)
    if sum(poles.values()) != polynomial.degree():
        return None
    total = sp.Integer(0)
    for pole, multiplicity in poles.items():
        modulus = abs(complex(sp.N(pole.subs(inside_at))))
        if math.isclose(modulus, 1.0, rel_tol=1e-9):
            raise ValueError(f"a pole of the integrand lies on the unit circle at {inside_at}: the lattice sum "
                             "diverges there (a massless mode); choose inside_at where the kernel is positive")
        if modulus > 1:
            continue
        # The denominator is lc * prod (z - pole)^multiplicity: divide out the other factors explicitly
        # (cancelling against an irrational pole is beyond sp.cancel).
        others = polynomial.LC() * sp.Mul(*[(z - other) ** power for other, power in poles.items() if other != pole])
        regular = numerator / others
        derivative = sp.diff(regular, z, multiplicity - 1) if multiplicity > 1 else regular
        total += derivative.subs(z, pole) / sp.factorial(multiplicity - 1)
    return sp.radsimp(sp.together(total))


@dataclass(frozen=True)
class Coefficient:
    """One Taylor coefficient of the site energy at the saddle, with its power of N.

    Attributes
    ----------
    legs : tuple of (int, int)
        ``(field index, offset)`` of each derivative, sorted.
    value : sympy.Expr
        The leading term in N of the mixed partial derivative (kept at one loop).
    power : sympy.Rational
        Its power of N in fields of unit size (see the module docstring); negative when the
        expansion is controlled.
    """

    legs: tuple[tuple[int, int], ...]
    value: sp.Expr
    power: sp.Rational


@dataclass(frozen=True)
class InteractionVertices:
    """The interactions of a lattice model about a uniform saddle, counted in powers of N.

    Attributes
    ----------
    fluctuations : QuadraticFluctuations
        The Gaussian (leading-order) theory: saddle, blocks :math:`K_\\delta`.
    kernel : FourierKernel
        :math:`K(q)` of the Gaussian theory.
    large : sympy.Symbol
        The large parameter N.
    field_powers : tuple of sympy.Rational
        :math:`\\beta_a`: the power of N in :math:`K_{aa}`, so :math:`\\epsilon_a \\sim N^{-\\beta_a/2}`.
    linear : tuple of Coefficient
        :math:`h` from the corrected energy (one per leg with a non-zero leading term).
    quadratic : tuple of Coefficient
        :math:`\\delta K`: the corrected energy's Hessian minus the Gaussian one.
    cubic, quartic : tuple of Coefficient
        :math:`D^{(3)}` and :math:`D^{(4)}` on sorted legs, from the leading energy (the correction's own
        cubic and quartic terms carry at most :math:`N^{-3/2}` and :math:`N^{-2}` in fields of unit size
        when it is of relative order 1/N, beyond one loop).
    dropped : tuple of str
        Terms whose power of N is below what one loop keeps, with their powers.
    """

    fluctuations: QuadraticFluctuations
    kernel: FourierKernel
    large: sp.Symbol
    field_powers: tuple[sp.Rational, ...]
    linear: tuple[Coefficient, ...]
    quadratic: tuple[Coefficient, ...]
    cubic: tuple[Coefficient, ...]
    quartic: tuple[Coefficient, ...]
    dropped: tuple[str, ...]

    @property
    def controlled(self) -> bool:
        """Whether every interaction and correction carries a negative power of N (in unit fields)."""
        return all(c.power < 0 for c in (*self.linear, *self.quadratic, *self.cubic, *self.quartic))

    def fourier_vertex(self, order: int, fields, momenta) -> sp.Expr:
        """:math:`W_{a_1\\dots a_n}(k_1, \\dots, k_n) = \\sum_\\delta D_{(a_1\\delta_1)\\dots}
        e^{i\\sum_j k_j\\delta_j}`, the vertex of ``order`` 3 or 4 in Fourier space.

        The momenta should add to zero (momentum conservation on the ring makes only those
        combinations appear); the sum runs over the ordered legs.

        Examples
        --------
        >>> import sympy as sp
        >>> from nnfield.symbolic.lattice import lattice_model
        >>> from nnfield.symbolic.saddle import saddle_at
        >>> x, l = sp.IndexedBase("x", real=True), sp.Symbol("l", integer=True)
        >>> N, k1, k2 = sp.symbols("N k_1 k_2", positive=True)
        >>> energy = N * (x[l]**2 / 2 + (x[l] - x[l - 1])**2 / 2 + x[l]**2 * x[l - 1] + x[l] * x[l - 1]**2)
        >>> model = lattice_model(energy, [x], l)
        >>> vertices = interaction_vertices(model, saddle_at(model, [0]), N)
        >>> sp.simplify(vertices.fourier_vertex(3, (0, 0, 0), (k1, k2, -k1 - k2)).rewrite(sp.cos))
        4*N*(cos(k_1) + cos(k_2) + cos(k_1 + k_2))
        """
        table = {3: self.cubic, 4: self.quartic}
        if order not in table:
            raise ValueError(f"order must be 3 (cubic) or 4 (quartic); got {order!r}")
        fields, momenta = tuple(fields), tuple(momenta)
        if len(fields) != order or len(momenta) != order:
            raise ValueError(f"a vertex of order {order} needs {order} fields and {order} momenta")
        total = sp.Integer(0)
        for coefficient in table[order]:
            for legs in set(itertools.permutations(coefficient.legs)):
                if tuple(a for a, _ in legs) == fields:
                    total += coefficient.value * sp.exp(sp.I * sum(k * d for k, (_, d) in zip(momenta, legs)))
        return total

    def _repr_latex_(self) -> str:
        names = [sp.latex(f) for f in self.fluctuations.fluctuation_fields]

        def leg(a, d):
            site = "l" if d == 0 else f"l{d:+d}"
            return f"{names[a]}[{site}]"

        rows = []
        for title, terms in (("h", self.linear), (r"\delta K", self.quadratic), ("D^{(3)}", self.cubic),
                             ("D^{(4)}", self.quartic)):
            for c in terms:
                legs = r"\,".join(leg(a, d) for a, d in c.legs)
                rows.append(f"{title}_{{{legs}}} &= {sp.latex(c.value)} && N^{{{sp.latex(c.power)}}}")
        return r"$\begin{aligned}" + r"\\".join(rows) + r"\end{aligned}$"


def _vanishes(value: sp.Expr) -> bool:
    """Whether a coefficient is zero: exactly, or at two random points of its (positive) parameters.

    ``simplify`` decides the same but costs seconds per coefficient of a large energy.
    """
    value = sp.cancel(value)
    if value == 0:
        return True
    generator = random.Random(len(str(value)))
    for _ in range(2):
        point = {symbol: sp.Rational(generator.randint(11, 97), 113) for symbol in value.free_symbols}
        number = complex(sp.N(value.subs(point), 30))
        if abs(number) > 1e-20:
            return False
    return True


def _legs(model) -> list[tuple[int, int]]:
    """Every ``(field, offset)`` at which the site energy refers to a field, sorted."""
    present = {(model.fields.index(atom.base), int(sp.expand(atom.indices[0] - model.site)))
               for atom in model.energy.atoms(sp.Indexed) if atom.base in model.fields}
    return sorted(present)


def _multisets(legs, order):
    return list(itertools.combinations_with_replacement(legs, order))


def interaction_vertices(model, saddle, large: sp.Symbol, *, corrected=None) -> InteractionVertices:
    """Expand a lattice model about a uniform saddle to fourth order, counting powers of N.

    Parameters
    ----------
    model : LatticeModel
        The leading-order model whose uniform ``saddle`` is the expansion point.
    saddle : UniformSaddle
        A uniform saddle of ``model``.
    large : sympy.Symbol
        The large parameter N.
    corrected : sympy.Expr, optional
        The site energy kept to the next order (same fields), e.g. with the exact Jacobian or
        Stirling's next term. Its first and second derivatives minus the model's give
        :math:`h` and :math:`\\delta K`. Default: the model's own energy (no correction).

    Returns
    -------
    InteractionVertices

    Raises
    ------
    ValueError
        If a term is not a power of N, or a Gaussian kernel entry on the diagonal vanishes.

    Examples
    --------
    :math:`E = N(x^2/2 + a x^3/3 + b x^4/4)` on independent sites: the cubic vertex carries
    :math:`N^{-1/2}` and the quartic :math:`N^{-1}` in fields of unit size.

    >>> import sympy as sp
    >>> from nnfield.symbolic.saddle import saddle_at
    >>> x, l = sp.IndexedBase("x", real=True), sp.Symbol("l", integer=True)
    >>> N, a, b = sp.symbols("N a b", positive=True)
    >>> model = lattice_model(N * (x[l]**2 / 2 + a * x[l]**3 / 3 + b * x[l]**4 / 4), [x], l)
    >>> vertices = interaction_vertices(model, saddle_at(model, [0]), N)
    >>> [(c.value, c.power) for c in vertices.cubic + vertices.quartic], vertices.controlled
    ([(2*N*a, -1/2), (6*N*b, -1)], True)
    """
    if not isinstance(large, sp.Symbol):
        raise TypeError(f"large must be a SymPy Symbol (the large parameter N); got {large!r}")
    fluctuations = quadratic_fluctuations(saddle)
    kernel = fourier_kernel(fluctuations)
    size = len(model.fields)
    field_powers = []
    for a in range(size):
        diagonal = kernel.matrix[a, a].subs(kernel.q, 0)
        if identically_zero(diagonal):
            raise ValueError(f"K(0) has a zero diagonal entry for field {model.fields[a]}; its fluctuations have "
                             "no Gaussian size to count powers of N against")
        field_powers.append(_leading_term(diagonal, large)[0])  # the power alone
    energy = model.energy if corrected is None else sp.sympify(corrected)
    corrected_model = lattice_model(energy, model.fields, model.site)
    legs = sorted(set(_legs(model)) | set(_legs(corrected_model)))
    correction = sp.expand(energy - model.energy)
    at_saddle = {**model.uniform_substitution(), **corrected_model.uniform_substitution()}
    values = saddle.substitution()

    def evaluate(expression):
        return sp.together(expression.subs(at_saddle).subs(values))

    def symbol(leg):
        return model.field_at(leg[0], leg[1])

    dropped, kept = [], {1: [], 2: [], 3: [], 4: []}
    targets = {1: sp.Rational(-1, 2), 2: sp.Integer(-1), 3: sp.Rational(-1, 2), 4: sp.Integer(-1)}
    for order in (1, 2, 3, 4):
        for multiset in _multisets(legs, order):
            variables = [symbol(leg) for leg in multiset]
            # Orders 1-2: the correction alone (the leading energy is stationary with Hessian K there);
            # orders 3-4: the leading energy (a correction there carries N^-3/2 or less, beyond one loop).
            value = evaluate(sp.diff(correction if order in (1, 2) else model.energy, *variables))
            if _vanishes(value):
                continue
            power, lead = _leading_term(value, large)  # made canonical below (powsimp, factor)
            scaled = power - sum(field_powers[a] for a, _ in multiset) / 2
            # Radicals of positive quantities (an energy is real on its domain) combine: sqrt(1-w) sqrt(1+w).
            term = Coefficient(tuple(multiset), sp.factor(sp.powsimp(lead * large**power, force=True)), scaled)
            if scaled < targets[order]:
                dropped.append(f"order {order} {multiset}: N^{scaled}")
                continue
            kept[order].append(term)
    return InteractionVertices(fluctuations, kernel, large, tuple(field_powers), tuple(kept[1]), tuple(kept[2]),
                               tuple(kept[3]), tuple(kept[4]), tuple(dropped))


@dataclass(frozen=True)
class OneLoop:
    """The one-loop corrections of a lattice model: tadpole, self-energy, corrected covariance.

    Attributes
    ----------
    vertices : InteractionVertices
        The expansion the loops are built from.
    q : sympy.Symbol
        The wavenumber of the self-energy (the kernel's).
    propagators : tuple of (int, sympy.ImmutableMatrix)
        :math:`G(\\delta)` in closed form for the offsets the local loops need, or empty when
        the Brillouin-zone sums could not be done by residues.
    tadpole : tuple of sympy.Expr or None
        :math:`m_a`, the one-loop shift of the mean of each field (``None`` if not in closed form).
    local_self_energy : sympy.ImmutableMatrix or None
        :math:`\\Sigma^{\\rm loc}(q)`: the corrections :math:`-\\delta K`, the cubic vertex on the
        tadpole and the quartic loop, in Fourier space.
    bubble : sympy.ImmutableMatrix or None
        :math:`\\Sigma^{\\rm bub}(q)` in closed form, or ``None`` (then it is integrated numerically).
    method : str
        How the Brillouin-zone sums were done.
    """

    vertices: InteractionVertices
    q: sp.Symbol
    propagators: tuple[tuple[int, sp.ImmutableMatrix], ...]
    tadpole: tuple[sp.Expr, ...] | None
    local_self_energy: sp.ImmutableMatrix | None
    bubble: sp.ImmutableMatrix | None
    method: str

    def self_energy(self) -> sp.ImmutableMatrix | None:
        """:math:`\\Sigma(q) = \\Sigma^{\\rm loc}(q) + \\Sigma^{\\rm bub}(q)` when both are in closed form."""
        if self.local_self_energy is None or self.bubble is None:
            return None
        return sp.ImmutableMatrix(self.local_self_energy + self.bubble)

    def mode_covariance(self) -> sp.ImmutableMatrix | None:
        """:math:`C(q) = (K(q) - \\Sigma(q))^{-1}` when :math:`\\Sigma` is in closed form."""
        sigma = self.self_energy()
        if sigma is None:
            return None
        return sp.ImmutableMatrix((self.vertices.kernel.matrix - sigma).inv())

    def _repr_latex_(self) -> str:
        parts = []
        names = [sp.latex(f) for f in self.vertices.fluctuations.fluctuation_fields]
        if self.tadpole is not None:
            parts += [rf"\langle {n} \rangle &= {sp.latex(m)}" for n, m in zip(names, self.tadpole)]
        sigma = self.self_energy()
        if sigma is not None:
            body = sp.latex(sigma[0, 0] if sigma.shape == (1, 1) else sigma)
            parts.append(rf"\Sigma({sp.latex(self.q)}) &= {body}")
        parts.append(rf"&\text{{{self.method}}}")
        return r"$\begin{aligned}" + r"\\".join(parts) + r"\end{aligned}$"


def _ordered(coefficients):
    """Every coefficient spread over its distinct orderings of legs: ``[(legs, value)]``."""
    return [(legs, c.value) for c in coefficients for legs in set(itertools.permutations(c.legs))]


def one_loop(vertices: InteractionVertices, *, inside_at: dict | None = None, exact_bubble: bool = True,
             closed_form: bool = True) -> OneLoop:
    """The one-loop tadpole and self-energy of a lattice model, in closed form where possible.

    Parameters
    ----------
    vertices : InteractionVertices
        From :func:`interaction_vertices`.
    inside_at : dict, optional
        Needed for closed forms: numeric values of every parameter at a point of the domain, to decide which poles lie inside the unit circle (see :func:`brillouin_average`).
    exact_bubble : bool
        Whether to try the bubble by residues (its poles move with q); otherwise it is left to
        the numeric evaluation.
    closed_form : bool
        ``False`` skips the residues altogether (for kernels whose poles SymPy can only find at
        great cost): every lattice sum is then left to :func:`nnfield.numeric.one_loop.compile_one_loop`.

    Returns
    -------
    OneLoop

    Raises
    ------
    ValueError
        If a kept term carries more than the power of N one loop allows (the expansion is not
        the loop expansion in 1/N).

    Examples
    --------
    A single site with :math:`E = N(x^2/2 + b x^4/4)`: the quartic loop shifts the inverse
    variance by :math:`3b`, so :math:`\\Sigma = -3b`.

    >>> import sympy as sp
    >>> from nnfield.symbolic.saddle import saddle_at
    >>> x, l = sp.IndexedBase("x", real=True), sp.Symbol("l", integer=True)
    >>> N, b = sp.symbols("N b", positive=True)
    >>> model = lattice_model(N * (x[l]**2 / 2 + b * x[l]**4 / 4), [x], l)
    >>> loop = one_loop(interaction_vertices(model, saddle_at(model, [0]), N), inside_at={N: 10, b: 1})
    >>> loop.tadpole, loop.self_energy()
    ((0,), Matrix([[-3*b]]))
    """
    targets = {"linear": sp.Rational(-1, 2), "quadratic": sp.Integer(-1), "cubic": sp.Rational(-1, 2),
               "quartic": sp.Integer(-1)}
    for name, target in targets.items():
        for c in getattr(vertices, name):
            if c.power > target:
                raise ValueError(f"the {name} term on legs {c.legs} carries N^{c.power}, more than the N^{target} "
                                 "of the loop expansion in 1/N: the expansion about this saddle is not controlled")
    kernel = vertices.kernel
    q, size = kernel.q, kernel.matrix.shape[0]
    if not closed_form or inside_at is None:
        return OneLoop(vertices, q, (), None, None, None, "lattice sums numeric (no closed forms asked for)")
    p = sp.Dummy("p", real=True)
    covariance_p = kernel.mode_covariance().subs(q, p)
    cubic, quartic = _ordered(vertices.cubic), _ordered(vertices.quartic)
    offsets = sorted({d1 - d2 for legs, _ in cubic + quartic for (_, d1) in legs for (_, d2) in legs})
    propagators = []
    for delta in offsets:
        entries = [brillouin_average(covariance_p[a, b] * sp.exp(sp.I * p * delta), p, inside_at)
                   for a in range(size) for b in range(size)]
        if any(entry is None for entry in entries):
            return OneLoop(vertices, q, (), None, None, None,
                           "lattice sums numeric: the poles of C(p) are not found in closed form")
        propagators.append((delta, sp.ImmutableMatrix(size, size, [sp.simplify(e) for e in entries])))
    table = dict(propagators)

    def g(leg1, leg2):
        return table[leg1[1] - leg2[1]][leg1[0], leg2[0]]

    source = [sp.Integer(0)] * size
    for c in vertices.linear:
        source[c.legs[0][0]] += c.value
    for legs, value in cubic:
        source[legs[0][0]] += value * g(legs[1], legs[2]) / 2
    at_zero = kernel.mode_covariance().subs(q, 0)
    tadpole = tuple(sp.simplify(-sum(at_zero[a, b] * source[b] for b in range(size))) for a in range(size))

    blocks: dict = {}

    def add(leg1, leg2, value):  # a term value * eps_leg1 eps_leg2 / 2 of the site energy
        block = blocks.setdefault(leg1[1] - leg2[1], sp.zeros(size, size))
        block[leg1[0], leg2[0]] -= value

    for c in vertices.quadratic:
        for leg1, leg2 in set(itertools.permutations(c.legs)):
            add(leg1, leg2, c.value)
    for legs, value in cubic:
        add(legs[0], legs[1], value * tadpole[legs[2][0]])
    for legs, value in quartic:
        add(legs[0], legs[1], value * g(legs[2], legs[3]) / 2)
    local = sp.zeros(size, size)
    for delta, block in blocks.items():  # real blocks: exp(-i q delta) = cos - i sin
        local += block.applyfunc(sp.factor) * (sp.cos(q * delta) - sp.I * sp.sin(q * delta))
    local = sp.ImmutableMatrix(local)

    bubble = _exact_bubble(vertices, cubic, covariance_p, p, inside_at) if exact_bubble else None
    method = "lattice sums by residues" + ("" if bubble is not None else "; bubble numeric")
    return OneLoop(vertices, q, tuple(propagators), tadpole, local, bubble, method)


def _bubble_integrand(cubic, a, b, covariance_p, covariance_shifted, q, p):
    """:math:`\\tfrac12 W_{ace}(-q,p,q-p) C_{cd}(p) C_{ef}(q-p) W_{bdf}(q,-p,p-q)` summed over c,d,e,f."""
    total = sp.Integer(0)
    for legs1, v1 in cubic:
        if legs1[0][0] != a:
            continue
        phase1 = sp.exp(sp.I * (-q * legs1[0][1] + p * legs1[1][1] + (q - p) * legs1[2][1]))
        for legs2, v2 in cubic:
            if legs2[0][0] != b:
                continue
            phase2 = sp.exp(sp.I * (q * legs2[0][1] - p * legs2[1][1] - (q - p) * legs2[2][1]))
            total += (v1 * v2 * phase1 * phase2 * covariance_p[legs1[1][0], legs2[1][0]]
                      * covariance_shifted[legs1[2][0], legs2[2][0]])
    return total / 2


def _exact_bubble(vertices, cubic, covariance_p, p, inside_at):
    q = vertices.kernel.q
    size = covariance_p.shape[0]
    shifted = covariance_p.subs(p, q - p)
    w = sp.Dummy("w")
    # The poles of C(q - p) sit at w / (poles of C): their moduli do not depend on q.
    point = {**inside_at, w: sp.exp(sp.I * sp.Rational(1, 3))}
    entries = []
    for a in range(size):
        for b in range(size):
            integrand = _bubble_integrand(cubic, a, b, covariance_p, shifted, q, p)
            if integrand == 0:
                entries.append(sp.Integer(0))
                continue
            in_w = _to_circle(integrand, q, w)  # e^{iq} -> w, so that poles in z are algebraic in w
            total = brillouin_average(in_w, p, point)
            if total is None:
                return None
            entries.append(sp.factor(sp.cancel(sp.together(total))).subs(w, sp.exp(sp.I * q)))
    return sp.ImmutableMatrix(size, size, entries)
