"""The compile boundary: argument order, backends, matrices, and clear errors."""

import mpmath
import numpy as np
import pytest
import sympy as sp

from nnfield.numeric.compile import compile_expression, compile_matrix

a, b, q = sp.symbols("a b q", real=True)


def test_argument_order_is_the_given_one():
    f = compile_expression(a - 2 * b, (b, a))
    assert f(1.0, 5.0) == 3.0


def test_numpy_backend_broadcasts():
    f = compile_expression(sp.cos(q) * a, (a, q))
    np.testing.assert_allclose(f(2.0, np.array([0.0, np.pi])), [2.0, -2.0])


def test_mpmath_backend_keeps_precision_near_criticality():
    f = compile_expression(1 / (1 - a), (a,), backend="mpmath")
    with mpmath.workdps(40):
        assert abs(f(1 - mpmath.mpf("1e-30")) / mpmath.mpf("1e30") - 1) < 1e-8
    with np.errstate(divide="ignore"):
        assert np.isinf(compile_expression(1 / (1 - a), (a,))(np.float64(1) - 1e-30))  # what numpy would give


def test_matrix_shape_follows_the_arguments():
    f = compile_matrix(sp.Matrix([[a, q], [q, 1]]), (a, q))
    assert f(1.0, np.zeros((3, 4))).shape == (3, 4, 2, 2)


def test_errors():
    with pytest.raises(ValueError, match="not among the arguments"):
        compile_expression(a + b, (a,))
    with pytest.raises(ValueError, match="backend must be one of numpy, mpmath"):
        compile_expression(a, (a,), backend="torch")
    with pytest.raises(TypeError, match=r"expected 2 values \(a, b\)"):
        compile_expression(a + b, (a, b))(1.0)
