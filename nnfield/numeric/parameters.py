"""Checks of user-supplied numeric parameters, with messages that say what is valid."""

from __future__ import annotations

import math
import numbers

__all__ = ["positive_integer", "non_negative_integer", "positive_real", "non_negative_real"]


def positive_integer(name: str, value, meaning: str) -> int:
    """``value`` as an int, if it is a positive whole number.

    Examples
    --------
    >>> positive_integer("N", 200, "the width of each layer")
    200
    >>> positive_integer("N", 0, "the width of each layer")
    Traceback (most recent call last):
    ...
    ValueError: N must be a positive integer (the width of each layer); got 0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive integer ({meaning}); got {value!r} of type {type(value).__name__}")
    if not float(value).is_integer() or value <= 0:
        raise ValueError(f"{name} must be a positive integer ({meaning}); got {value!r}")
    return int(value)


def non_negative_integer(name: str, value, meaning: str) -> int:
    """``value`` as an int, if it is a whole number >= 0 (a burn-in, say).

    Examples
    --------
    >>> non_negative_integer("burn_in", 0, "the discarded sweeps")
    0
    >>> non_negative_integer("burn_in", -5, "the discarded sweeps")
    Traceback (most recent call last):
    ...
    ValueError: burn_in must be a non-negative integer (the discarded sweeps); got -5
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not float(value).is_integer() or value < 0:
        raise ValueError(f"{name} must be a non-negative integer ({meaning}); got {value!r}")
    return int(value)


def positive_real(name: str, value, meaning: str) -> float:
    """``value`` as a float, if it is finite and strictly positive.

    Examples
    --------
    >>> positive_real("sigma_b2", -0.01, "the bias variance")
    Traceback (most recent call last):
    ...
    ValueError: sigma_b2 must be a finite number > 0 (the bias variance); got -0.01
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a finite number > 0 ({meaning}); got {value!r} of type {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0 ({meaning}); got {value!r}")
    return float(value)


def non_negative_real(name: str, value, meaning: str) -> float:
    """``value`` as a float, if it is finite and >= 0 (a bias variance, say).

    Examples
    --------
    >>> non_negative_real("sigma_b2", 0, "the bias variance")
    0.0
    >>> non_negative_real("sigma_b2", -0.01, "the bias variance")
    Traceback (most recent call last):
    ...
    ValueError: sigma_b2 must be a finite number >= 0 (the bias variance); got -0.01
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a finite number >= 0 ({meaning}); got {value!r} of type {type(value).__name__}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0 ({meaning}); got {value!r}")
    return float(value)
