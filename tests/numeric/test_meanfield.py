"""The mean-field map: closed forms, quadrature, fixed points and slopes against independent formulas."""

import math

import numpy as np
import pytest
import sympy as sp
from scipy import integrate, optimize, special

from nnfield.numeric.meanfield import mean_field

z = sp.Symbol("z", real=True)


def adaptive_map(phi, sigma_w2, sigma_b2):
    """Independent: scipy's adaptive quadrature of the Gaussian average."""
    def variance_map(q):
        value = integrate.quad(lambda t: phi(math.sqrt(q) * t) ** 2 * math.exp(-t * t / 2), -np.inf, np.inf)[0]
        return sigma_w2 * value / math.sqrt(2 * math.pi) + sigma_b2
    return variance_map


def test_linear_and_relu_closed_forms():
    linear = mean_field(z, z, sigma_w2=0.5, sigma_b2=0.01)
    assert linear.method.startswith("closed form") and linear.expectation == sp.Symbol("q", positive=True)
    assert linear.fixed_point() == pytest.approx(0.01 / 0.5)
    relu = mean_field(sp.Max(z, 0), z, sigma_w2=1.5, sigma_b2=0.01)
    assert relu.fixed_point() == pytest.approx(0.01 / (1 - 0.75))
    assert relu.chi_1() == pytest.approx(0.75)  # sigma_w2 * P(z > 0)


@pytest.mark.parametrize("sigma_w2", [0.5, 1.0, 1.5])
def test_tanh_by_quadrature_matches_adaptive_quadrature(sigma_w2):
    field = mean_field(sp.tanh(z), z, sigma_w2=sigma_w2, sigma_b2=0.001)
    assert field.method.startswith("trapezoidal quadrature")
    reference = adaptive_map(math.tanh, sigma_w2, 0.001)
    for q in (0.01, 0.3, 2.0):
        assert field.variance_map(q) == pytest.approx(reference(q), rel=1e-9)
    q_star = optimize.brentq(lambda q: reference(q) - q, 1e-6, 10)
    assert field.fixed_point() == pytest.approx(q_star, rel=1e-8)


def test_chi_1_and_depth_scale_of_tanh():
    field = mean_field(sp.tanh(z), z, sigma_w2=1.5, sigma_b2=0.001)
    q_star = field.fixed_point()
    expected = 1.5 * integrate.quad(lambda t: (1 - math.tanh(math.sqrt(q_star) * t) ** 2) ** 2
                                    * math.exp(-t * t / 2), -np.inf, np.inf)[0] / math.sqrt(2 * math.pi)
    assert field.chi_1() == pytest.approx(expected, rel=1e-8)
    trajectory = field.trajectory(q_star * 1.001, 12)
    # Near q* the map is linear: the distance to the fixed point shrinks by exp(-1/xi) per layer.
    ratio = (trajectory[10] - q_star) / (trajectory[9] - q_star)
    assert ratio == pytest.approx(math.exp(-1 / field.depth_scale()), rel=1e-3)


def test_bad_inputs():
    with pytest.raises(TypeError, match="SymPy expression"):
        mean_field("tanh", z, sigma_w2=1.0, sigma_b2=0.1)
    with pytest.raises(ValueError, match="depend only on z"):
        mean_field(sp.tanh(z * sp.Symbol("a")), z, sigma_w2=1.0, sigma_b2=0.1)
    with pytest.raises(ValueError, match="sigma_b2 must be a finite number >= 0"):
        mean_field(sp.tanh(z), z, sigma_w2=1.0, sigma_b2=-0.1)


# ---- Robust fixed points -------------------------------------------------------------------

from nnfield.numeric.activations import ERF, LINEAR, RELU, TANH, activation  # noqa: E402
from nnfield.numeric.meanfield import critical_sigma_w2  # noqa: E402


def test_no_fixed_point_is_refused():
    for sigma_w2 in (2.0, 2.001):  # F(q) = q sigma_w2/2 + 0.01 > q for every q
        field = mean_field(RELU, sigma_w2=sigma_w2, sigma_b2=0.01)
        assert field.divergent and not field.marginal
        with pytest.raises(ValueError, match="no fixed point"):
            field.fixed_point()
        with pytest.raises(ValueError, match="no fixed point"):
            field.chi_1()


def test_marginal_map_is_reported():
    field = mean_field(RELU, sigma_w2=2.0, sigma_b2=0.0)  # F(q) = q
    assert field.marginal and not field.divergent
    with pytest.raises(ValueError, match="every q is a fixed point"):
        field.fixed_point()
    assert field.chi_1(q=3.0) == pytest.approx(1.0)
    assert mean_field(LINEAR, sigma_w2=1.0, sigma_b2=0.0).marginal


def tanh_fixed_point_mpmath(sigma_w2, sigma_b2, guess):
    """Independent: the fixed point of the tanh map with mpmath at 20 digits."""
    import mpmath

    with mpmath.workdps(20):
        def gap(q):
            integrand = lambda t: mpmath.tanh(mpmath.sqrt(q) * t) ** 2 * mpmath.exp(-t * t / 2)  # noqa: E731
            average = (mpmath.quad(integrand, [-mpmath.inf, 0, mpmath.inf])) / mpmath.sqrt(2 * mpmath.pi)
            return sigma_w2 * average + sigma_b2 - q
        return float(mpmath.findroot(gap, mpmath.mpf(guess), tol=1e-30))


def test_tanh_near_criticality_with_tiny_bias():
    field = mean_field(TANH, sigma_w2=1.0, sigma_b2=1e-8)
    expected = tanh_fixed_point_mpmath(1.0, 1e-8, 7e-5)
    assert field.fixed_point() == pytest.approx(expected, rel=1e-9)


def test_without_bias():
    assert mean_field(TANH, sigma_w2=0.5, sigma_b2=0.0).fixed_point() == 0.0  # ordered: q -> 0
    assert mean_field(TANH, sigma_w2=0.5, sigma_b2=0.0).chi_1() == pytest.approx(0.5)
    tanh = mean_field(sp.tanh(z), z, sigma_w2=1.5, sigma_b2=0.0)
    reference = adaptive_map(math.tanh, 1.5, 0.0)
    assert tanh.fixed_point() == pytest.approx(optimize.brentq(lambda q: reference(q) - q, 0.01, 10), rel=1e-9)
    # erf by hand: E[erf(sqrt(q) z)^2] = (2/pi) arcsin(2q/(1+2q)).
    erf_map = lambda q: 2.0 * 2 / math.pi * math.asin(2 * q / (1 + 2 * q))  # noqa: E731
    assert mean_field(ERF, sigma_w2=2.0, sigma_b2=0.0).fixed_point() == pytest.approx(
        optimize.brentq(lambda q: erf_map(q) - q, 0.01, 100), rel=1e-12)


def _expit(t):
    return 0.5 * (1 + math.tanh(t / 2))


@pytest.mark.parametrize("expression, phi", [
    (1 / (1 + sp.exp(-z)), _expit),
    (sp.log(1 + sp.exp(z)), lambda t: max(t, 0.0) + math.log1p(math.exp(-abs(t)))),
    (z / (1 + sp.exp(-z)), lambda t: t * _expit(t)),
])
def test_overflow_prone_activations(expression, phi):
    field = mean_field(expression, z, sigma_w2=1.2, sigma_b2=0.1)
    reference = adaptive_map(phi, 1.2, 0.1)
    assert field.fixed_point() == pytest.approx(optimize.brentq(lambda q: reference(q) - q, 1e-3, 50), rel=1e-9)
    assert field.variance_map(900.0) == pytest.approx(reference(900.0), rel=1e-6)  # exp(30 z) overflows math.exp


def test_exponential_activation():
    field = mean_field(sp.exp(z), z, sigma_w2=0.1, sigma_b2=0.01)  # F(q) = 0.1 exp(2q) + 0.01
    assert field.fixed_point() == pytest.approx(
        optimize.brentq(lambda q: 0.1 * math.exp(2 * q) + 0.01 - q, 0.0, 0.5), rel=1e-12)


# ---- Two inputs: closed forms by hand -----------------------------------------------------

def relu_correlation_map(c, sigma_w2, sigma_b2, q):
    """By hand: the arc-cosine kernel E[relu(u) relu(v)] = q (sqrt(1-c^2) + (pi - arccos c) c)/(2 pi)."""
    kernel = q * (np.sqrt(1 - c * c) + (np.pi - np.arccos(c)) * c) / (2 * np.pi)
    return (sigma_w2 * kernel + sigma_b2) / q


def test_relu_correlation_map_and_depth_scales():
    field = mean_field(RELU, sigma_w2=1.5, sigma_b2=0.1)
    q_star = 0.1 / (1 - 1.5 / 2)
    c = np.linspace(-1, 1, 9)
    np.testing.assert_allclose(field.correlation_map(c), relu_correlation_map(c, 1.5, 0.1, q_star), rtol=1e-12)
    assert field.c_star() == 1.0  # the ReLU with a fixed point is always ordered: chi_1 = sigma_w2/2 < 1
    assert field.chi_c() == pytest.approx(0.75, rel=1e-12)
    assert field.correlation_depth_scale() == pytest.approx(-1 / math.log(0.75), rel=1e-12)
    marginal = mean_field(RELU, sigma_w2=2.0, sigma_b2=0.0)
    assert marginal.correlation_map(0.3, q=5.0) == pytest.approx(relu_correlation_map(0.3, 2.0, 0.0, 5.0), rel=1e-12)


def erf_by_hand(sigma_w2, sigma_b2):
    """q*, the correlation map, c* and chi_c of erf from the arcsine kernel, solved with scipy."""
    q = optimize.brentq(lambda v: sigma_w2 * 2 / math.pi * math.asin(2 * v / (1 + 2 * v)) + sigma_b2 - v, 1e-9, 1e3)
    mapping = lambda c: (sigma_w2 * 2 / math.pi * np.arcsin(2 * q * c / (1 + 2 * q)) + sigma_b2) / q  # noqa: E731
    c_star = optimize.brentq(lambda c: mapping(c) - c, 0.0, 0.999999)
    chi_c = sigma_w2 * 4 / math.pi / math.sqrt((1 + 2 * q) ** 2 - 4 * q * q * c_star**2)
    return q, mapping, c_star, chi_c


def test_erf_chaotic_phase_against_arcsine_kernel():
    field = mean_field(ERF, sigma_w2=3.0, sigma_b2=0.05)
    q_star, mapping, c_star, chi_c = erf_by_hand(3.0, 0.05)
    assert field.fixed_point() == pytest.approx(q_star, rel=1e-12)
    c = np.linspace(-1, 1, 7)
    np.testing.assert_allclose(field.correlation_map(c), mapping(c), rtol=1e-11, atol=1e-14)
    assert field.chi_1() > 1 and field.c_star() == pytest.approx(c_star, rel=1e-10)
    assert field.chi_c() == pytest.approx(chi_c, rel=1e-10)
    # xi_c: near c*, the distance to c* shrinks by exp(-1/xi_c) a layer.
    c_next = field.correlation_map(c_star + 1e-5)
    assert (c_next - c_star) / 1e-5 == pytest.approx(math.exp(-1 / field.correlation_depth_scale()), rel=1e-4)


def tanh_kernel_by_gauss_hermite(q, c, nodes=400):
    """Independent of the code's trapezoid: a Gauss-Hermite rule in the whitened variables."""
    x, w = special.roots_hermitenorm(nodes)
    w = w / math.sqrt(2 * math.pi)
    u = np.tanh(math.sqrt(q) * x)
    v = np.tanh(math.sqrt(q) * (c * x[:, None] + math.sqrt(1 - c * c) * x[None, :]))
    return float(np.einsum("i,j,i,ij->", w, w, u, v))


def test_tanh_chaotic_c_star_against_independent_quadrature():
    field = mean_field(TANH, sigma_w2=2.5, sigma_b2=0.05)
    q_star = field.fixed_point()
    mapping = lambda c: (2.5 * tanh_kernel_by_gauss_hermite(q_star, c) + 0.05) / q_star  # noqa: E731
    assert mapping(1.0) == pytest.approx(1.0, rel=1e-9)  # the two quadratures agree on q*
    assert field.c_star() == pytest.approx(optimize.brentq(lambda c: mapping(c) - c, 0.0, 0.999), rel=1e-7)
    odd = mean_field(TANH, sigma_w2=1.5, sigma_b2=0.0)  # no bias: c = 0 is the stable fixed point
    slope = integrate.quad(lambda t: (1 - math.tanh(math.sqrt(odd.fixed_point()) * t) ** 2)
                           * math.exp(-t * t / 2), -np.inf, np.inf)[0] / math.sqrt(2 * math.pi)
    assert odd.c_star() == 0.0 and odd.chi_c() == pytest.approx(1.5 * slope**2, rel=1e-9)


# ---- The neural tangent kernel -------------------------------------------------------------

def relu_ntk_by_hand(first, sigma_w2, sigma_b2, layers):
    """Arc-cosine kernels of degree 1 and 0 (Cho & Saul) in the NTK recursion, for two inputs."""
    kernel, tangent, out = np.array(first, float), np.array(first, float), []
    for _ in range(layers - 1):
        norms = np.sqrt(np.outer(np.diag(kernel), np.diag(kernel)))
        theta = np.arccos(np.clip(kernel / norms, -1, 1))
        following = sigma_w2 * norms * (np.sin(theta) + (np.pi - theta) * np.cos(theta)) / (2 * np.pi) + sigma_b2
        tangent = following + sigma_w2 * (np.pi - theta) / (2 * np.pi) * tangent
        kernel = following
        out.append(tangent)
    return np.array(out)


def test_ntk_closed_forms():
    first = np.array([[1.2, 0.4], [0.4, 0.7]])
    result = mean_field(RELU, sigma_w2=1.8, sigma_b2=0.05).tangent_kernel(first, 5)
    np.testing.assert_allclose(result.tangent[0], first)
    np.testing.assert_allclose(result.tangent[1:], relu_ntk_by_hand(first, 1.8, 0.05, 5), rtol=1e-11)
    linear = mean_field(LINEAR, sigma_w2=0.8, sigma_b2=0.1).tangent_kernel(2.0, 4)
    kernel, tangent = 2.0, 2.0
    for layer in range(1, 4):  # K^l = 0.8 K + 0.1, Theta^l = K^l + 0.8 Theta
        kernel = 0.8 * kernel + 0.1
        tangent = kernel + 0.8 * tangent
        assert linear.kernel[layer] == pytest.approx(kernel) and linear.tangent[layer] == pytest.approx(tangent)
    with pytest.raises(ValueError, match="2x2 covariance"):
        mean_field(RELU, sigma_w2=1.0, sigma_b2=0.1).tangent_kernel([[1.0, 2.0], [2.0, 1.0]], 3)


# ---- Monte Carlo against finite networks ----------------------------------------------------

def two_inputs(width, variance, covariance, rng):
    """Inputs with |x_a|^2/N and x_1.x_2/N exactly as asked (Gram-Schmidt on random vectors)."""
    basis, _ = np.linalg.qr(rng.standard_normal((width, 2)))
    angle = math.acos(covariance / variance)
    return math.sqrt(variance * width) * np.stack([basis[:, 0], math.cos(angle) * basis[:, 0] + math.sin(angle) * basis[:, 1]])


# A new activation is one object: the sampler and the mean-field map take it as it is.
BENT = activation(z + (sp.sqrt(z**2 + 1) - 1) / 2, z, name="bent identity")


@pytest.mark.slow
@pytest.mark.parametrize("chosen, phi", [(TANH, np.tanh), (RELU, lambda t: np.maximum(t, 0.0)), (BENT, BENT)])
def test_covariance_map_against_exact_networks(chosen, phi):
    """Layer 1 of the exact sampler has mean overlaps sigma_w2 E[phi(u) phi(v)] + sigma_b2 exactly (no 1/N bias)."""
    from nnfield.numeric.samplers import exact_network_overlaps

    sigma_w2, sigma_b2, width, networks = 1.7, 0.1, 50, 4000
    rng = np.random.default_rng(13)
    inputs = two_inputs(width, 0.8, 0.5, rng)
    overlaps = exact_network_overlaps(sigma_w2, sigma_b2, width, 2, networks, inputs, phi=phi, rng=rng)[:, 1]
    first = sigma_w2 * inputs @ inputs.T / width + sigma_b2
    predicted = mean_field(chosen, sigma_w2=sigma_w2, sigma_b2=sigma_b2).covariance_map(first[0, 0], first[0, 1],
                                                                                          first[1, 1])
    measured = [overlaps[:, 0, 0], overlaps[:, 0, 1], overlaps[:, 1, 1]]
    for sample, expected in zip(measured, predicted):
        error = sample.std(ddof=1) / math.sqrt(networks)
        assert abs(sample.mean() - expected) < 4.5 * error  # 3 comparisons: false alarm ~ 2e-5


def empirical_ntk(inputs, sigma_w2, sigma_b2, phi, slope, rng):
    """The NTK of one output unit of a two-layer network in NTK parameterisation, by backpropagation."""
    width = inputs.shape[1]
    first_weights, first_bias = rng.standard_normal((width, width)), rng.standard_normal(width)
    readout = rng.standard_normal(width)  # the row of the second layer that feeds the output unit
    scale_w, scale_b = math.sqrt(sigma_w2 / width), math.sqrt(sigma_b2)
    hidden = inputs @ first_weights.T * scale_w + first_bias * scale_b  # (2, width)
    gradients = []
    for a in range(2):
        delta = scale_w * readout * slope(hidden[a])  # d output / d hidden
        gradients.append(np.concatenate([
            scale_w * phi(hidden[a]), [scale_b],  # second-layer weights and bias
            np.outer(delta, scale_w * inputs[a]).ravel(), delta * scale_b,  # first-layer weights and biases
        ]))
    return np.array([[g @ h for h in gradients] for g in gradients])


@pytest.mark.slow
@pytest.mark.parametrize("chosen, phi, slope", [
    (TANH, np.tanh, lambda t: 1 - np.tanh(t) ** 2),
    (RELU, lambda t: np.maximum(t, 0.0), lambda t: (t > 0).astype(float)),
])
def test_ntk_against_finite_networks(chosen, phi, slope):
    """Two layers: E[Theta-hat] = K^1 + sigma_w2 E[phi' phi'] K^0 at any width, so the mean is unbiased."""
    sigma_w2, sigma_b2, width, networks = 1.5, 0.2, 40, 1500
    rng = np.random.default_rng(17)
    inputs = two_inputs(width, 1.1, -0.3, rng)
    samples = np.array([empirical_ntk(inputs, sigma_w2, sigma_b2, phi, slope, rng) for _ in range(networks)])
    first = sigma_w2 * inputs @ inputs.T / width + sigma_b2
    predicted = mean_field(chosen, sigma_w2=sigma_w2, sigma_b2=sigma_b2).tangent_kernel(first, 2).tangent[1]
    for a, b in ((0, 0), (0, 1), (1, 1)):
        error = samples[:, a, b].std(ddof=1) / math.sqrt(networks)
        assert abs(samples[:, a, b].mean() - predicted[a, b]) < 4.5 * error


# ---- The order-to-chaos line ---------------------------------------------------------------

def test_critical_line():
    for sigma_b2 in (0.0, 0.05, 1.0):
        assert critical_sigma_w2(RELU, sigma_b2=sigma_b2) == pytest.approx(2.0, rel=1e-9)
    # erf by hand: chi_1 = sigma_w2 (4/pi)/sqrt(1 + 4q) = 1 and q = sigma_w2 (2/pi) asin(2q/(1+2q)) + sigma_b2.
    for sigma_b2 in (0.05, 0.5):
        on_line = lambda q: math.pi / 4 * math.sqrt(1 + 4 * q)  # noqa: E731
        q = optimize.brentq(lambda v: on_line(v) * 2 / math.pi * math.asin(2 * v / (1 + 2 * v)) + sigma_b2 - v,
                            1e-9, 1e3)
        assert critical_sigma_w2(ERF, sigma_b2=sigma_b2) == pytest.approx(on_line(q), rel=1e-10)
        assert mean_field(ERF, sigma_w2=on_line(q), sigma_b2=sigma_b2).chi_1() == pytest.approx(1.0, rel=1e-10)
    assert critical_sigma_w2(sp.tanh(z), z, sigma_b2=0.0) == pytest.approx(1.0, rel=1e-6)
    # tanh with bias: at the returned sigma_w2, chi_1 = 1 by scipy's quadrature at scipy's fixed point.
    sigma_w2 = critical_sigma_w2(TANH, sigma_b2=0.05)
    reference = adaptive_map(math.tanh, sigma_w2, 0.05)
    q_star = optimize.brentq(lambda q: reference(q) - q, 1e-3, 10, xtol=1e-14)
    chi_1 = sigma_w2 * integrate.quad(lambda t: (1 - math.tanh(math.sqrt(q_star) * t) ** 2) ** 2 * math.exp(-t * t / 2),
                                      -np.inf, np.inf)[0] / math.sqrt(2 * math.pi)
    assert chi_1 == pytest.approx(1.0, rel=1e-8)
    with pytest.raises(ValueError, match="stays ordered"):
        critical_sigma_w2(TANH, sigma_b2=0.05, largest=1.5)


def test_activation_arguments():
    with pytest.raises(TypeError, match="needs its variable"):
        mean_field(sp.tanh(z), sigma_w2=1.0, sigma_b2=0.1)
    with pytest.raises(TypeError, match="not both"):
        mean_field(TANH, z, sigma_w2=1.0, sigma_b2=0.1)
    with pytest.raises(ValueError, match="correlations must lie"):
        mean_field(TANH, sigma_w2=1.0, sigma_b2=0.1).correlation_map(1.5)
    with pytest.raises(ValueError, match="q\\* = 0"):
        mean_field(TANH, sigma_w2=0.5, sigma_b2=0.0).c_star()
    assert activation(sp.tanh(z), z) == activation(sp.tanh(z), z)
