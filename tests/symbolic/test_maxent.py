"""Maximum-entropy laws of binary variables against hand-derived forms and a numerical maximum."""

import itertools

import numpy as np
import pytest
import sympy as sp

from nnfield.symbolic import bernoulli_factorization, logistic, maximum_entropy

h1, h2, l1, l2, J = sp.symbols("h1 h2 lambda1 lambda2 J", real=True)


def test_one_binary_variable_is_a_logistic_bernoulli():
    law = maximum_entropy([h1], [h1], [l1])
    assert law.configurations == ((0,), (1,))
    assert sp.simplify(law.probabilities[1] - logistic(l1)) == 0
    assert sp.simplify(law.partition_function - (1 + sp.exp(l1))) == 0


def test_coupled_pair_matches_the_hand_derived_ising_form():
    law = maximum_entropy([h1, h2, h1 * h2], [h1, h2], [l1, l2, J])
    partition = 1 + sp.exp(l1) + sp.exp(l2) + sp.exp(l1 + l2 + J)  # by hand, over the four configurations
    assert sp.simplify(law.partition_function - partition) == 0
    assert sp.simplify(law.probabilities[3] - sp.exp(l1 + l2 + J) / partition) == 0
    assert sp.simplify(sum(law.probabilities) - 1) == 0


def test_the_stationary_law_is_the_entropy_maximum():
    """Fixing the means of h1 and h2 leaves one free direction; the derived law maximises the entropy along it."""
    law = maximum_entropy([h1, h2], [h1, h2], [l1, l2])
    p = np.array([float(q.subs({l1: 0.3, l2: -0.7})) for q in law.probabilities])
    constraints = np.array([[1] * 4, [c[0] for c in law.configurations], [c[1] for c in law.configurations]], float)
    direction = np.linalg.svd(constraints)[2][-1]
    assert np.allclose(constraints @ direction, 0)
    entropy = lambda q: -np.sum(q * np.log(q))
    for step in (1e-3, -1e-3, 1e-2, -1e-2):
        assert entropy(p + step * direction) < entropy(p)


def test_bernoulli_factorization():
    u1, u2, c = sp.symbols("u1 u2 c", real=True)
    factorization = bernoulli_factorization(c + u1 * h1 + u2 * h2, [h1, h2])
    assert factorization.fields == (u1, u2)
    total = sum(factorization.probability(config) for config in itertools.product((0, 1), repeat=2))
    assert sp.simplify(total - 1) == 0
    assert sp.simplify(factorization.probability((1, 0)) - logistic(u1) * (1 - logistic(u2))) == 0
    with pytest.raises(ValueError, match="couples the variables"):
        bernoulli_factorization(u1 * h1 + J * h1 * h2, [h1, h2])
    with pytest.raises(ValueError, match="polynomial"):
        bernoulli_factorization(sp.exp(h1), [h1])
    with pytest.raises(ValueError, match="configuration"):
        factorization.probability((1, 2))


def test_bad_arguments():
    with pytest.raises(TypeError, match="Symbols"):
        maximum_entropy([h1], ["h1"], [l1])
    with pytest.raises(ValueError, match="one multiplier per statistic"):
        maximum_entropy([h1, h2], [h1, h2], [l1])
    with pytest.raises(ValueError, match="distinct"):
        maximum_entropy([h1], [h1, h1], [l1])
