"""Order and chaos measured: the correlation of two inputs through the exact multi-input sampler.

Two inputs enter a network with equal norms; layer by layer their pre-activations have overlaps
:math:`q^l_{ij} = z^l_i\\cdot z^l_j/N`, and their correlation

.. math:: c^l = \\frac{q^l_{12}}{\\sqrt{q^l_{11}\\, q^l_{22}}}

approaches a fixed point :math:`c^*` as :math:`c^l - c^* \\propto \\chi_c^{\\,l} = e^{-l/\\xi_c}`
(Poole et al. 2016; Schoenholz et al. 2016). :func:`measure_correlation_approach` samples M networks
with :func:`~nnfield.numeric.samplers.exact_network_overlaps` and fits the mean of :math:`c^l` over the
networks with :func:`~nnfield.numeric.statistics.exponential_approach` (jackknife errors over
networks). :func:`plot_phase_diagram` draws measured and predicted :math:`c^*` and :math:`\\xi_c` over a
grid of :math:`(\\sigma_w^2, \\sigma_b^2)` with the order-to-chaos line :math:`\\chi_1 = 1`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nnfield.numeric.activations import ERF, LINEAR, RELU, TANH
from nnfield.numeric.parameters import non_negative_real, positive_integer, positive_real
from nnfield.numeric.plots import new_figure, save_figure
from nnfield.numeric.samplers import as_generator, exact_network_overlaps
from nnfield.numeric.statistics import exponential_approach

__all__ = ["SWEPT_ACTIVATIONS", "MeasuredCorrelation", "correlation_sequences", "measure_correlation_approach",
           "plot_phase_diagram"]


#: The activations of the phase diagrams and sweeps, by name: shipped ones (nnfield.numeric.activations) whose
#: critical lines the mean field gives.
SWEPT_ACTIVATIONS = {activation.name: activation for activation in (LINEAR, RELU, TANH, ERF)}


def _activation(name: str):
    if not isinstance(name, str) or name not in SWEPT_ACTIVATIONS:
        raise ValueError(f"phi must be one of {', '.join(SWEPT_ACTIVATIONS)}; got {name!r}")
    return SWEPT_ACTIVATIONS[name]


def correlation_sequences(phi: str, sigma_w2, sigma_b2, N, L, M, *, q_first=1.0, c_first=0.99,  # noqa: N803
                          rng=None) -> np.ndarray:
    """:math:`c^l` of two inputs in M networks, shape ``(M, L)``.

    The inputs are two vectors of equal norm chosen so that the first layer has, in expectation,
    variance ``q_first`` and correlation ``c_first``: :math:`|x|^2/N = (q_1 - \\sigma_b^2)/\\sigma_w^2`
    and :math:`\\cos(x_1, x_2) = (c_1 q_1 - \\sigma_b^2)/(q_1 - \\sigma_b^2)`. Starting at the fixed
    point's variance keeps the variance from relaxing while the correlation does.

    Examples
    --------
    >>> sequences = correlation_sequences("tanh", 2.0, 0.05, N=50, L=6, M=3, rng=0)
    >>> sequences.shape, bool(np.all(np.abs(sequences) <= 1))
    ((3, 6), True)
    """
    function = _activation(phi)
    sigma_w2 = positive_real("sigma_w2", sigma_w2, "the weight variance sigma_w^2")
    sigma_b2 = non_negative_real("sigma_b2", sigma_b2, "the bias variance sigma_b^2")
    width = positive_integer("N", N, "the width of each layer")
    q_first = positive_real("q_first", q_first, "the variance of the first layer")
    if q_first <= sigma_b2:
        raise ValueError(f"q_first must exceed sigma_b2={sigma_b2} (the first layer's variance includes the bias'); "
                         f"got {q_first!r}")
    cosine = (c_first * q_first - sigma_b2) / (q_first - sigma_b2)
    if not -1 <= cosine <= 1:
        raise ValueError(f"c_first={c_first!r} cannot be reached with q_first={q_first} and sigma_b2={sigma_b2}: "
                         f"it needs inputs at cosine {cosine:.4g}; choose c_first in "
                         f"[{(sigma_b2 - (q_first - sigma_b2)) / q_first:.4g}, 1]")
    radius = math.sqrt(width * (q_first - sigma_b2) / sigma_w2)
    inputs = np.zeros((2, width))
    inputs[0, 0] = radius
    inputs[1, 0], inputs[1, 1 % width] = radius * cosine, radius * math.sqrt(max(0.0, 1 - cosine**2))
    overlaps = exact_network_overlaps(sigma_w2, sigma_b2, width, L, M, inputs, phi=function, rng=as_generator(rng))
    return overlaps[..., 0, 1] / np.sqrt(overlaps[..., 0, 0] * overlaps[..., 1, 1])


@dataclass(frozen=True)
class MeasuredCorrelation:
    """:math:`c^*`, :math:`\\chi_c` and :math:`\\xi_c = -1/\\ln\\chi_c` measured in sampled networks.

    Attributes
    ----------
    c_star, c_star_error : float
        The limit of the mean correlation and its standard error.
    chi_c, chi_c_error : float
        The factor by which :math:`c^l - c^*` shrinks per layer.
    xi_c, xi_c_error : float
        The correlation depth scale.
    dof : int
        Degrees of freedom of the jackknife errors (Student's t).
    first : int
        The first layer of the fit.
    N, L, M : int
        Width, depth, networks.
    """

    c_star: float
    c_star_error: float
    chi_c: float
    chi_c_error: float
    xi_c: float
    xi_c_error: float
    dof: int
    first: int
    N: int  # noqa: N815 (the paper's N)
    L: int  # noqa: N815
    M: int  # noqa: N815


def measure_correlation_approach(phi: str, sigma_w2, sigma_b2, N, L, M, *, q_first=1.0, c_first=0.99,  # noqa: N803
                                 first=None, groups=20, rng=None) -> MeasuredCorrelation:
    """Measure :math:`c^*` and :math:`\\xi_c` by fitting :math:`c^* + A\\chi_c^l` to the mean :math:`c^l`.

    ``first`` skips the first layers, where the map is not yet linear in :math:`c^l - c^*`; by
    default the fit starts at the first layer where the mean correlation is within a quarter of its
    largest distance from the mean of the last four layers (at most ``L - 8``). The errors come from
    a jackknife over ``groups`` groups of networks.

    Examples
    --------
    A linear network has :math:`c^* = 1` and :math:`\\chi_c = \\sigma_w^2`; start at :math:`q^* = \\sigma_b^2/(1-\\sigma_w^2)`:

    >>> measured = measure_correlation_approach("linear", 0.5, 0.1, N=400, L=24, M=200, q_first=0.2, rng=1)
    >>> round(measured.c_star, 2), bool(abs(measured.chi_c - 0.5) < 4 * measured.chi_c_error)
    (1.0, True)
    """
    L = positive_integer("L", L, "the number of layers")  # noqa: N806
    M = positive_integer("M", M, "the number of networks")  # noqa: N806
    if L < 8:
        raise ValueError(f"L must be at least 8 layers to fit an exponential approach; got {L}")
    if M < groups:
        raise ValueError(f"M must be at least groups={groups} networks for the jackknife; got {M}")
    sequences = correlation_sequences(phi, sigma_w2, sigma_b2, N, L, M, q_first=q_first, c_first=c_first, rng=rng)
    if first is None:
        mean = sequences.mean(axis=0)
        distance = np.abs(mean - mean[-4:].mean())
        first = min(int(np.argmax(distance <= distance.max() / 4)), L - 8)
    fit = exponential_approach(sequences, first=first, groups=groups)
    return MeasuredCorrelation(
        c_star=fit.limit, c_star_error=fit.limit_error, chi_c=fit.ratio, chi_c_error=fit.ratio_error,
        xi_c=fit.decay_length, xi_c_error=fit.decay_length_error, dof=fit.dof, first=fit.first,
        N=int(N), L=L, M=M,
    )


def _step(values: np.ndarray) -> float:
    """The spacing of a grid axis (1 for a single value), to draw whole cells."""
    return float(np.min(np.diff(values))) if values.size > 1 else 1.0


def plot_phase_diagram(path, sigma_w2, sigma_b2, measured, predicted, critical=None, *, title=""):
    """Measured and predicted :math:`c^*` and :math:`\\xi_c` over a grid, with the critical line.

    Parameters
    ----------
    path : path of the PNG file
    sigma_w2, sigma_b2 : 1-D arrays
        The grid's axes.
    measured, predicted : dict of 2-D arrays
        ``{"c_star": ..., "xi_c": ...}``, shape ``(len(sigma_b2), len(sigma_w2))``; NaN where absent.
    critical : tuple of arrays, optional
        ``(sigma_w2, sigma_b2)`` along the line :math:`\\chi_1 = 1`.

    A grid with one value of :math:`\\sigma_b^2` is drawn as curves against :math:`\\sigma_w^2`
    (measured with error bars if ``measured`` has ``"c_star_error"`` and ``"xi_c_error"``).
    """
    sigma_w2, sigma_b2 = np.asarray(sigma_w2, float), np.asarray(sigma_b2, float)
    figure, _ = new_figure(11.0, 8.4 if sigma_b2.size > 1 else 4.2)
    figure.delaxes(figure.axes[0])
    figure.set_layout_engine("constrained")
    if sigma_b2.size == 1:
        axes = figure.subplots(1, 2)
        for panel, key, label in zip(axes, ("c_star", "xi_c"), ("$c^*$", r"$\xi_c$ (layers)")):
            error = measured.get(f"{key}_error")
            panel.errorbar(sigma_w2, measured[key][0], yerr=None if error is None else error[0], fmt="o",
                           mfc="none", color="tab:red", label="measured (exact sampler)")
            panel.plot(sigma_w2, predicted[key][0], "k-", label="mean field")
            if critical is not None:
                for value in np.atleast_1d(critical[0]):
                    panel.axvline(value, color="0.4", ls="--", lw=0.9, label=r"$\chi_1 = 1$")
            panel.set_xlabel(r"$\sigma_w^2$")
            panel.set_ylabel(label)
            panel.legend(fontsize=8)
        if np.any(np.isfinite(predicted["xi_c"][0])):
            top = 3 * np.nanmax(predicted["xi_c"][0][np.isfinite(predicted["xi_c"][0])])
            axes[1].set_ylim(0, max(top, 1.0))
    else:
        axes = figure.subplots(2, 2)
        for row, (key, label) in enumerate((("c_star", "$c^*$"), ("xi_c", r"$\xi_c$ (layers)"))):
            # The colour scale follows the prediction, so that a failed fit (xi_c -> infinity) saturates.
            reference = predicted[key][np.isfinite(predicted[key])]
            if reference.size == 0:
                reference = measured[key][np.isfinite(measured[key])]
            top = 1.0 if key == "c_star" else float(1.5 * reference.max()) if reference.size else 1.0
            lowest = min(0.0, float(reference.min())) if key == "c_star" and reference.size else 0.0
            for column, (source, data) in enumerate((("measured", measured), ("mean field", predicted))):
                panel = axes[row, column]
                image = panel.pcolormesh(sigma_w2, sigma_b2, np.ma.masked_invalid(data[key]), shading="nearest",
                                         cmap="viridis", vmin=lowest, vmax=top)
                figure.colorbar(image, ax=panel, label=label, extend="max" if key == "xi_c" else "neither")
                if critical is not None:
                    panel.plot(critical[0], critical[1], "--", color="tab:red", lw=1.8, label=r"$\chi_1 = 1$")
                    panel.legend(fontsize=8, loc="upper left")
                left, right = sigma_w2.min() - 0.5 * _step(sigma_w2), sigma_w2.max() + 0.5 * _step(sigma_w2)
                if critical is not None:  # keep the critical line in view
                    left, right = min(left, np.min(critical[0]) - 0.1), max(right, np.max(critical[0]) + 0.1)
                panel.set_xlim(left, right)
                panel.set_ylim(max(0.0, sigma_b2.min() - 0.5 * _step(sigma_b2)), sigma_b2.max() + 0.5 * _step(sigma_b2))
                panel.set_xlabel(r"$\sigma_w^2$")
                panel.set_ylabel(r"$\sigma_b^2$")
                panel.set_title(f"{label}, {source}", fontsize=10)
    if title:
        figure.suptitle(title, fontsize=10)
    return save_figure(figure, path)
