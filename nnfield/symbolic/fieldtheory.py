"""Continuum field theories of a multiplet of real scalar fields: equations of motion, vacua,
symmetry breaking, thermal masses and power counting.

A theory is a Lagrangian density :math:`\\mathcal L(\\phi_a, \\partial_\\mu\\phi_a)` over time t and a
d-dimensional "space" z. Its potential is :math:`V(\\phi) = -\\mathcal L` at constant fields.

- :func:`equations_of_motion`: the Euler-Lagrange equations (SymPy's ``euler_equations``).
- :func:`vacuum_manifold`: the minima of V; with a continuous symmetry they form a manifold.
- :func:`symmetry_breaking`: at a chosen vacuum :math:`v`, the generators :math:`T` of the symmetry
  that move it (:math:`T v \\ne 0`) are broken; the mass matrix :math:`M_{ab} = \\partial_a\\partial_b V(v)`
  has one zero eigenvalue per broken generator (Goldstone's theorem), which is checked.
- :func:`thermal_mass`: the one-loop high-temperature correction
  :math:`\\delta m^2_{ab} = \\frac{T^2}{24}\\sum_c \\partial_a\\partial_b\\partial_c\\partial_c V` of a
  quantum (Bose) field in 3+1 dimensions, the only setting in which that coefficient holds; it refuses others.
- :func:`mass_dimensions`: canonical dimensions in D space-time dimensions, from
  :math:`[\\mathcal L] = D` and :math:`[\\partial] = 1`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy.calculus.euler import euler_equations

__all__ = [
    "FieldTheory",
    "scalar_field_theory",
    "equations_of_motion",
    "VacuumManifold",
    "vacuum_manifold",
    "vacuum_radius_squared",
    "orthogonal_generators",
    "SymmetryBreaking",
    "symmetry_breaking",
    "thermal_mass",
    "critical_temperature",
    "mass_dimensions",
    "Propagator",
    "propagator",
]


@dataclass(frozen=True)
class FieldTheory:
    """A Lagrangian density of real scalar fields.

    Attributes
    ----------
    lagrangian : sympy.Expr
    fields : tuple of sympy.Function applications, e.g. ``phi1(t, z)``
    coordinates : tuple of sympy.Symbol
        ``(t, z_1, ..., z_d)``.
    values : tuple of sympy.Symbol
        One real symbol per field, for the constant configurations (the potential's arguments).
    """

    lagrangian: sp.Expr
    fields: tuple[sp.Expr, ...]
    coordinates: tuple[sp.Symbol, ...]
    values: tuple[sp.Symbol, ...]

    def potential(self) -> sp.Expr:
        """:math:`V(\\phi) = -\\mathcal L` at constant fields (every derivative set to zero)."""
        constant = self.lagrangian.subs(
            {sp.Derivative(f, c): 0 for f in self.fields for c in self.coordinates}
        ).doit()
        return sp.expand(-constant.subs(dict(zip(self.fields, self.values))))


def scalar_field_theory(lagrangian, fields, coordinates) -> FieldTheory:
    """Build a theory, checking that every field depends on all the coordinates.

    Examples
    --------
    >>> t, z = sp.symbols("t z", real=True)
    >>> m = sp.Symbol("m", positive=True)
    >>> phi = sp.Function("phi")(t, z)
    >>> theory = scalar_field_theory(phi.diff(t)**2 / 2 - phi.diff(z)**2 / 2 - m**2 * phi**2 / 2, [phi], [t, z])
    >>> theory.potential()
    m**2*phi**2/2
    """
    if not isinstance(lagrangian, sp.Expr):
        raise TypeError(f"the Lagrangian must be a SymPy expression; got {type(lagrangian).__name__}")
    coordinates = tuple(coordinates)
    fields = tuple(fields)
    for field in fields:
        if not isinstance(field, sp.core.function.AppliedUndef) or tuple(field.args) != coordinates:
            names = ", ".join(map(str, coordinates))
            raise ValueError(f"each field must be an undefined function of ({names}), e.g. phi({names}); got {field}")
    unknown = {f for f in lagrangian.atoms(sp.core.function.AppliedUndef)} - set(fields)
    if unknown:
        raise ValueError(f"the Lagrangian uses fields {sorted(map(str, unknown))} that are not in the multiplet "
                         f"{[str(f) for f in fields]}")
    values = tuple(sp.Symbol(str(field.func), real=True) for field in fields)
    return FieldTheory(lagrangian, fields, coordinates, values)


def equations_of_motion(theory: FieldTheory) -> tuple[sp.Eq, ...]:
    """The Euler-Lagrange equations, one per field.

    Examples
    --------
    >>> t, z = sp.symbols("t z", real=True)
    >>> m = sp.Symbol("m", positive=True)
    >>> phi = sp.Function("phi")(t, z)
    >>> theory = scalar_field_theory(phi.diff(t)**2 / 2 - phi.diff(z)**2 / 2 - m**2 * phi**2 / 2, [phi], [t, z])
    >>> equations_of_motion(theory)
    (Eq(-m**2*phi(t, z) - Derivative(phi(t, z), (t, 2)) + Derivative(phi(t, z), (z, 2)), 0),)
    """
    return tuple(euler_equations(theory.lagrangian, list(theory.fields), list(theory.coordinates)))


@dataclass(frozen=True)
class VacuumManifold:
    """The minima of a potential.

    Attributes
    ----------
    stationary_points : tuple of dict
        Every solution of :math:`\\nabla V = 0` SymPy finds.
    minima : tuple of dict
        The stationary points where the Hessian is positive semi-definite (provably, or not
        provably otherwise), in the order found.
    radius_squared : sympy.Expr or None
        For a potential of :math:`|\\phi|^2` alone, the value of :math:`|\\phi|^2` on the manifold of
        minima (None otherwise).
    """

    stationary_points: tuple[dict, ...]
    minima: tuple[dict, ...]
    radius_squared: sp.Expr | None


def vacuum_manifold(potential: sp.Expr, values) -> VacuumManifold:
    """Stationary points and minima of ``potential``; the radius of the manifold for O(D) potentials.

    Examples
    --------
    >>> x, y = sp.symbols("x y", real=True)
    >>> mu, lam = sp.symbols("mu lambda", positive=True)
    >>> vacuum = vacuum_manifold(-mu**2 * (x**2 + y**2) / 2 + lam * (x**2 + y**2)**2 / 4, [x, y])
    >>> vacuum.radius_squared
    mu**2/lambda
    """
    values = list(values)
    radius_squared = vacuum_radius_squared(potential, values)
    gradient = [sp.diff(potential, v) for v in values]
    points = tuple(sp.solve(gradient, values, dict=True))
    hessian = sp.hessian(potential, values)
    at_points = [sp.ImmutableMatrix(hessian.subs(p)) for p in points]
    decided = {matrix: _provably_not_minimum(matrix) for matrix in set(at_points)}  # mirror points share one
    minima = tuple(p for p, matrix in zip(points, at_points) if not decided[matrix])
    return VacuumManifold(points, minima, radius_squared)


def vacuum_radius_squared(potential: sp.Expr, values) -> sp.Expr | None:
    """:math:`|\\phi|^2` on the manifold of minima of a potential of :math:`|\\phi|^2` alone (else ``None``).

    With :math:`\\rho = |\\phi|^2`, the unique positive root of :math:`dV/d\\rho = 0` where
    :math:`d^2V/d\\rho^2` is not provably negative; the stationary points themselves are not needed,
    which saves the solution of the whole gradient (see :func:`vacuum_manifold`).

    Examples
    --------
    >>> x, y = sp.symbols("x y", real=True)
    >>> mu, lam = sp.symbols("mu lambda", positive=True)
    >>> vacuum_radius_squared(-mu**2 * (x**2 + y**2) / 2 + lam * (x**2 + y**2)**2 / 4, [x, y])
    mu**2/lambda
    """
    values = list(values)
    rho = sp.Dummy("rho", nonnegative=True)
    radial = sp.expand(potential.subs(values[0], sp.sqrt(rho - sum(v**2 for v in values[1:]))))
    if not radial.free_symbols.isdisjoint(values[1:]):
        return None
    candidates = [root for root in sp.solve(sp.diff(radial, rho), rho) if root.is_positive is not False]
    positive = [root for root in candidates if sp.diff(radial, rho, 2).subs(rho, root).is_negative is not True]
    return positive[0] if len(positive) == 1 else None


def _provably_not_minimum(hessian: sp.Matrix) -> bool:
    """Whether the Hessian is provably not positive semi-definite.

    A negative diagonal entry already proves it (:math:`e_a^T H e_a < 0`) and costs nothing; otherwise
    SymPy's three-valued test decides (``False`` only when provable), which is much cheaper than
    symbolic eigenvalues for the parametric families of stationary points a manifold of minima gives.
    """
    if any(sp.simplify(entry).is_negative for entry in hessian.diagonal()):
        return True
    return hessian.is_positive_semidefinite is False


def orthogonal_generators(dimension: int) -> tuple[sp.ImmutableMatrix, ...]:
    """The :math:`D(D-1)/2` antisymmetric generators of O(D): :math:`E_{ab} - E_{ba}` for a < b.

    Examples
    --------
    >>> len(orthogonal_generators(4))
    6
    """
    if isinstance(dimension, bool) or not isinstance(dimension, int) or dimension < 1:
        raise ValueError(f"dimension must be a positive integer; got {dimension!r}")
    generators = []
    for a in range(dimension):
        for b in range(a + 1, dimension):
            matrix = sp.zeros(dimension, dimension)
            matrix[a, b], matrix[b, a] = 1, -1
            generators.append(sp.ImmutableMatrix(matrix))
    return tuple(generators)


@dataclass(frozen=True)
class SymmetryBreaking:
    """Symmetry breaking at a vacuum.

    Attributes
    ----------
    vacuum : sympy.ImmutableMatrix
        The vacuum as a column vector.
    broken_generator_count : int
        The rank of the vectors :math:`T v`: generators that move the vacuum.
    unbroken_dimension : int
        The dimension of the subgroup that leaves the vacuum fixed.
    mass_matrix : sympy.ImmutableMatrix
        :math:`\\partial_a\\partial_b V` at the vacuum.
    mass_spectrum : dict
        ``{eigenvalue: multiplicity}`` of the mass matrix.
    goldstone_count : int
        The multiplicity of the zero eigenvalue.
    """

    vacuum: sp.ImmutableMatrix
    broken_generator_count: int
    unbroken_dimension: int
    mass_matrix: sp.ImmutableMatrix
    mass_spectrum: dict
    goldstone_count: int

    @property
    def goldstone_theorem_holds(self) -> bool:
        """One massless mode per broken generator."""
        return self.goldstone_count == self.broken_generator_count


def symmetry_breaking(potential: sp.Expr, values, vacuum, generators) -> SymmetryBreaking:
    """Broken generators, mass matrix and its spectrum at ``vacuum``.

    Examples
    --------
    The O(3) model broken to O(2) has two Goldstone modes and one radial mode of mass
    :math:`2\\mu^2`:

    >>> x, y, w = sp.symbols("x y w", real=True)
    >>> mu, lam = sp.symbols("mu lambda", positive=True)
    >>> r2 = x**2 + y**2 + w**2
    >>> result = symmetry_breaking(-mu**2 * r2 / 2 + lam * r2**2 / 4, [x, y, w], [0, 0, mu / sp.sqrt(lam)],
    ...                            orthogonal_generators(3))
    >>> result.broken_generator_count, result.goldstone_count, result.mass_spectrum
    (2, 2, {0: 2, 2*mu**2: 1})
    """
    values = list(values)
    vector = sp.Matrix(vacuum)
    if vector.shape != (len(values), 1):
        raise ValueError(f"the vacuum needs {len(values)} components; got {list(vacuum)}")
    at_vacuum = dict(zip(values, vector))
    gradient = [sp.simplify(sp.diff(potential, v).subs(at_vacuum)) for v in values]
    if any(component != 0 for component in gradient):
        raise ValueError(f"{list(vacuum)} is not a stationary point of the potential (gradient {gradient})")
    moved = sp.Matrix.hstack(*[sp.Matrix(generator) * vector for generator in generators]) if generators else sp.zeros(len(values), 0)
    broken = moved.rank(simplify=True)
    mass = sp.ImmutableMatrix(sp.hessian(potential, values).subs(at_vacuum).applyfunc(sp.simplify))
    spectrum = {sp.simplify(value): count for value, count in mass.eigenvals().items()}
    return SymmetryBreaking(
        vacuum=sp.ImmutableMatrix(vector),
        broken_generator_count=broken,
        unbroken_dimension=len(generators) - broken,
        mass_matrix=mass,
        mass_spectrum=spectrum,
        goldstone_count=spectrum.get(sp.Integer(0), 0),
    )


def thermal_mass(potential: sp.Expr, values, temperature: sp.Symbol, *, spacetime_dimension,
                 statistics) -> sp.ImmutableMatrix:
    """:math:`\\delta m^2_{ab} = \\frac{T^2}{24}\\sum_c \\partial_a\\partial_b\\partial_c\\partial_c V` (one loop, high T).

    The coefficient 1/24 is the high-temperature limit of the one-loop tadpole of a relativistic
    quantum scalar in thermal equilibrium in 3+1 dimensions,
    :math:`\\int d^3k/(2\\pi)^3\\, n_B(\\omega_k)/\\omega_k \\to T^2/12`, times the symmetry factor 1/2. It
    does not hold elsewhere: a classical field (Rayleigh-Jeans occupation T/omega) gives a shift linear
    in T whose coefficient depends on the cutoff, other dimensions give other powers of T; the rule
    therefore asks for the setting and refuses any other.

    Parameters
    ----------
    potential : sympy.Expr
    values : sequence of sympy.Symbol
    temperature : sympy.Symbol
    spacetime_dimension : int
        Must be 4.
    statistics : {"quantum"}
        ``"classical"`` is refused (see above).

    Raises
    ------
    ValueError
        Outside the rule's domain (a dimension other than 4, or classical statistics).

    Examples
    --------
    For :math:`V = \\lambda\\phi^4/4` of one field, :math:`\\delta m^2 = \\lambda T^2/4`:

    >>> phi, T = sp.symbols("phi T", real=True)
    >>> lam = sp.Symbol("lambda", positive=True)
    >>> thermal_mass(lam * phi**4 / 4, [phi], T, spacetime_dimension=4, statistics="quantum")
    Matrix([[T**2*lambda/4]])
    >>> thermal_mass(lam * phi**4 / 4, [phi], T, spacetime_dimension=2, statistics="classical")
    Traceback (most recent call last):
    ...
    ValueError: the T^2/24 thermal mass holds for a quantum (Bose) field in 3+1 dimensions; got spacetime_dimension=2, statistics='classical': the one-loop shift of that setting must be computed from its own tadpole (nnfield.symbolic has no rule for it)
    """
    if spacetime_dimension != 4 or statistics != "quantum":
        raise ValueError(f"the T^2/24 thermal mass holds for a quantum (Bose) field in 3+1 dimensions; got "
                         f"spacetime_dimension={spacetime_dimension!r}, statistics={statistics!r}: the one-loop shift of "
                         "that setting must be computed from its own tadpole (nnfield.symbolic has no rule for it)")
    values = list(values)
    size = len(values)
    return sp.ImmutableMatrix(size, size, lambda a, b: sp.expand(
        temperature**2 / 24 * sum(sp.diff(potential, values[a], values[b], c, c) for c in values)))


def critical_temperature(potential: sp.Expr, values, temperature: sp.Symbol, *, spacetime_dimension,
                         statistics) -> tuple[sp.Expr, ...]:
    """Temperatures where the curvature at the origin, :math:`V''(0) + \\delta m^2(T)`, changes sign.

    With :func:`thermal_mass`, hence in its domain only (a quantum field in 3+1 dimensions).

    Examples
    --------
    >>> phi, T = sp.symbols("phi T", real=True)
    >>> mu, lam = sp.symbols("mu lambda", positive=True)
    >>> critical_temperature(-mu**2 * phi**2 / 2 + lam * phi**4 / 4, [phi], sp.Symbol("T", positive=True),
    ...                      spacetime_dimension=4, statistics="quantum")
    (2*mu/sqrt(lambda),)
    """
    values = list(values)
    origin = {v: 0 for v in values}
    shift = thermal_mass(potential, values, temperature, spacetime_dimension=spacetime_dimension, statistics=statistics)
    curvature = sp.hessian(potential, values).subs(origin) + shift.subs(origin)
    roots = sp.solve(curvature.det(), temperature)
    return tuple(root for root in roots if root.is_positive is not False)


def mass_dimensions(lagrangian: sp.Expr, fields, couplings, spacetime_dimension) -> dict:
    """Canonical mass dimensions of the fields and couplings of a Lagrangian in D space-time dimensions.

    The kinetic term :math:`(\\partial\\phi)^2` fixes :math:`[\\phi] = (D-2)/2`; a term
    :math:`g\\,\\phi^n\\partial^m` then has :math:`[g] = D - n[\\phi] - m`. Every term must give its
    coupling one dimension; a coupling whose terms disagree raises a ValueError.

    Examples
    --------
    >>> t, z = sp.symbols("t z", real=True)
    >>> m, lam = sp.symbols("m lambda", positive=True)
    >>> phi = sp.Function("phi")(t, z)
    >>> L = phi.diff(t)**2 / 2 - m**2 * phi**2 / 2 - lam * phi**4 / 4
    >>> mass_dimensions(L, [phi], [m, lam], 4)
    {phi(t, z): 1, m: 1, lambda: 0}
    """
    dimension = sp.sympify(spacetime_dimension)
    field_dimension = (dimension - 2) / 2
    result = {field: field_dimension for field in fields}
    for coupling in couplings:
        found = set()
        for term in sp.Add.make_args(sp.expand(lagrangian)):
            if not term.has(coupling):
                continue
            power = sp.Poly(term, coupling).degree() if term.is_polynomial(coupling) else None
            if power is None or power == 0:
                raise ValueError(f"the coupling {coupling} must appear as a power in each term; got {term}")
            stand_ins = {d: sp.Dummy("slope") for d in term.atoms(sp.Derivative)}
            plain = term.subs(stand_ins)
            field_count = sum(sp.degree(plain, f) for f in fields) + sum(sp.degree(plain, s) for s in stand_ins.values())
            derivatives = sum(sp.degree(plain, s) * d.derivative_count for d, s in stand_ins.items())
            others = [c for c in couplings if c != coupling and term.has(c)]
            if others:
                raise ValueError(f"the term {term} has several couplings {[coupling, *others]}; give them one each")
            found.add(sp.simplify((dimension - field_count * field_dimension - derivatives) / power))
        if len(found) != 1:
            raise ValueError(f"the coupling {coupling} gets the dimensions {sorted(map(str, found))} from different terms")
        result[coupling] = found.pop()
    return result


@dataclass(frozen=True)
class Propagator:
    """Propagators of a free scalar mode of mass squared ``m2``.

    Attributes
    ----------
    frequency_momentum : sympy.Expr
        :math:`G(\\omega, k) = 1/(\\omega^2 - k^2 - m^2 + i\\epsilon)`, the inverse of the Klein-Gordon
        operator in Fourier space (convention :math:`e^{-i\\omega t + ikz}`).
    time_momentum : sympy.Expr
        :math:`\\int \\frac{d\\omega}{2\\pi} e^{-i\\omega t} G(\\omega, k)` for t > 0, by residues with the
        Feynman prescription (the positive-frequency pole below the real axis).
    euclidean : sympy.Expr
        The statistical correlator :math:`\\int \\frac{d\\omega}{2\\pi} e^{i\\omega\\tau}/(\\omega^2 + k^2 + m^2)`
        for :math:`\\tau > 0`.
    energy : sympy.Expr
        :math:`\\omega_0 = \\sqrt{k^2 + m^2}`.
    """

    frequency_momentum: sp.Expr
    time_momentum: sp.Expr
    euclidean: sp.Expr
    energy: sp.Expr


def propagator(m2: sp.Expr, omega: sp.Symbol, k: sp.Symbol, t: sp.Symbol) -> Propagator:
    """Feynman and Euclidean propagators of one mode, the frequency integrals done by residues.

    For t > 0 the contour closes in the lower half plane, where the Feynman prescription puts the
    pole :math:`\\omega = \\omega_0 - i\\epsilon`: the integral is :math:`-i` times its residue.

    Examples
    --------
    >>> w, k, t = sp.symbols("omega k t", real=True)
    >>> m = sp.Symbol("m", positive=True)
    >>> result = propagator(m**2, w, k, t)
    >>> result.time_momentum
    -I*exp(-I*t*sqrt(k**2 + m**2))/(2*sqrt(k**2 + m**2))
    >>> result.euclidean
    exp(-t*sqrt(k**2 + m**2))/(2*sqrt(k**2 + m**2))
    """
    energy = sp.sqrt(k**2 + m2)
    kernel = 1 / (omega**2 - k**2 - m2)
    pole = sp.Dummy("omega_0", positive=True)
    lower = sp.residue(sp.exp(-sp.I * omega * t) / ((omega - pole) * (omega + pole)), omega, pole)
    time_momentum = sp.simplify((-sp.I * lower).subs(pole, energy))  # -2 pi i Res / (2 pi)
    upper = sp.residue(sp.exp(sp.I * omega * t) / ((omega - sp.I * pole) * (omega + sp.I * pole)), omega, sp.I * pole)
    euclidean = sp.simplify((sp.I * upper).subs(pole, energy))  # tau > 0: close above, +2 pi i Res / (2 pi)
    return Propagator(kernel, time_momentum, euclidean, energy)
