"""Maximum-entropy laws of binary variables and their exponential-family form.

For binary variables :math:`h \\in \\{0, 1\\}^n` and statistics :math:`f_k(h)` with prescribed
means :math:`\\tau_k`, the law of maximal entropy

.. math:: \\max_p -\\sum_h p(h)\\log p(h) \\quad\\text{s.t.}\\quad \\sum_h p(h) = 1,\\;
          \\sum_h p(h) f_k(h) = \\tau_k

is derived from the stationarity of the Lagrangian, configuration by configuration, giving the
exponential family :math:`p(h) = e^{\\sum_k\\lambda_k f_k(h)}/Z`. When the exponent is affine in
each variable separately and free of products of variables, the partition function factorises,
:math:`Z = \\prod_i (1 + e^{u_i})`, and the variables are independent Bernoulli variables with
logistic marginals :math:`P(h_i = 1) = 1/(1 + e^{-u_i})`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp

__all__ = ["MaximumEntropyLaw", "maximum_entropy", "BernoulliFactorization", "bernoulli_factorization", "logistic"]


def logistic(field):
    """The logistic function :math:`1/(1 + e^{-u})`.

    Examples
    --------
    >>> import sympy as sp
    >>> logistic(sp.Integer(0))
    1/2
    """
    return 1 / (1 + sp.exp(-field))


def _binary_variables(variables) -> tuple[sp.Symbol, ...]:
    variables = tuple(variables)
    if not variables or not all(isinstance(v, sp.Symbol) for v in variables):
        raise TypeError(f"variables must be a non-empty sequence of sympy Symbols (the binary variables); got {variables!r}")
    if len(set(variables)) != len(variables):
        raise ValueError(f"variables must be distinct; got {variables!r}")
    return variables


def _configurations(count: int) -> tuple[tuple[int, ...], ...]:
    return tuple(itertools.product((0, 1), repeat=count))


@dataclass(frozen=True)
class MaximumEntropyLaw:
    """The maximum-entropy law of binary variables under mean constraints.

    Attributes
    ----------
    variables : tuple of sympy.Symbol
    configurations : tuple of tuple of int
        Every point of :math:`\\{0,1\\}^n`, in ``itertools.product`` order.
    exponent : sympy.Expr
        :math:`\\sum_k \\lambda_k f_k(h)`, the multipliers times the statistics.
    probabilities : tuple of sympy.Expr
        :math:`p(h)` for each configuration, solved from the stationarity of the Lagrangian.
    partition_function : sympy.Expr
        :math:`Z = \\sum_h e^{\\sum_k \\lambda_k f_k(h)}`, found from the normalisation multiplier.
    """

    variables: tuple[sp.Symbol, ...]
    configurations: tuple[tuple[int, ...], ...]
    exponent: sp.Expr
    probabilities: tuple[sp.Expr, ...]
    partition_function: sp.Expr

    def law(self) -> dict:
        """Configuration -> probability."""
        return dict(zip(self.configurations, self.probabilities))


def maximum_entropy(statistics, variables, multipliers) -> MaximumEntropyLaw:
    """Solve the maximum-entropy problem for binary ``variables`` with the mean of each statistic fixed.

    The Lagrangian :math:`-\\sum_h p_h\\log p_h - \\alpha(\\sum_h p_h - 1) + \\sum_k\\lambda_k(\\sum_h
    p_h f_k(h) - \\tau_k)` is stationary in each :math:`p_h` at :math:`p_h = e^{E(h) - 1 - \\alpha}`
    with :math:`E = \\sum_k \\lambda_k f_k`; normalisation fixes :math:`e^{-1-\\alpha} = 1/Z`. The
    entropy is strictly concave in :math:`p`, so this stationary point is the maximum. The means
    :math:`\\tau_k` only select the multipliers and do not enter the form.

    Parameters
    ----------
    statistics : sequence of sympy.Expr
        :math:`f_k(h)`, expressions in ``variables`` (other symbols are held fixed, e.g. observed inputs).
    variables : sequence of sympy.Symbol
        The binary variables.
    multipliers : sequence of sympy.Symbol
        One Lagrange multiplier :math:`\\lambda_k` per statistic.

    Examples
    --------
    >>> import sympy as sp
    >>> h, lam = sp.Symbol("h"), sp.Symbol("lambda")
    >>> law = maximum_entropy([h], [h], [lam])
    >>> law.partition_function, law.probabilities[1]
    (exp(lambda) + 1, exp(lambda)/(exp(lambda) + 1))
    """
    variables = _binary_variables(variables)
    statistics, multipliers = tuple(sp.sympify(s) for s in statistics), tuple(multipliers)
    if len(statistics) != len(multipliers):
        raise ValueError(f"one multiplier per statistic is needed; got {len(statistics)} statistics and "
                         f"{len(multipliers)} multipliers")
    configurations = _configurations(len(variables))
    exponent = sum((m * s for m, s in zip(multipliers, statistics)), sp.Integer(0))
    probabilities = sp.symbols(f"p_0:{len(configurations)}", positive=True)
    normaliser = sp.Dummy("alpha")
    entropy = -sum(p * sp.log(p) for p in probabilities)
    lagrangian = entropy - normaliser * (sum(probabilities) - 1)
    for multiplier, statistic in zip(multipliers, statistics):
        mean = sum(p * statistic.subs(dict(zip(variables, c))) for p, c in zip(probabilities, configurations))
        lagrangian += multiplier * (mean - sp.Dummy("tau"))
    stationary = []
    for p in probabilities:
        (solution,) = sp.solve(sp.diff(lagrangian, p), p, simplify=False, check=False)
        stationary.append(solution)
    # Normalisation: with alpha = -1 - log(c) every p_h is c exp(E(h)), linear in c.
    scale = sp.Dummy("c", positive=True)
    stationary = [sp.expand_power_exp(p.subs(normaliser, -1 - sp.log(scale))) for p in stationary]
    (scale_value,) = sp.solve(sum(stationary) - 1, scale)
    solved = tuple(sp.powsimp(p.subs(scale, scale_value), deep=True) for p in stationary)
    partition = sp.powsimp(1 / scale_value, deep=True)
    return MaximumEntropyLaw(variables, configurations, exponent, solved, partition)


@dataclass(frozen=True)
class BernoulliFactorization:
    """An exponential-family law of binary variables written as independent Bernoulli variables.

    Attributes
    ----------
    variables : tuple of sympy.Symbol
    fields : tuple of sympy.Expr
        :math:`u_i`, the coefficient of :math:`h_i` in the exponent.
    marginals : tuple of sympy.Expr
        :math:`P(h_i = 1) = 1/(1 + e^{-u_i})`.
    partition_function : sympy.Expr
        :math:`\\prod_i (1 + e^{u_i})` times :math:`e^{c}` for the part :math:`c` of the exponent free
        of the variables; checked equal to the sum over all configurations.
    """

    variables: tuple[sp.Symbol, ...]
    fields: tuple[sp.Expr, ...]
    marginals: tuple[sp.Expr, ...]
    partition_function: sp.Expr

    def probability(self, configuration) -> sp.Expr:
        """:math:`\\prod_i P(h_i = c_i) = \\prod_i e^{c_i u_i}/(1 + e^{u_i})` for a configuration ``c`` of zeros and ones."""
        configuration = tuple(configuration)
        if len(configuration) != len(self.variables) or not set(configuration) <= {0, 1}:
            raise ValueError(f"a configuration is {len(self.variables)} values in {{0, 1}}; got {configuration!r}")
        return sp.Mul(*(sp.exp(c * u) / (1 + sp.exp(u)) for u, c in zip(self.fields, configuration)))


def bernoulli_factorization(exponent, variables) -> BernoulliFactorization:
    """Factorise :math:`e^{E(h)}/Z` into independent Bernoulli variables, if it factorises.

    Parameters
    ----------
    exponent : sympy.Expr
        :math:`E(h)`; it must be affine in the binary ``variables`` jointly (no products of two of
        them): then :math:`E = c + \\sum_i u_i h_i` and :math:`Z = e^c\\prod_i(1 + e^{u_i})`.
    variables : sequence of sympy.Symbol

    Raises
    ------
    ValueError
        If the exponent couples the variables (a product of two of them) or is not polynomial in them.

    Examples
    --------
    >>> import sympy as sp
    >>> h1, h2, u1, u2 = sp.symbols("h1 h2 u1 u2")
    >>> factorization = bernoulli_factorization(u1 * h1 + u2 * h2, [h1, h2])
    >>> factorization.partition_function
    (exp(u1) + 1)*(exp(u2) + 1)
    >>> factorization.marginals[0]
    1/(1 + exp(-u1))
    """
    variables = _binary_variables(variables)
    exponent = sp.expand(sp.sympify(exponent))
    try:
        polynomial = sp.Poly(exponent, *variables)
    except sp.PolynomialError as error:
        raise ValueError(f"the exponent must be polynomial in the binary variables {variables}; got {exponent}") from error
    if polynomial.total_degree() > 1:
        coupled = [sp.Mul(*(v**k for v, k in zip(variables, monomial)))
                   for monomial in polynomial.monoms() if sum(monomial) > 1]
        raise ValueError(f"the exponent couples the variables through {coupled}; the law does not factorise into "
                         "independent Bernoulli variables (condition on the coupled ones first)")
    fields = tuple(exponent.coeff(v) for v in variables)
    constant = exponent.subs({v: 0 for v in variables})
    partition = sp.exp(constant) * sp.Mul(*(1 + sp.exp(u) for u in fields))
    summed = sum(sp.exp(exponent.subs(dict(zip(variables, c)))) for c in _configurations(len(variables)))
    if sp.expand(summed - partition) != 0:
        raise ValueError(f"the partition function of {exponent} did not factorise over {variables}")
    return BernoulliFactorization(variables, fields, tuple(logistic(u) for u in fields), partition)
