"""The field theory of a pair of inputs (schoenholz2017, Sec. 3 and App. 8.1 with ``|M| = 2``).

Given layer ``l - 1``, each unit's pre-activations for two inputs are jointly Gaussian with the
layer kernel :math:`\\Sigma^l = \\sigma_w^2\\Phi^{l-1} + \\sigma_b^2 \\mathbf{1}\\mathbf{1}^T`,
:math:`\\Phi_{ij} = \\phi(z_i)\\cdot\\phi(z_j)/N` (the Main Result), independently across the N units.

**What is closed.** Given :math:`\\Sigma^l`, the N rows :math:`(z_{\\alpha;1}, z_{\\alpha;2})` are
i.i.d. :math:`N(0, \\Sigma^l)`, so :math:`\\Phi^l` and hence :math:`\\Sigma^{l+1}` depend on the past
only through :math:`\\Sigma^l`: the layer kernels form a Markov chain, exactly, for every activation
and width. For the linear network :math:`\\Phi = Q` (the overlaps :math:`q_{ij} = z_i\\cdot z_j/N`) and
:math:`N Q^l` given :math:`Q^{l-1}` is exactly Wishart with N degrees of freedom and scale
:math:`\\Sigma^l`: the lattice energy is closed in the overlaps.

**What is not.** For a nonlinear activation the overlaps :math:`Q^l` do not determine
:math:`\\Phi^l` (two layers with the same overlaps can have different :math:`\\phi(z)\\cdot\\phi(z)`),
so no energy closes in Q; and the transition law of the kernel chain, the law of a sample second
moment of :math:`\\phi` of Gaussian rows, has no closed form. At large N the central limit theorem
gives it to leading order: :math:`\\Sigma^{l+1} = m(\\Sigma^l) + \\eta^l/\\sqrt N` with the mean-field
map :math:`m` and Gaussian :math:`\\eta` of covariance :math:`C = P^{-1}` (fourth moments of
:math:`\\phi`, not closed in general). The energy
:math:`\\tfrac N2 (\\Sigma^l - m(\\Sigma^{l-1}))^T P\\, (\\Sigma^l - m(\\Sigma^{l-1}))` is derived from here
for any activation; it is exact in the large-N limit and drops the :math:`O(1)` terms
(:math:`\\ln\\det C` and the non-Gaussian corrections of :math:`\\eta`).

The derivation:

1. the kernel of one unit for two inputs (eq 33 with ``|M| = 2``);
2. the linear network: the Wishart energy of the overlaps, its uniform saddles (a line: the ring
   leaves the correlation c undetermined), the quadratic fluctuations on that line and the massless
   mode of the difference of the inputs;
3. any activation, at large N: the Gaussian energy of the kernel chain, its uniform saddle (the
   fixed point of the mean-field map, :math:`q^*` and :math:`c^*`), the quadratic fluctuations, which
   need the map only through its Jacobian at the fixed point, and :math:`\\det K` in
   :math:`z = e^{-iq}`, whose roots give the decay lengths :math:`-1/\\ln\\chi_q` and
   :math:`-1/\\ln\\chi_c` for every noise precision P; and the continuum limit (EFT) of the
   correlation channel.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import sympy as sp
from sympy.stats import density
from sympy.stats.matrix_distributions import Wishart

from nnfield.derivations.schoenholz2017.correspondence import INPUTS, _weight_integrals
from nnfield.derivations.schoenholz2017.symbols import (
    N,
    Sigma_s,
    Sigma_x,
    chi_c,
    chi_q,
    kappa_c,
    l,
    q,
    q12_star,
    q_d,
    q_star,
    q_u,
    sigma_b,
    sigma_w,
    x,
)
from nnfield.numeric.compile import compile_expression
from nnfield.numeric.parameters import positive_real
from nnfield.symbolic import (
    Derivation,
    FourierKernel,
    Step,
    continuum_limit,
    kernel_determinant,
    lattice_model,
    quadratic_fluctuations,
    saddle_at,
    stationary_equations,
)

PAPER = "schoenholz2017"

__all__ = ["pair_of_inputs", "PairPrediction", "wishart_energy", "kernel_chain_energy"]

#: The mean-field map of one input, E[phi(u)^2] at variance q, and of two, E[phi(u_1) phi(u_2)].
f = sp.Function("f")
g = sp.Function("g")
#: The noise precision of the kernel chain at the saddle, in the fields (s, x).
P_ss, P_xx = sp.symbols("P_ss P_xx", positive=True)
P_sx = sp.Symbol("P_sx", real=True)
PRECISION = sp.Matrix([[P_ss, P_sx], [P_sx, P_xx]])


def _overlap_matrix(offset: int) -> sp.Matrix:
    """The overlaps of the sum and difference of the inputs, even sector: diag(q_u, q_d)."""
    return sp.Matrix([[q_u[l + offset], 0], [0, q_d[l + offset]]])


def wishart_energy(*, leading_order: bool = True) -> sp.Expr:
    """:math:`-\\ln p(Q^l\\mid Q^{l-1})` of the linear network: :math:`NQ^l \\sim` Wishart(:math:`\\Sigma^l`, N).

    In the basis of the sum and difference of the inputs, :math:`z_{u,d} = (z_1 \\pm z_2)/\\sqrt2`, the
    bias enters only the sum: :math:`\\Sigma^l = \\sigma_w^2 Q^{l-1} + 2\\sigma_b^2 e_u e_u^T`. Exchanging
    the inputs flips :math:`z_d`, hence the cross overlap :math:`q_{ud}`, so the energy is even in
    :math:`q_{ud}` and, about :math:`q_{ud} = 0`, the cross overlap decouples at quadratic order; the
    even sector :math:`Q = \\operatorname{diag}(q_u, q_d)` is kept. The density is taken from ``sympy.stats`` at
    :math:`X = NQ^l` (a constant Jacobian); constants are dropped. The exact energy has
    :math:`-\\frac{N-3}{2}\\ln\\det Q^l`; ``leading_order`` replaces N - 3 by N, as the paper replaces
    N - 1 by N for one input (below eq 45).

    Examples
    --------
    >>> wishart_energy()
    N*log(2*sigma_b**2*sigma_w**2*q_d[l - 1] + sigma_w**4*q_d[l - 1]*q_u[l - 1])/2 - N*log(q_d[l])/2 - N*log(q_u[l])/2 + N*q_u[l]/(4*sigma_b**2 + 2*sigma_w**2*q_u[l - 1]) + N*q_d[l]/(2*sigma_w**2*q_d[l - 1])
    """
    kernel = sigma_w**2 * _overlap_matrix(-1) + sp.Matrix([[2 * sigma_b**2, 0], [0, 0]])
    matrix = sp.MatrixSymbol("X", INPUTS, INPUTS)
    law = density(Wishart("W", N, kernel))(matrix)
    energy = sp.expand(-sp.expand_log(sp.log(law).subs(matrix, N * _overlap_matrix(0)).doit(), force=True))
    if leading_order:
        energy = sp.expand(energy - sp.Rational(3, 2) * sp.expand_log(sp.log(_overlap_matrix(0).det()), force=True))
    return energy - sum(term for term in sp.Add.make_args(energy) if not term.atoms(sp.Indexed))


def _mean_field_map(variance, covariance) -> sp.Matrix:
    """The mean-field map of the exchange-even sector: both inputs at variance s, covariance x."""
    return sp.Matrix([sigma_w**2 * f(variance) + sigma_b**2, sigma_w**2 * g(variance, variance, covariance) + sigma_b**2])


def kernel_chain_energy(mean_map=None) -> sp.Expr:
    """:math:`\\tfrac N2\\,\\eta^T P\\,\\eta`, :math:`\\eta = \\Sigma^l - m(\\Sigma^{l-1})`: the kernel chain at large N.

    Fields :math:`(\\Sigma_s, \\Sigma_x)`: the variance of each input and the covariance of the two.
    Exchanging the inputs flips the imbalance :math:`(\\Sigma_{11} - \\Sigma_{22})/2` and keeps
    these, so at quadratic order the imbalance decouples (it relaxes like one input's variance,
    with :math:`\\chi_q`); the even sector is kept. ``mean_map(s, x)`` gives :math:`m` (default: the
    mean-field map with the unknown Gaussian averages f and g); precision :data:`PRECISION`.

    Examples
    --------
    >>> sorted(str(term) for term in kernel_chain_energy().atoms(sp.Function))
    ['f(Sigma_s[l - 1])', 'g(Sigma_s[l - 1], Sigma_s[l - 1], Sigma_x[l - 1])']
    """
    mean_map = mean_map or _mean_field_map
    innovation = sp.Matrix([Sigma_s[l], Sigma_x[l]]) - mean_map(Sigma_s[l - 1], Sigma_x[l - 1])
    return N * (innovation.T * PRECISION * innovation)[0, 0] / 2


def _fixed_point_identities() -> dict:
    """The saddle's defining equations as substitutions: f(q*) and g(q*, q*, q12*) from the fixed point."""
    return {f(q_star): (q_star - sigma_b**2) / sigma_w**2,
            g(q_star, q_star, q12_star): (q12_star - sigma_b**2) / sigma_w**2}


def _jacobian_at_fixed_point() -> sp.Matrix:
    """The Jacobian of the mean-field map in (s, x) at (q*, q12*), written with chi_q, kappa_c, chi_c.

    :math:`\\chi_q = \\sigma_w^2 f'(q^*)` (the slope of the variance map), :math:`\\chi_c = \\sigma_w^2
    \\partial_3 g` (by Price's theorem :math:`\\sigma_w^2 E[\\phi'(u_1)\\phi'(u_2)]`), and
    :math:`\\kappa_c = \\sigma_w^2\\partial_1 g = \\sigma_w^2\\partial_2 g` (equal by the exchange of the inputs).
    """
    variance, covariance = sp.symbols("s x_", real=True)
    jacobian = _mean_field_map(variance, covariance).jacobian([variance, covariance])

    def named(derivative) -> sp.Expr:
        """A partial derivative of f or g by the slot it acts on: a variance (0, 1) or the covariance (2)."""
        inner = derivative.expr if isinstance(derivative, sp.Subs) else derivative
        if inner.expr.func == f:
            return chi_q / sigma_w**2
        slot = inner.expr.args.index(inner.variables[0]) if isinstance(derivative, sp.Subs) else 2
        return chi_c / sigma_w**2 if slot == 2 else kappa_c / sigma_w**2

    partials = jacobian.atoms(sp.Subs) | {d for d in jacobian.atoms(sp.Derivative) if d.expr.func in (f, g)}
    return sp.simplify(jacobian.xreplace({d: named(d) for d in partials if not d.has(sp.Subs) or isinstance(d, sp.Subs)}))


def _taylor_map(jacobian: sp.Matrix):
    star = sp.Matrix([q_star, q12_star])

    def mapped(variance, covariance):
        return star + jacobian * (sp.Matrix([variance, covariance]) - star)

    return mapped


@dataclass(frozen=True)
class PairPrediction:
    """Numeric predictions of the pair field theory at given parameters.

    Attributes
    ----------
    activation : str
    sigma_w2, sigma_b2 : float
    q_star, c_star : float
        The uniform saddle: variance and correlation (the fixed point of the mean-field map).
    chi_q, chi_c : float
        The Jacobian's eigenvalues: the slope of the variance map and of the covariance map.
    variance_decay_length, correlation_decay_length : float
        The lattice decay lengths of the kernel fluctuations, from the roots of det K:
        :math:`1/|\\ln\\chi_q|` and :math:`1/|\\ln\\chi_c|`.
    correlation_eft_length : float
        The EFT's correlation length of the correlation channel at fixed variance,
        :math:`\\sqrt{\\chi_c}/(1-\\chi_c)`; it tends to the lattice one as :math:`\\chi_c\\to 1`.
    mean_field_xi_c : float
        The mean-field correlation depth scale :math:`\\xi_c` (Schoenholz et al. 2016), for comparison.
    """

    activation: str
    sigma_w2: float
    sigma_b2: float
    q_star: float
    c_star: float
    chi_q: float
    chi_c: float
    variance_decay_length: float
    correlation_decay_length: float
    correlation_eft_length: float
    mean_field_xi_c: float


def _predictor(decay_lengths, eft_length):
    """``predict(activation=..., sigma_w2=..., sigma_b2=...)`` from the derived lengths and the mean-field map; the
    lengths are compiled at its first call (printing a derivation compiles nothing)."""

    @functools.cache
    def compiled():
        return (compile_expression(decay_lengths[chi_q], (chi_q,)), compile_expression(decay_lengths[chi_c], (chi_c,)),
                compile_expression(eft_length, (chi_c,)))

    def predict(*, activation: str, sigma_w2, sigma_b2) -> PairPrediction:
        from nnfield.numeric.activations import ACTIVATIONS  # SciPy's quadrature: needed here, not by the derivation
        from nnfield.numeric.meanfield import mean_field

        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {activation!r}")
        sigma_w2 = positive_real("sigma_w2", sigma_w2, "the weight variance sigma_w^2")
        sigma_b2 = positive_real("sigma_b2", sigma_b2, "the bias variance sigma_b^2")
        variance_length, correlation_length, eft = compiled()
        field = mean_field(ACTIVATIONS[activation], sigma_w2=sigma_w2, sigma_b2=sigma_b2)
        q_value = field.fixed_point()
        slope_q = math.exp(-1 / field.depth_scale())
        slope_c = field.chi_c()
        return PairPrediction(
            activation=activation, sigma_w2=sigma_w2, sigma_b2=sigma_b2, q_star=q_value, c_star=field.c_star(),
            chi_q=slope_q, chi_c=slope_c, variance_decay_length=float(variance_length(slope_q)),
            correlation_decay_length=float(correlation_length(slope_c)),
            correlation_eft_length=float(eft(slope_c)), mean_field_xi_c=field.correlation_depth_scale(),
        )

    return predict


def _linear_steps() -> tuple[list[Step], dict]:
    """The linear network: Wishart energy, a line of saddles, fluctuations on it, the massless mode (steps, results)."""
    exact = wishart_energy(leading_order=False)
    steps = [Step("Linear network: -log p(Q^l | Q^(l-1)) with N Q^l ~ Wishart(Sigma^l, N) (sympy.stats), "
                  "even sector Q = diag(q_u, q_d)", exact, note="closed in the overlaps; constants dropped")]
    exact_slope = sp.simplify(stationary_equations(lattice_model(exact, [q_u, q_d], l))[1].lhs)
    steps.append(Step("Exact energy: dE/dq_d on uniform configurations", exact_slope,
                      note="positive for every q_d > 0: no uniform saddle at finite q_d; the energy falls towards "
                           "q_d -> 0, i.e. c -> 1, by the (N-3)/2 exponent of det Q alone"))
    energy = wishart_energy()
    steps.append(Step("Leading order in N (N - 3 -> N in the exponent of det Q^l)", energy))
    model = lattice_model(energy, [q_u, q_d], l)
    steps.append(Step("Uniform stationary equations", sp.Tuple(*stationary_equations(model)),
                      note="the equation of q_d vanishes identically: the energy depends on q_d only through "
                           "q_d[l]/q_d[l-1] (no bias acts on z_1 - z_2)"))
    difference = sp.Symbol("D", positive=True)
    saddle = saddle_at(model, [2 * sigma_b**2 / (1 - sigma_w**2), difference])
    steps.append(Step("A line of uniform saddles: q_u = 2 sigma_b^2/(1 - sigma_w^2), q_d = D for every D > 0",
                      sp.Tuple(*saddle.values),
                      note="with q = (q_u + q_d)/2 and c = (q_u - q_d)/(q_u + q_d): every correlation c is a "
                           "saddle on the ring"))
    fluctuations = quadratic_fluctuations(saddle)
    steps.append(Step("Quadratic fluctuations on the line of saddles", fluctuations.site_energy()))
    determinant = kernel_determinant(fluctuations)
    steps.append(Step("det K in z = exp(-iq)", determinant.determinant,
                      note=f"{determinant.massless_modes} massless mode (the root z = 1): q_d, along the line of "
                           "saddles"))
    steps.append(Step("Decay length of the massive mode (the sum of the inputs)", sp.Tuple(*determinant.decay_lengths),
                      note="1/|ln sigma_w^2|, the single-input ring's; the mean-field xi_c of the linear network is "
                           "-1/ln sigma_w^2 as well: on an open chain q_d is not massless but shrinks by sigma_w^2 "
                           "a layer on average, so c -> 1 at that rate"))
    return steps, dict(linear_exact_slope=exact_slope, linear_saddle=saddle, linear_fluctuations=fluctuations,
                       linear_determinant=determinant)


@functools.lru_cache(maxsize=1)
def pair_of_inputs() -> Derivation:
    """Derive the lattice field theory of two inputs: linear network exactly, any activation at large N.

    Returns
    -------
    Derivation
        Steps (see the module docstring); ``.predict(activation=..., sigma_w2=..., sigma_b2=...)``
        gives a :class:`PairPrediction`. Named results: ``model`` (the kernel chain), ``fixed_point_residuals``,
        ``jacobian`` (of the mean-field map), ``fluctuations``, ``determinant`` (det K in z = e^{-iq}),
        ``decay_lengths``, ``correlation_channel_eft`` and ``correlation_channel_length``; for the linear
        network exactly: ``linear_exact_slope`` (dE/dq_d on uniform configurations), ``linear_saddle`` (a
        line of saddles), ``linear_fluctuations`` and ``linear_determinant``.

    Examples
    --------
    >>> derivation = pair_of_inputs()
    >>> derivation.decay_lengths
    (1/Abs(log(chi_c)), 1/Abs(log(chi_q)))
    """
    steps = []
    *_, covariance = _weight_integrals(INPUTS)  # (phi, z, exponent, weight integral, covariance)
    steps.append(Step("Kernel of one unit for two inputs given the previous layer (fan-in 2 shown)", covariance, "33",
                      note="Sigma^l = sigma_w^2 Phi^(l-1) + sigma_b^2: it depends on the previous layer only "
                           "through Phi, so the kernels Sigma^l form a Markov chain for any activation"))
    linear_steps, linear_results = _linear_steps()
    steps.extend(linear_steps)

    energy = kernel_chain_energy()
    model = lattice_model(energy, [Sigma_s, Sigma_x], l)
    steps.append(Step("Any activation, large N: Gaussian energy of the kernel chain, fields (s, x) = "
                      "(Sigma_11 = Sigma_22, Sigma_12)", energy))
    equations = stationary_equations(model)
    at_point = dict(zip(model.uniform, (q_star, q12_star)))
    residuals = sp.Tuple(*(sp.simplify(e.lhs.subs(at_point).subs(_fixed_point_identities())) for e in equations))
    steps.append(Step("Stationary equations at the fixed point of the mean-field map (q*, q12*): residuals",
                      residuals, note="all zero: the uniform saddle is the mean-field fixed point, c* = q12*/q*"))
    jacobian = _jacobian_at_fixed_point()
    steps.append(Step("Jacobian of the mean-field map at the fixed point", jacobian,
                      note="the quadratic energy needs the map only to first order: its second derivatives "
                           "multiply Sigma - m(Sigma), which vanishes at the saddle"))
    linearised = lattice_model(kernel_chain_energy(_taylor_map(jacobian)), [Sigma_s, Sigma_x], l)
    fluctuations = quadratic_fluctuations(saddle_at(linearised, [q_star, q12_star]))
    steps.append(Step("Quadratic fluctuations of the kernel chain", fluctuations.site_energy()))
    determinant = kernel_determinant(fluctuations)
    steps.append(Step("det K in z = exp(-iq)", determinant.determinant,
                      note="N^2 det P times the roots chi_q and chi_c and their inverses"))
    steps.append(Step("Decay lengths of the kernel fluctuations", sp.Tuple(*determinant.decay_lengths),
                      note="for every noise precision P; 1/|log chi_c| equals the mean-field xi_c = -1/ln chi_c"))
    by_slope = {length.free_symbols.pop(): length for length in determinant.decay_lengths}

    # The correlation channel at fixed variance: one field, the engine's continuum limit.
    channel = lattice_model(sp.expand(N * P_xx * (Sigma_x[l] - q12_star - chi_c * (Sigma_x[l - 1] - q12_star)) ** 2 / 2),
                            [Sigma_x], l)
    channel_fluctuations = quadratic_fluctuations(saddle_at(channel, [q12_star]))
    blocks_sum = sum((block * (sp.cos(q * delta) - sp.I * sp.sin(q * delta))
                      for delta, block in channel_fluctuations.blocks), sp.zeros(1, 1))
    eft = continuum_limit(FourierKernel(channel_fluctuations, q, sp.ImmutableMatrix(sp.factor(blocks_sum))), x)
    steps.append(Step("EFT of the correlation channel at fixed variance", eft.energy_density()))
    eft_length = sp.simplify(sp.sqrt(eft.stiffness[0, 0] / eft.mass[0, 0]))  # K(i/xi) = M - G/xi^2 = 0
    steps.append(Step("EFT correlation length of the correlation channel", eft_length,
                      note="sqrt(chi_c)/|1 - chi_c|: equal to 1/|log chi_c| to leading order as chi_c -> 1"))
    return Derivation(PAPER, "The field theory of a pair of inputs", tuple(steps), (),
                      predictor=_predictor(by_slope, eft_length),
                      results=dict(model=model, fixed_point_residuals=residuals, jacobian=jacobian,
                                   fluctuations=fluctuations, determinant=determinant,
                                   decay_lengths=sp.Tuple(*determinant.decay_lengths), correlation_channel_eft=eft,
                                   correlation_channel_length=eft_length, **linear_results))
