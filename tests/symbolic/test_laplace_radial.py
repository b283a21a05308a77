import mpmath
import pytest
import sympy as sp

from nnfield.symbolic import hyperspherical_reduction, laplace_approximation

x, y, N = sp.symbols("x y N", positive=True)


def test_stirling_series_with_the_one_twelfth_correction():
    expansion = laplace_approximation(x - sp.log(x), x, N)
    assert expansion.correction == sp.Rational(1, 12)
    stirling = sp.sqrt(2 * sp.pi) * N ** (N + sp.Rational(1, 2)) * sp.exp(-N) * (1 + 1 / (12 * N))
    assert sp.simplify(N ** (N + 1) * expansion.value(order=1) - stirling) == 0


@pytest.mark.parametrize("n", [10, 50, 200])
def test_errors_shrink_as_stirling_predicts(n):
    expansion = laplace_approximation(x - sp.log(x), x, N)
    exact = mpmath.gamma(n + 1)
    leading = mpmath.mpf(str(sp.N((N ** (N + 1) * expansion.value(0)).subs(N, n), 40)))
    corrected = mpmath.mpf(str(sp.N((N ** (N + 1) * expansion.value(1)).subs(N, n), 40)))
    # Next terms of the series: 1/(12N) for the leading term, 1/(288N^2) for the corrected one.
    assert abs(exact / leading - 1 - 1 / (12 * n)) < 2 / (288 * n**2)
    assert abs(exact / corrected - 1) < 2 / (288 * n**2)


def test_two_variables_against_quadrature():
    large = 40
    f = x - sp.log(x) + y - sp.log(y) + (x - 1) * (y - 1) / 4
    expansion = laplace_approximation(f, (x, y), N, point=(1, 1))
    function = sp.lambdify((x, y), sp.exp(-large * f), "mpmath")
    exact = mpmath.quad(function, [0, 0.7, 1, 1.3, 4], [0, 0.7, 1, 1.3, 4])
    leading = sp.N(expansion.value(0).subs(N, large))
    corrected = sp.N(expansion.value(1).subs(N, large))
    assert abs(float(exact / leading) - 1) < 3 / large  # O(1/A)
    assert abs(float(exact / corrected) - 1) < 3 / large**2  # O(1/A^2)


def test_a_maximum_is_refused():
    with pytest.raises(ValueError, match="not positive definite"):
        laplace_approximation(-(x - 1) ** 2, x, N, point=(1,))


def test_angular_factor_normalizes_the_chi_distribution():
    l = sp.Symbol("l", integer=True)
    s, r = sp.IndexedBase("s"), sp.IndexedBase("r", positive=True)
    for dimension in (1, 2, 3, 7):
        reduction = hyperspherical_reduction(s[l] / 2, s, r, l, dimension)
        t = sp.Symbol("t", positive=True)
        integrand = sp.exp(-reduction.model.energy.subs(r[l], t))
        total = reduction.angular_factor * sp.integrate(integrand, (t, 0, sp.oo))
        assert sp.simplify(total - (2 * sp.pi) ** sp.Rational(dimension, 2)) == 0


@pytest.mark.parametrize("shift", [0, 1, sp.Rational(1, 2), -1, sp.Rational(3, 2)])
def test_loggamma_terms_are_stirlings_series(shift):
    from nnfield.symbolic import loggamma_terms

    big = sp.Symbol("X", positive=True)
    # By hand: log Gamma(X + c) = X log X - X + (c - 1/2) log X + log(2 pi)/2 + (c^2 - c + 1/6)/(2 X) + O(X^-2).
    leading = big * sp.log(big) - big
    constant_and_log = (shift - sp.Rational(1, 2)) * sp.log(big) + sp.log(2 * sp.pi) / 2
    inverse = (shift**2 - shift + sp.Rational(1, 6)) / (2 * big)
    terms = loggamma_terms(2, shift)
    for order, by_hand in enumerate((leading, leading + constant_and_log, leading + constant_and_log + inverse)):
        assert sp.expand(sp.expand_log(loggamma_terms(order, shift) - by_hand, force=True)) == 0
    # Against the Gamma function: the error of the order-2 terms falls like X^-2 (the next term is B_3(c)/(6 X^2)).
    for value in (50, 400):
        error = mpmath.loggamma(value + mpmath.mpf(float(shift))) - mpmath.mpf(str(sp.N(terms.subs(big, value), 40)))
        assert abs(error) < 1 / value**2


def test_stirling_of_a_binomial_at_order_one():
    from nnfield.symbolic import stirling

    n, k = sp.symbols("n k", positive=True)
    # log C(n, k) = log n! - log k! - log (n-k)!, each log m! = m log m - m + log(2 pi m)/2 at order one.
    factorial = lambda m: m * sp.log(m) - m + sp.log(2 * sp.pi * m) / 2  # noqa: E731
    by_hand = factorial(n) - factorial(k) - factorial(n - k)
    assert sp.expand(sp.expand_log(stirling(sp.log(sp.binomial(n, k)), order=1) - by_hand, force=True)) == 0
