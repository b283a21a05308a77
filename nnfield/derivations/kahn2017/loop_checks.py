"""The one-loop averages of one O(D') multiplet against exact Boltzmann quadrature as T -> 0.

The exact :math:`\\langle|w|^2\\rangle` comes from mpmath quadrature of the radial law
(:func:`~nnfield.numeric.boltzmann.radial_moment`); for the quartic potential the sigma and pi
curvatures are :math:`m^2 + 3\\lambda\\langle|w|^2\\rangle` and :math:`m^2 + \\lambda\\langle|w|^2\\rangle` exactly. The
residual after one loop must fall faster than T: its log-log slope against T is fitted with its
standard error. The fitted slope of the exact shift itself decides between a classical shift
(slope 1) and the :math:`T^2` of the high-temperature quantum rule (slope 2).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nnfield.derivations.fok2017.checks import PARAMETERS
from nnfield.derivations.fok2017.one_loop import T_site, chain_loops, one_site_loops
from nnfield.derivations.fok2017.symbols import lam
from nnfield.derivations.kahn2017.chain import CHAIN, chain_potential, chain_transfer
from nnfield.numeric.boltzmann import radial_moment
from nnfield.numeric.evidence import Evidence
from nnfield.numeric.plots import new_figure, save_figure
from nnfield.numeric.statistics import PowerLawFit, power_law_fit

__all__ = ["loglog_slope", "one_site_against_quadrature", "chain_against_transfer_operator",
           "TEMPERATURES", "CHAIN_TEMPERATURES", "DIMENSION"]

#: Temperatures of the check: low enough for the series, spread over a decade for the slopes.
TEMPERATURES = tuple(np.geomspace(0.004, 0.06, 6))
#: The multiplet checked (D' = 2 has no one-loop shift at all; D' = 3 is fok2017's own example).
DIMENSION = 3
#: The slope the residual after one loop must exceed, in standard errors.
MARGIN = 5.0
#: How far a fitted power of T may sit from its leading value because of the next order over the range fitted.
SUBLEADING = 0.05


def loglog_slope(temperatures, values) -> PowerLawFit:
    """The power of T of a residual: :func:`~nnfield.numeric.statistics.power_law_fit` of ``|values|`` against T.

    Examples
    --------
    >>> t = np.geomspace(0.01, 0.1, 6)
    >>> fit = loglog_slope(t, -3 * t**2 * (1 + 0.1 * t))
    >>> round(fit.slope, 3), fit.slope_error < 0.01
    (2.004, True)
    """
    return power_law_fit(np.asarray(temperatures, dtype=float), np.abs(np.asarray(values, dtype=float)))


def _exact_mean_squares(dimension):
    return np.array([radial_moment(chain_potential(dimension).radial_mpmath, dimension, t, 2) for t in TEMPERATURES])


def one_site_against_quadrature(rng, figures: Path, progress: bool) -> Evidence:
    """One loop and two loops of ``<|w|^2>`` and of the sigma and pi curvatures against exact quadrature."""
    mass_squared, quartic = CHAIN["mass_squared"], CHAIN["quartic"]
    loops = one_site_loops(DIMENSION)
    exact_square = _exact_mean_squares(DIMENSION)
    exact = {"mean_square": exact_square, "sigma": mass_squared + 3 * quartic * exact_square,
             "pi": mass_squared + quartic * exact_square}
    predicted = {order: [loops.predict(mass_squared=mass_squared, quartic=quartic, temperature=t, order=order)
                         for t in TEMPERATURES] for order in (0, 1, 2)}
    rows, passed = [], True
    for name in ("mean_square", "sigma", "pi"):
        residual = {order: exact[name] - np.array([p[name] for p in predicted[order]]) for order in (0, 1, 2)}
        fits = {order: loglog_slope(TEMPERATURES, residual[order]) for order in (0, 1, 2)}
        passed &= (fits[1].slope - 1) > MARGIN * fits[1].slope_error
        rows.append((name, fits, residual))
    shift_slope = rows[2][1][0]  # the pi curvature's exact shift: classical (1) or quantum rule (2)?
    rule = float(loops.quantum_rule_shift.subs({lam: quartic, T_site: 1.0}))
    _plot(figures / "fok2017_one_loop_one_site.png", rows, rule)
    detail = "; ".join(
        f"{name}: exact shift ~ T^{fits[0].slope:.3f}+-{fits[0].slope_error:.3f}, residual after one loop "
        f"~ T^{fits[1].slope:.3f}+-{fits[1].slope_error:.3f}, after two ~ T^{fits[2].slope:.2f}"
        for name, fits, _ in rows)
    return Evidence(
        claims=(),
        verdict="agrees" if passed else "disagrees",
        statistic="smallest (slope - 1)/standard error of the residual after one loop",
        value=min((fits[1].slope - 1) / fits[1].slope_error for _, fits, _ in rows),
        p_value=None,
        sample_sizes={"D'": DIMENSION, "temperatures": f"{TEMPERATURES[0]:.3g}..{TEMPERATURES[-1]:.3g} ({len(TEMPERATURES)})",
                      "quadrature": "mpmath, 30 digits"},
        figure="fok2017_one_loop_one_site.png",
        detail=f"One O({DIMENSION}) multiplet under exp(-V/T), mu = {PARAMETERS['mu']}, lambda = {quartic}. {detail}. "
               f"The exact pi curvature shift grows like T^{shift_slope.slope:.3f} +- {shift_slope.slope_error:.3f}"
               + (f": linear in T, as a classical law gives, not the T^2 of the quantum rule ({rule:.3g} T^2)."
                  if abs(shift_slope.slope - 1) < MARGIN * shift_slope.slope_error + SUBLEADING else
                  f", which is not the linear law of the classical expansion (quantum rule: {rule:.3g} T^2)."),
    )


def _plot(path, rows, rule):
    figure, axes = new_figure()
    temperatures = np.array(TEMPERATURES)
    labels = {"mean_square": r"$\langle|w|^2\rangle$", "sigma": r"$m_\sigma^2$", "pi": r"$m_\pi^2$"}
    styles = {0: ("o", "exact - tree"), 1: ("s", "exact - one loop"), 2: ("^", "exact - two loops")}
    for index, (name, _, residual) in enumerate(rows):
        for order, (marker, text) in styles.items():
            axes.loglog(temperatures, np.abs(residual[order]), marker=marker, linestyle="-", color=f"C{index}",
                        alpha=1.0 - 0.3 * order, label=f"{labels[name]}: {text}")
    axes.loglog(temperatures, rule * temperatures**2, "k--", label=r"quantum rule $\frac{T^2}{24}\sum_c V_{aacc}$")
    axes.set_xlabel("temperature T")
    axes.set_ylabel("|difference|")
    axes.set_title(f"fok2017, one O({DIMENSION}) multiplet: classical loop expansion against exact quadrature", fontsize=9)
    axes.legend(fontsize=6, ncol=2)
    save_figure(figure, path)


#: Temperatures of the chain check (the transfer operator is exact at each).
CHAIN_TEMPERATURES = tuple(np.geomspace(0.004, 0.04, 5))


def chain_against_transfer_operator(rng, figures: Path, progress: bool) -> Evidence:
    """One-loop inverse correlation lengths of sigma and pi along the chain against the exact transfer operator.

    Sigma's one-loop term is O(T), so its residual must fall faster than T; pi's tree term is already
    O(T) and its one-loop term O(T^2), so its residual must fall faster than T^2.
    """
    loops = chain_loops(DIMENSION)
    exact = {"sigma": [], "pi": []}
    predicted = {"sigma": [], "pi": []}
    for temperature in CHAIN_TEMPERATURES:
        chain = chain_transfer(DIMENSION, temperature)
        exact["sigma"].append(1 / chain.radial_correlation_length)
        exact["pi"].append(1 / chain.correlation_length)
        values = loops.predict(**CHAIN, temperature=temperature)
        predicted["sigma"].append(values["sigma"])
        predicted["pi"].append(values["pi"])
    rows, passed, margins = [], True, []
    for name, order_of_one_loop in (("sigma", 1), ("pi", 2)):
        measured = np.array(exact[name])
        tree, one_loop = (np.array([p[k] for p in predicted[name]]) for k in (0, 1))
        fits = (loglog_slope(CHAIN_TEMPERATURES, measured - tree), loglog_slope(CHAIN_TEMPERATURES, measured - one_loop))
        margin = (fits[1].slope - order_of_one_loop) / fits[1].slope_error
        passed &= margin > MARGIN
        margins.append(margin)
        rows.append((name, fits, measured - tree, measured - one_loop, order_of_one_loop))
    _plot_chain(figures / "fok2017_one_loop_chain.png", rows)
    detail = "; ".join(f"{name}: exact - tree ~ T^{fits[0].slope:.3f}+-{fits[0].slope_error:.3f}, exact - one loop "
                       f"~ T^{fits[1].slope:.3f}+-{fits[1].slope_error:.3f} (must exceed {order})"
                       for name, fits, _, _, order in rows)
    return Evidence(
        claims=(),
        verdict="agrees" if passed else "disagrees",
        statistic="smallest (slope of the residual after one loop - its order) / standard error",
        value=min(margins),
        p_value=None,
        sample_sizes={"D'": DIMENSION, "J": CHAIN["coupling"],
                      "temperatures": f"{CHAIN_TEMPERATURES[0]:.3g}..{CHAIN_TEMPERATURES[-1]:.3g} "
                                      f"({len(CHAIN_TEMPERATURES)})"},
        figure="fok2017_one_loop_chain.png",
        detail=f"Chain of O({DIMENSION}) weights along the layers: inverse correlation lengths of the radii (sigma, "
               f"channel 0 of the transfer operator) and of the directions (pi, channel 1). {detail}.",
    )


def _plot_chain(path, rows):
    figure, axes = new_figure()
    temperatures = np.array(CHAIN_TEMPERATURES)
    labels = {"sigma": r"$1/\xi_\sigma$", "pi": r"$1/\xi_\pi$"}
    for index, (name, _, tree, one_loop, _) in enumerate(rows):
        axes.loglog(temperatures, np.abs(tree), "o-" if index == 0 else "^:", color=f"C{index}", markersize=7 - 3 * index,
                    label=f"{labels[name]}: exact - tree")
        axes.loglog(temperatures, np.abs(one_loop), "s--", color=f"C{index}", label=f"{labels[name]}: exact - one loop")
    axes.set_xlabel("temperature T")
    axes.set_ylabel("|difference| (1/layers)")
    axes.set_title(f"fok2017, chain of O({DIMENSION}) weights: one-loop correlation lengths against the transfer operator",
                   fontsize=8)
    axes.legend(fontsize=7)
    save_figure(figure, path)
