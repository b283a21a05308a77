"""kahn2017's questions to fok2017, answered with the engine.

1. *Which architecture is O(N) invariant?* The derivative of the risk along each rotation of the
   hidden units, for a two-layer network with weight decay and several activations.
2. *Why does the learning rate act as a temperature, with mass dimension 1?* Noisy gradient descent
   is Langevin dynamics at :math:`T = \\eta s^2/2`; power counting of eq 3 in D dimensions gives
   :math:`[\\eta] = (D-2)/2` for :math:`m^2(\\eta) = -\\mu^2 + \\lambda\\eta^2/4` to be consistent.
3. *Can eta_c be computed from first principles?* The one-loop rule gives :math:`\\eta_c` for every D';
   along a chain of layers there is no transition at all (the transfer operator's gap never closes).
4. *Do Goldstone weights exist? Look at correlation functions of weights.* The Gaussian theory has
   D'-1 massless modes, seen in the spectra at low T; in a chain they are a random walk that
   destroys the order over :math:`2Jv^2/((D'-1)T)` layers.
5. *Results from thermal field theory for the learning rate ("probably BS, but something like this
   seems true").* The Boltzmann law that noisy gradient descent samples is classical: its loop
   expansion shifts the curvatures linearly in T, sigma three times as much as pi, and not at all
   for D' = 2 at one loop; the :math:`T^2` rule fok2017 borrows belongs to quantum fields at high T.
"""

from __future__ import annotations

import functools

import sympy as sp

from nnfield.derivations.fok2017.layers import layer_chain
from nnfield.derivations.fok2017.one_loop import T_site, chain_loops, one_site_loops
from nnfield.derivations.fok2017.ssb import o_theory, ssb_analysis
from nnfield.derivations.fok2017.symbols import MASS_OF_ETA, eta, lam, m2
from nnfield.derivations.kahn2017.chain_checks import CHECK_NAMES
from nnfield.numeric.activations import ACTIVATIONS
from nnfield.symbolic import Step
from nnfield.symbolic.fieldtheory import mass_dimensions, orthogonal_generators
from nnfield.symbolic.questions import Question

__all__ = ["questions", "rotation_defects", "HIDDEN"]

PAPER = "kahn2017"
#: Hidden width of the two-layer network whose rotations are tested.
HIDDEN = 3


#: The activations whose rotation symmetry is decided (names of nnfield.numeric.activations.ACTIVATIONS).
STUDIED = ("linear", "tanh", "relu")


@functools.lru_cache(maxsize=None)
def rotation_defects(activation: str) -> tuple[sp.Expr, ...]:
    """d/d(epsilon) of the risk along each rotation of the hidden units, at epsilon = 0.

    The network is :math:`y = W_2\\,\\phi(W_1 x)` with 2 inputs, :data:`HIDDEN` hidden units and one
    output; the risk is :math:`(y - t)^2 + |W_1|^2 + |W_2|^2`; a generator :math:`T` of so(n) acts as
    :math:`W_1 \\to e^{\\epsilon T} W_1`, :math:`W_2 \\to W_2 e^{-\\epsilon T}`. For a linear network the
    defects vanish identically (returned as 0); otherwise they are evaluated at fixed weights drawn
    once (rational numbers), where a nonzero value proves the symmetry broken. A ReLU network is
    linear where its gates are fixed, so its defect vanishes for rotations among units that share a
    gate on the data and not for rotations that mix an active and an inactive unit.

    Examples
    --------
    >>> rotation_defects("linear")
    (0, 0, 0)
    >>> all(abs(defect) > 1e-3 for defect in rotation_defects("tanh"))
    True
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be the name of one of {', '.join(ACTIVATIONS)}; got {activation!r}")
    chosen = ACTIVATIONS[activation]
    phi = sp.Lambda(chosen.variable, chosen.expression)
    first = sp.Matrix(HIDDEN, 2, lambda i, j: sp.Symbol(f"a{i}{j}", real=True))
    second = sp.Matrix(1, HIDDEN, lambda i, j: sp.Symbol(f"b{j}", real=True))
    x = sp.Matrix(sp.symbols("x0 x1", real=True))
    target, epsilon = sp.Symbol("t", real=True), sp.Symbol("epsilon", real=True)
    weights = sorted(first.free_symbols | second.free_symbols | x.free_symbols | {target}, key=str)
    point = {symbol: sp.Rational((7 * k) % 11 - 5, 4) for k, symbol in enumerate(weights, 1)}
    defects = []
    for generator in orthogonal_generators(HIDDEN):
        rotation = sp.eye(HIDDEN) + epsilon * sp.Matrix(generator)  # first order in epsilon suffices at epsilon = 0
        inverse = sp.eye(HIDDEN) - epsilon * sp.Matrix(generator)
        rotated_first, rotated_second = rotation * first, second * inverse
        output = (rotated_second * (rotated_first * x).applyfunc(phi))[0, 0]
        risk = (output - target) ** 2 + sum(e**2 for e in rotated_first) + sum(e**2 for e in rotated_second)
        if chosen.expression == chosen.variable:  # linear: the defects vanish identically
            defects.append(sp.simplify(sp.expand(sp.diff(risk, epsilon).subs(epsilon, 0))))
        else:
            defects.append(sp.N(sp.diff(risk, epsilon).subs(epsilon, 0).subs(point), 8))  # the point last: less to carry
    return tuple(defects)


def _power_counting() -> Question:
    D = sp.Symbol("D", positive=True)
    m = sp.Symbol("m", positive=True)
    theory = o_theory(1)
    dimensions = mass_dimensions(theory.lagrangian.subs(m2, m**2), theory.fields, [m, lam], D)
    eta_dimension = sp.Symbol("d_eta")
    (solved,) = sp.solve(sp.Eq(dimensions[lam] + 2 * eta_dimension, 2 * dimensions[m]), eta_dimension)
    learning_rate, noise = sp.symbols("eta s", positive=True)
    temperature = learning_rate * noise**2 / 2  # variance of eta * xi is eta^2 s^2 = 2 T dt with dt = eta
    steps = (
        Step("Mass dimensions of w, m, lambda in eq 3 with D space-time dimensions",
             sp.Tuple(dimensions[theory.fields[0]], dimensions[m], dimensions[lam])),
        Step("[eta] required by m^2(eta) = -mu^2 + lambda eta^2/4", solved),
        Step("[eta] in D = 2 (the t and z of App. B) and in D = 4", sp.Tuple(solved.subs(D, 2), solved.subs(D, 4))),
        Step("Temperature of gradient descent with Gaussian gradient noise s (Langevin, time step eta)", temperature),
    )
    answer = (f"Power counting of eq 3 gives [w] = {dimensions[theory.fields[0]]}, [m] = {dimensions[m]}, "
              f"[lambda] = {dimensions[lam]}; for lambda eta^2/4 to be a mass squared, [eta] = {solved}, which is 1 "
              f"only in D = 4 and {solved.subs(D, 2)} in the paper's own (t, z) of App. B. As for the temperature: "
              f"gradient descent with Gaussian gradient noise of standard deviation s is Langevin dynamics at "
              f"T = {temperature} (linear in eta, up to a bias of order eta from the finite step), not T = eta as "
              "fok2017 sets it; the noise of minibatch gradients sets s.")
    return Question(PAPER, "learning rate as temperature",
                    "why does learning rate have dimension 1? would be good to develop a power-counting scheme",
                    steps, answer, (CHECK_NAMES["langevin"],))


def _invariance() -> Question:
    defects = {name: rotation_defects(name) for name in STUDIED}
    broken = {name: sum(1 for d in values if abs(d) > 1e-12) for name, values in defects.items()}
    total = len(orthogonal_generators(HIDDEN))
    steps = tuple(Step(f"d risk / d epsilon along the {total} rotations of {HIDDEN} hidden units, {name}",
                       sp.Tuple(*values)) for name, values in defects.items())
    answer = (f"For y = W2 phi(W1 x) with squared loss and weight decay, the derivative of the risk along the "
              f"{total} rotations of the hidden units vanishes identically when phi is linear (symbolically: "
              f"{broken['linear']} broken). With tanh, {broken['tanh']} of {total} are broken at fixed weights. With "
              f"ReLU, {broken['relu']} of {total}: the network is linear where its gates are fixed, so only rotations "
              "among units that share a gate on every example leave the risk unchanged, and they change with the "
              "data and with training. Only a network linear in the rotated layer has the continuous O(n) symmetry "
              "fok2017 assumes; a ReLU layer keeps for sure only the permutations of its units and positive "
              "rescalings, which are not rotations.")
    return Question(PAPER, "which architecture is O(N) invariant",
                    "what loss function/network architecture has O(N) invariance?", steps, answer)


def _critical_learning_rate() -> Question:
    rates = {d: ssb_analysis(d).critical_learning_rate for d in (1, 2, 3, 4)}
    steps = (Step("eta_c where the one-loop curvature at the origin changes sign, D' = 1..4",
                  sp.Tuple(*rates.values())),
             Step("fok2017's eta_c (from m^2(eta) = -mu^2 + lambda eta^2/4 = 0)", sp.solve(MASS_OF_ETA, eta)[0]))
    answer = (f"Given the potential, the one-loop rule computes eta_c: {rates[1]} for D' = 1 (fok2017's value) but "
              f"{rates[3]} for D' = 3, since the thermal mass of O(D') has the coefficient (D'+2)/12. This is a "
              "mean-field answer. For the weights along a chain of layers the exact transfer operator has a gap at "
              "every T > 0, so the correlation length is finite and the mean field vanishes like 1/L: there is no "
              "transition along the layers at any learning rate.")
    return Question(PAPER, "critical learning rate", "Can we calculate eta_c from first principles given the loss?",
                    steps, answer, (CHECK_NAMES["transfer"], CHECK_NAMES["mean field"]))


def _goldstone() -> Question:
    chain = layer_chain(3)
    decay = chain.spin_wave_length
    steps = (Step("Goldstone kernel K_pi(q): zero at q = 0", chain.pi_kernel),
             Step("Spectrum of the pi increments, |1 - e^{-iq}|^2 T/K_pi(q): flat, a random walk",
                  chain.pi_increment_spectrum),
             Step("Decay length of <w_0.w_l> for D' = 3", decay))
    answer = ("Yes as soft directions: at every minimum the Hessian has D'-1 exactly zero eigenvalues, and along a "
              f"chain of layers the pi modes are massless (K_pi(q) = {chain.pi_kernel} vanishes at q = 0, while the "
              f"sigma kernel {chain.sigma_kernel} has mass -2 m^2). But in a chain they are a random walk: the direction of the weights "
              f"decorrelates over {decay} layers, so the Goldstone modes restore the symmetry on long scales instead "
              "of marking its breaking.")
    return Question(PAPER, "Goldstone weights", "look at correlation functions of weights: do Goldstone weights exist?",
                    steps, answer, (CHECK_NAMES["gaussian"], CHECK_NAMES["transfer"]))


def _thermal_field_theory() -> Question:
    loops = one_site_loops(3)
    radius = sp.Symbol("v", positive=True)  # v^2 = -m^2/lambda

    def shift(series):
        return sp.factor((series.coefficients[1] * T_site).subs(m2, -lam * radius**2))

    sigma, pi, square = shift(loops.sigma_curvature), shift(loops.pi_curvature), shift(loops.mean_square)
    shifts = {d: shift(one_site_loops(d).pi_curvature) for d in (2, 4)}
    chain = chain_loops(3)
    steps = loops.steps + (Step("One-loop pi curvature shift for D' = 2 and D' = 4", sp.Tuple(*shifts.values())),
                           Step("Sigma inverse correlation length along the chain, one loop", chain.sigma_one_loop),
                           Step("Pi inverse correlation length along the chain, one loop", chain.pi_one_loop))
    answer = (f"Noisy gradient descent samples the classical Boltzmann law exp(-V/T) of the weights (T = eta s^2/2), "
              f"so the relevant loop expansion is the classical one, in powers of T. For one O(3) multiplet in the "
              f"broken phase (v^2 = -m^2/lambda) it gives <|w|^2> = v^2 + {square}, a sigma curvature "
              f"2 lambda v^2 + {sigma} and a pi curvature {pi} (the Boltzmann averages of the Hessian's eigenvalues): "
              f"linear in T, sigma three times pi, zero at one loop for D' = 2 ({shifts[2]}) and {shifts[4]} for "
              "D' = 4. fok2017's m^2(eta) = -mu^2 + lambda eta^2/4 is the "
              f"high-temperature rule of quantum thermal field theory, {loops.quantum_rule_shift} for O(3), the same "
              "for sigma and pi: a T^2 law that does not hold for these weights. Something like a temperature-"
              "dependent mass does exist, but it is linear in the learning rate and depends on the direction. Along "
              "the chain of layers the same classical loops shift the sigma correlation length at order T and the pi "
              "(spin-wave) one at relative order T.")
    return Question(PAPER, "thermal field theory for the learning rate",
                    "to account for the effect of the learning rate, we employ results from thermal field theory and "
                    "identify the temperature with the learning rate ... This is probably BS, but something like this "
                    "seems true.", steps, answer,
                    (CHECK_NAMES["one loop"], CHECK_NAMES["chain one loop"], CHECK_NAMES["langevin"]))


@functools.lru_cache(maxsize=1)
def questions() -> tuple[Question, ...]:
    """The five questions with their computed answers.

    Examples
    --------
    >>> [question.label for question in questions()][:4]
    ['which architecture is O(N) invariant', 'learning rate as temperature', 'critical learning rate', 'Goldstone weights']
    >>> questions()[4].label
    'thermal field theory for the learning rate'
    """
    return (_invariance(), _power_counting(), _critical_learning_rate(), _goldstone(), _thermal_field_theory())
