"""Audit checks of the rings at order 1/N (errors of order 0 and order 1 against N, with the exact chains),
and the appendix's Figs. 7-9 of the linear network's modes.

The linear norm chain :math:`s_l = r_l^2 = (a s_{l-1} + b)\\chi^2_N`, :math:`a = \\sigma_w^2/N`,
:math:`b = \\sigma_b^2`, has exact stationary moments: :math:`E[\\chi^{2k}_N] = N(N+2)\\cdots(N+2k-2) =: c_k`
and the independence of the draw from the previous layer give
:math:`E s^k = c_k \\sum_{j\\le k} \\binom{k}{j} a^j b^{k-j} E s^j`, solved for :math:`E s^k` while
:math:`c_k a^k < 1` (:func:`stationary_norm_moments`). They serve as control variates: the mean norm is
estimated by :math:`\\bar r - \\sum_k \\beta_k(\\overline{\\delta^k} - E\\delta^k)`, :math:`\\delta = s/\\mu - 1`,
per chain (the betas fitted across chains). Since :math:`r = \\sqrt{\\mu}\\sqrt{1 + \\delta}` and
:math:`\\delta \\sim N^{-1/2}`, the controls up to :math:`\\delta^K` leave a residual of order
:math:`\\sqrt\\mu\\,\\delta^{K+1}`; K is the largest power up to :data:`CONTROL_POWERS` whose control has a finite
variance (:math:`E s^{2K}` finite). The variance of the norm is then :math:`\\mu - (E r)^2` (exact, since
:math:`E r^2 = E s = \\mu`), with the standard error :math:`2 E r` times that of the mean: resolving the
order-1 error of the variance, :math:`O(N^{-2})` relative, at N = 64 needs the mean to a few parts in
:math:`10^7`, which the powers up to 5 reach (the powers up to 2 left it unresolved beyond N = 8).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import scipy

from nnfield.derivations.schoenholz2017.linear import linear_ring
from nnfield.derivations.schoenholz2017.one_loop import linear_cumulants, linear_tree_cumulants
from nnfield.derivations.schoenholz2017.relu import relu_ring
from nnfield.numeric.evidence import Check, Evidence
from nnfield.numeric.plots import new_figure, save_figure
from nnfield.numeric.samplers import linear_norm_chain, relu_parts_chain
from nnfield.numeric.statistics import SIGNIFICANCE, bonferroni, normal_shape_null, power_law_fit, sample_shape

__all__ = ["WIDTHS", "LINEAR_SETUP", "RELU_SETUP", "CONTROL_POWERS", "stationary_norm_moments",
           "control_variate_mean", "linear_errors", "relu_errors", "one_loop_checks"]

#: The widths at which the errors are measured.
WIDTHS = (4, 8, 16, 32, 64)
#: The linear ring's set-up: chains, layers, layers dropped as transient.
LINEAR_SETUP = dict(sigma_w2=0.5, sigma_b2=1.0, M=12000, L=48, transient=12)
#: A slope is consistent with its expected power when it lies within this many standard errors ... The slope's error
#: follows from the measured errors of the points and is only ever inflated by the scatter (``power_law_fit``), so
#: under the expected power, with normal errors of log y, a score is no larger than a unit normal one: over the
#: four slopes of a check the false-alarm rate is at most 4 P(|z| > 4) = 2.5e-4, below SIGNIFICANCE.
TOLERANCE_Z = 4.0
#: ... plus this allowance for the next order of 1/N, which bends the log-log line over N = 4..64.
CURVATURE = 0.1


#: The highest power of the squared norm used as a control variate of the mean norm.
CONTROL_POWERS = 5

#: The rectified linear ring's set-up.
RELU_SETUP = dict(sigma_w2=1.0, sigma_b2=1.0, M=12000, L=48, transient=12)


def control_variate_mean(samples, controls) -> tuple[float, float]:
    """Mean of per-chain averages ``samples`` (shape (M,)) corrected by ``controls`` (shape (M, c)) of known mean 0.

    :math:`\\bar x - \\beta\\cdot\\bar c` with :math:`\\beta` fitted across chains; returns the estimate and its
    standard error over the M independent chains.
    """
    centred = controls - controls.mean(axis=0)
    beta = np.linalg.lstsq(centred, samples - samples.mean(), rcond=None)[0]
    estimates = samples - controls @ beta
    return float(estimates.mean()), float(estimates.std(ddof=1) / math.sqrt(estimates.size))


def stationary_norm_moments(sigma_w2, sigma_b2, N, highest: int) -> np.ndarray:  # noqa: N803 (the paper's N)
    """Exact moments :math:`E s^k`, k = 0..K, of the squared norm in the stationary linear norm chain.

    From :math:`s = (a s' + b)\\chi^2_N` with :math:`s'` the previous layer (independent of the draw):
    :math:`E s^k (1 - c_k a^k) = c_k \\sum_{j<k}\\binom{k}{j} a^j b^{k-j} E s^j`, :math:`c_k = \\prod_{j<k}(N+2j)`.
    K is ``highest`` or the last power whose moment is finite (:math:`c_k a^k < 1`), whichever is lower.

    Examples
    --------
    >>> moments = stationary_norm_moments(0.5, 1.0, 8, 2)
    >>> mu = 8 * 1.0 / (1 - 0.5)
    >>> variance = 2 * mu**2 / (8 * (1 - 0.25 * (1 + 2 / 8)))
    >>> bool(np.isclose(moments[1], mu)), bool(np.isclose(moments[2] - mu**2, variance))
    (True, True)
    >>> len(stationary_norm_moments(0.5, 1.0, 4, 10))  # c_k a^k > 1, E s^k infinite, from k = 6 on at N = 4
    6
    """
    a, moments = sigma_w2 / N, [1.0]
    for k in range(1, highest + 1):
        factor = math.prod(N + 2 * j for j in range(k))
        if factor * a**k >= 1:
            break
        lower = sum(math.comb(k, j) * a**j * sigma_b2 ** (k - j) * moments[j] for j in range(k))
        moments.append(factor * lower / (1 - factor * a**k))
    return np.array(moments)


def norm_controls(squares, sigma_w2, sigma_b2, N) -> np.ndarray:  # noqa: N803 (the paper's N)
    """Per-chain control variates of known mean 0: :math:`\\overline{\\delta^k} - E\\delta^k`, with
    :math:`\\delta = s/\\mu - 1`.

    ``squares`` has shape (M, layers); the powers k run to :data:`CONTROL_POWERS` or the last one whose control
    has a finite variance (:math:`E s^{2k}` finite). Returns shape (M, K).
    """
    moments = stationary_norm_moments(sigma_w2, sigma_b2, N, 2 * CONTROL_POWERS)
    powers = min(CONTROL_POWERS, (len(moments) - 1) // 2)
    mu = moments[1]
    centred = [sum(math.comb(k, j) * moments[j] / mu**j * (-1) ** (k - j) for j in range(k + 1))
               for k in range(1, powers + 1)]
    delta = squares / mu - 1
    return np.stack([(delta**k).mean(axis=1) - centred[k - 1] for k in range(1, powers + 1)], axis=1)


def linear_errors(rng, setup=LINEAR_SETUP, widths=WIDTHS) -> dict:
    """Measured mean and variance of the norm at each width, with the order-0 and order-1 predictions.

    Returns a dict of arrays over ``widths``: ``mean``, ``mean_error``, ``variance``, ``variance_error``,
    and ``mean_0``, ``mean_1``, ``variance_0``, ``variance_1`` (the predictions).
    """
    derivation = linear_ring()
    sigma_w2, sigma_b2 = setup["sigma_w2"], setup["sigma_b2"]
    rows = []
    for width in widths:
        norms = linear_norm_chain(sigma_w2, sigma_b2, width, setup["L"], setup["M"], rng=rng)[:, setup["transient"]:]
        mu = width * sigma_b2 / (1 - sigma_w2)
        controls = norm_controls(norms**2, sigma_w2, sigma_b2, width)
        mean, mean_error = control_variate_mean(norms.mean(axis=1), controls)
        order0 = derivation.predict(sigma_w2=sigma_w2, sigma_b2=sigma_b2, N=width)
        order1 = derivation.predict(sigma_w2=sigma_w2, sigma_b2=sigma_b2, N=width, order=1)
        rows.append((mean, mean_error, mu - mean**2, 2 * mean * mean_error,
                     order0.mean_r, order1.mean_r, order0.variance_r, order1.variance_r))
    names = ("mean", "mean_error", "variance", "variance_error", "mean_0", "mean_1", "variance_0", "variance_1")
    return {name: np.array(column) for name, column in zip(names, zip(*rows))}


def relu_errors(rng, setup=RELU_SETUP, widths=WIDTHS) -> dict:
    """Measured means of ``r_+`` and ``r_-`` at each width with the order-0 and order-1 predictions.

    Given the previous layer, :math:`r_\\pm^2 = D\\chi^2` with :math:`E[D] = \\sigma_b^2/(1-\\sigma_w^2/2)` exactly
    in the stationary chain, so :math:`E r_\\pm^2 = N E[D]/2` serve as control variates. Returns arrays
    ``mean`` and ``mean_error`` of shape (widths, 2) and ``mean_0``, ``mean_1`` alike.
    """
    derivation = relu_ring()
    sigma_w2, sigma_b2 = setup["sigma_w2"], setup["sigma_b2"]
    rows = []
    for width in widths:
        fields = relu_parts_chain(sigma_w2, sigma_b2, width, setup["L"], setup["M"], rng=rng)[:, setup["transient"]:]
        square = width * sigma_b2 / (2 * (1 - sigma_w2 / 2))
        controls = (fields[..., :2] ** 2).mean(axis=1) - square
        measured = [control_variate_mean(fields[:, :, i].mean(axis=1), controls) for i in range(2)]
        orders = [derivation.predict(sigma_w2=sigma_w2, sigma_b2=sigma_b2, N=width, order=o).mean[:2] for o in (0, 1)]
        rows.append(([m for m, _ in measured], [e for _, e in measured], *orders))
    names = ("mean", "mean_error", "mean_0", "mean_1")
    return {name: np.array(column) for name, column in zip(names, zip(*rows))}


def _relative_errors(measured: dict):
    """``{(quantity, order): (relative error, its standard error)}`` over the widths."""
    errors = {}
    for quantity in ("mean", "variance"):
        value, error = measured[quantity], measured[f"{quantity}_error"]
        for order in (0, 1):
            errors[quantity, order] = (np.abs(value - measured[f"{quantity}_{order}"]) / value, error / value)
    return errors


#: A slope is fitted only over at least this many widths whose error is resolved (above twice its standard error).
MINIMUM_WIDTHS = 3


def plot_error_slopes(path, widths, errors, fits, setup):
    """Relative errors of order 0 and order 1 against N on log-log axes, with the fitted lines."""
    figure, axes = new_figure(6.4, 4.6)
    styles = {("mean", 0): ("tab:red", "o"), ("mean", 1): ("tab:red", "s"),
              ("variance", 0): ("tab:blue", "o"), ("variance", 1): ("tab:blue", "s")}
    widths = np.asarray(widths, dtype=float)
    for key, (value, error) in errors.items():
        colour, marker = styles[key]
        fit = fits.get(key)
        label = (f"{key[0]} of r, order {key[1]}: slope {fit.slope:.2f} ± {fit.slope_error:.2f}" if fit is not None
                 else f"{key[0]} of r, order {key[1]}: below the noise (no fit)")
        axes.errorbar(widths, value, error, fmt=marker, color=colour, mfc="none" if key[1] else colour, label=label)
        if fit is not None:
            axes.plot(widths, fit.amplitude * widths**fit.slope, color=colour, lw=0.8, ls="-" if key[1] == 0 else "--")
    axes.set_xscale("log", base=2)
    axes.set_yscale("log")
    axes.set_xlabel("width $N$")
    axes.set_ylabel("|measured - predicted| / measured")
    axes.set_title(f"Linear ring, $\\sigma_w^2$={setup['sigma_w2']}: Gaussian (filled) and one loop (open)")
    axes.legend(fontsize=7)
    return save_figure(figure, path)


def linear_one_loop_slopes(rng, figures: Path, progress: bool) -> Evidence:
    """The errors of r* (order 0) fall like 1/N and those of r* + m (order 1) like 1/N^2."""
    measured = linear_errors(rng)
    errors = _relative_errors(measured)
    fits = {}
    for key, (value, error) in errors.items():
        resolved = value > 2 * error  # an error below the noise floor has no measurable size
        if np.count_nonzero(resolved) >= MINIMUM_WIDTHS:
            fits[key] = power_law_fit(np.array(WIDTHS)[resolved], value[resolved], error[resolved])
    plot_error_slopes(figures / "one_loop_error_slopes.png", WIDTHS, errors, fits, LINEAR_SETUP)
    excess = {key: (abs(fits[key].slope + 1.0 + key[1]) - CURVATURE) / fits[key].slope_error
              for key in errors if key in fits}
    worst = max(excess.values()) if len(excess) == len(errors) else float("inf")
    agrees = worst < TOLERANCE_Z
    summary = "; ".join(f"{q} order {o}: slope {fits[q, o].slope:.3f} ± {fits[q, o].slope_error:.3f} over "
                        f"{fits[q, o].points} widths" if (q, o) in fits else f"{q} order {o}: below the noise at all "
                        f"but {np.count_nonzero(errors[q, o][0] > 2 * errors[q, o][1])} widths, not fitted"
                        for q, o in errors)
    return Evidence(
        claims=("Sec. 5 (footnote 1)", "Sec. 4 (controlled expansion)"),
        verdict="agrees" if agrees else "disagrees",
        statistic=f"largest (|slope - expected| - {CURVATURE}) / standard error (expected -1 at order 0, -2 at "
                  "order 1; mean and variance at both orders)",
        value=worst,
        p_value=None,
        sample_sizes={"chains per width": LINEAR_SETUP["M"], "layers analysed": LINEAR_SETUP["L"] -
                      LINEAR_SETUP["transient"], "widths": len(WIDTHS)},
        figure="one_loop_error_slopes.png",
        detail=f"{summary}. Widths whose error is below twice its standard error are left out of a fit. The mean "
               "norm is estimated with the exact stationary moments of r^2 up to the fifth power as control "
               "variates, and the variance as mu - (E r)^2 with mu = E r^2 exact. "
               + ("The relative gap between the mean norm and the mode r* falls like 1/N, so mean and mode meet as N "
                  "grows (footnote 1), and the one-loop prediction removes it up to O(1/N^2): the expansion is "
                  "controlled." if agrees else
                  "The fitted slopes do not show the expected 1/N and 1/N^2: the large-N statements are not borne "
                  "out by this measurement."),
    )


def relu_one_loop_slopes(rng, figures: Path, progress: bool) -> Evidence:
    """The rectified linear ring: errors of the mean ``r_+`` and ``r_-`` at order 0 fall like 1/N, at order 1 like 1/N^2."""
    measured = relu_errors(rng)
    fits, excess = {}, {}
    for index, name in enumerate(("r_+", "r_-")):
        value, error = measured["mean"][:, index], measured["mean_error"][:, index]
        for order in (0, 1):
            gap = np.abs(value - measured[f"mean_{order}"][:, index]) / value
            resolved = gap > 2 * error / value
            if np.count_nonzero(resolved) < MINIMUM_WIDTHS:
                excess[name, order] = float("inf")  # the trend cannot be measured: the check cannot agree
                continue
            fit = power_law_fit(np.array(WIDTHS)[resolved], gap[resolved], (error / value)[resolved])
            fits[name, order] = fit
            excess[name, order] = (abs(fit.slope + 1.0 + order) - CURVATURE) / fit.slope_error
    worst = max(excess.values())
    summary = "; ".join(f"mean {n} order {o}: slope {f.slope:.3f} ± {f.slope_error:.3f} over {f.points} widths"
                        for (n, o), f in fits.items())
    return Evidence(
        claims=(),
        verdict="agrees" if worst < TOLERANCE_Z else "disagrees",
        statistic=f"largest (|slope - expected| - {CURVATURE}) / standard error (expected -1 at order 0, -2 at order 1)",
        value=worst,
        p_value=None,
        sample_sizes={"chains per width": RELU_SETUP["M"], "layers analysed": RELU_SETUP["L"] - RELU_SETUP["transient"],
                      "widths": len(WIDTHS)},
        detail=f"Rectified linear ring at sigma_w^2 = {RELU_SETUP['sigma_w2']}: {summary}. The mean of k is N/2 at "
               "both orders and exactly; the one-loop Var k differs from the binomial N/4 by O(1/N^2) (tested).",
    )


#: The paper's Figs. 7-9 set-up (App. 8.3): N = 200, sigma_b^2 = 0.01, sigma_w^2 = 0.9, L = 1024 (512 analysed).
FIGURE7 = dict(sigma_w2=0.9, sigma_b2=0.01, N=200, L=1024, M=200, transient=512)
#: The mode numbers whose distributions Fig. 8 draws.
FIGURE8_MODES = (1, 8, 32, 128)
#: Where the departure from the Gaussian law is large enough to measure: short windows of narrow networks.
SHAPE_SETUP = dict(sigma_w2=0.5, sigma_b2=1.0, M=40000, window=8, transient=20, ring=32, widths=(4, 8, 16, 32, 64))
#: The tree-level shape is met up to its next order, a relative NEXT_ORDER/N; the excess over this allowance, in
#: jackknife errors, is the score of each of the 20 shape comparisons (2 statistics, 2 observables, 5 widths).
NEXT_ORDER = 3.0


def shape_statistics(setup=SHAPE_SETUP) -> np.ndarray:
    """Weights of the two statistics whose shape is measured against N: one layer's norm and the window's sum.

    Shape (2, ring): a window of the chain is a ring of ``ring`` sites whose weights vanish outside it (exact
    up to :math:`e^{-(\\text{ring} - \\text{window})/\\xi}`).
    """
    weights = np.zeros((2, setup["ring"]))
    weights[0, 0] = 1.0
    weights[1, :setup["window"]] = 1.0
    return weights


def shape_against_width(rng, setup=SHAPE_SETUP) -> dict:
    """Measured and tree-level skewness and excess kurtosis of :func:`shape_statistics` at each width.

    Returns arrays of shape (widths, 2): ``skewness``, ``skewness_error``, ``kurtosis``, ``kurtosis_error``,
    ``skewness_predicted``, ``kurtosis_predicted``; and ``groups``, the number of groups of the jackknife that
    gives the errors (each error is estimated with ``groups - 1`` degrees of freedom).
    """
    weights = shape_statistics(setup)
    window, transient = setup["window"], setup["transient"]
    rows = []
    for width in setup["widths"]:
        predicted = linear_cumulants(sigma_w2=setup["sigma_w2"], sigma_b2=setup["sigma_b2"], N=width)
        predicted = predicted.linear_statistic(weights)
        norms = linear_norm_chain(setup["sigma_w2"], setup["sigma_b2"], width, transient + window, setup["M"], rng=rng)
        measured = sample_shape(norms[:, transient:] @ weights[:, :window].T)
        rows.append((measured.skewness, measured.skewness_error, measured.excess_kurtosis,
                     measured.excess_kurtosis_error, predicted.skewness, predicted.excess_kurtosis))
    names = ("skewness", "skewness_error", "kurtosis", "kurtosis_error", "skewness_predicted", "kurtosis_predicted")
    return {**{name: np.array(column) for name, column in zip(names, zip(*rows))}, "groups": measured.groups}


def plot_figures_7_to_9(path, norms, prediction, order1, setup, mode_shape, predicted_shape, widths_shape):
    """Figs. 7-9: sample paths of the norm, distributions of Re eps_q, mean and variance of eps_q against q; Fig. 8
    extended with the skewness and excess kurtosis of Re eps_q against q (paper's set-up) and against N."""
    window = setup["L"] - setup["transient"]
    modes = np.fft.fft(norms[:, setup["transient"]:] - prediction.r_star, axis=1) / np.sqrt(window)
    q = 2 * np.pi * np.arange(window) / window
    half = slice(1, window // 2)
    figure, axes = new_figure(16.0, 8.6)
    axes.remove()
    grid = figure.subplots(2, 3, gridspec_kw=dict(hspace=0.38, wspace=0.28))
    for path_index in range(4):
        grid[0, 0].plot(norms[path_index], lw=0.6)
    grid[0, 0].axvline(setup["transient"], color="k", ls=":", lw=0.8)
    grid[0, 0].axhline(prediction.r_star, color="k", ls="--", lw=0.8, label="$r^*$")
    grid[0, 0].set_xlabel("layer $l$")
    grid[0, 0].set_ylabel("$r^l = |z^l|$")
    grid[0, 0].set_title("Fig. 7a: sample paths (transient | analysis window)")
    grid[0, 0].legend(fontsize=7)
    scale = np.sqrt(prediction.mode_covariance(q[list(FIGURE8_MODES)]) / 2)
    for mode, width in zip(FIGURE8_MODES, scale):
        values = modes[:, mode].real / width
        grid[0, 1].hist(values, bins=30, density=True, histtype="step", label=f"q = 2$\\pi\\cdot${mode}/{window}")
    line = np.linspace(-4, 4, 200)
    grid[0, 1].plot(line, np.exp(-line**2 / 2) / np.sqrt(2 * np.pi), "k--", lw=1, label="Gaussian theory")
    grid[0, 1].set_xlabel(r"Re $\hat\epsilon_q$ / predicted standard deviation")
    grid[0, 1].set_ylabel("density")
    grid[0, 1].set_title("Fig. 8: distribution of the modes")
    grid[0, 1].legend(fontsize=7)
    numbers = np.arange(1, window // 2)
    for name, colour, offset in (("skewness", "tab:purple", 0.0), ("kurtosis", "tab:green", 1.5)):
        measured, error = mode_shape[name], mode_shape[f"{name}_error"]
        label = "skewness" if name == "skewness" else "excess kurtosis"
        grid[0, 2].errorbar(q[numbers], measured + offset, 2 * error, fmt=".", ms=2, lw=0.3, color=colour,
                            label=f"{label}{' + 1.5' if offset else ''}, measured ± 2 s.e.")
        grid[0, 2].plot(q[numbers], predicted_shape[name] + offset, "k-", lw=1.2)
    grid[0, 2].plot([], [], "k-", lw=1.2, label="tree level (order 1/(N L))")
    grid[0, 2].set_xlabel("$q$")
    grid[0, 2].set_ylabel(r"skewness; excess kurtosis + 1.5 (Re $\hat\epsilon_q$)")
    grid[0, 2].set_title(f"Fig. 8 extended: shape of the modes ({setup['M']} networks)")
    grid[0, 2].legend(fontsize=7, loc="upper right")
    grid[1, 0].plot(q[half], modes.real.mean(axis=0)[half], ".", ms=2, color="tab:red", label="Re, measured")
    grid[1, 0].plot(q[half], modes.imag.mean(axis=0)[half], ".", ms=2, color="tab:blue", label="Im, measured")
    grid[1, 0].axhline(0, color="k", lw=0.8, label="theory (0 for q != 0)")
    grid[1, 0].set_xlabel("$q$")
    grid[1, 0].set_ylabel(r"mean of $\hat\epsilon_q$")
    grid[1, 0].set_title("Fig. 9a: mean of the modes")
    grid[1, 0].legend(fontsize=7)
    grid[1, 1].plot(q[half], (np.abs(modes) ** 2).mean(axis=0)[half], ".", ms=2, color="tab:grey", label="measured")
    grid[1, 1].plot(q[half], prediction.mode_covariance(q[half]), "k-", lw=1, label="order 0, $K(q)^{-1}$")
    grid[1, 1].plot(q[half], order1.mode_covariance(q[half]), "r--", lw=1, label=r"order 1, $(K - \Sigma)^{-1}$")
    grid[1, 1].set_yscale("log")
    grid[1, 1].set_xlabel("$q$")
    grid[1, 1].set_ylabel(r"$\langle|\hat\epsilon_q|^2\rangle$")
    grid[1, 1].set_title("Fig. 9b: variance of the modes")
    grid[1, 1].legend(fontsize=7)
    shape_setup = SHAPE_SETUP
    widths = np.array(shape_setup["widths"], dtype=float)
    styles = ((0, "one layer $r^l$", "tab:orange"),
              (1, f"sum over {shape_setup['window']} layers ($q = 0$)", "tab:cyan"))
    for index, label, colour in styles:
        for name, marker, title in (("skewness", "o", "skewness"), ("kurtosis", "s", "excess kurtosis")):
            grid[1, 2].errorbar(widths, widths_shape[name][:, index], 2 * widths_shape[f"{name}_error"][:, index],
                                fmt=marker, mfc="none", color=colour, label=f"{title}, {label}")
            grid[1, 2].plot(widths, widths_shape[f"{name}_predicted"][:, index], "-" if name == "skewness" else "--",
                            color=colour, lw=1)
    grid[1, 2].plot([], [], "k-", lw=1, label="tree level: skewness")
    grid[1, 2].plot([], [], "k--", lw=1, label="tree level: excess kurtosis")
    grid[1, 2].set_xscale("log", base=2)
    grid[1, 2].set_yscale("log")
    grid[1, 2].set_xlabel("width $N$")
    grid[1, 2].set_ylabel("skewness, excess kurtosis (± 2 s.e.)")
    grid[1, 2].set_title(f"Departure from Gaussian against N ($\\sigma_w^2$={shape_setup['sigma_w2']}, "
                         f"{shape_setup['M']} chains)")
    grid[1, 2].legend(fontsize=6.5)
    figure.suptitle(f"Linear network, N={setup['N']}, $\\sigma_w^2$={setup['sigma_w2']}, "
                    f"$\\sigma_b^2$={setup['sigma_b2']}, {setup['M']} networks (last panel: narrow networks)")
    return save_figure(figure, path)


def figures_7_to_9(rng, figures: Path, progress: bool) -> Evidence:
    """Figs. 7-9 redrawn; the standardized modes of Fig. 8 tested against the Gaussian law, and their departure from
    it (skewness, excess kurtosis) against the tree-level prediction."""
    setup = FIGURE7
    derivation = linear_ring()
    norms = linear_norm_chain(setup["sigma_w2"], setup["sigma_b2"], setup["N"], setup["L"], setup["M"], rng=rng)
    prediction = derivation.predict(sigma_w2=setup["sigma_w2"], sigma_b2=setup["sigma_b2"], N=setup["N"])
    order1 = derivation.predict(sigma_w2=setup["sigma_w2"], sigma_b2=setup["sigma_b2"], N=setup["N"], order=1)
    window = setup["L"] - setup["transient"]
    modes = np.fft.fft(norms[:, setup["transient"]:] - order1.mean_r, axis=1) / np.sqrt(window)
    numbers = np.arange(1, window // 2)
    # Too few networks for a jackknife of fourth moments: the exact errors of a normal sample (the modes are normal
    # up to the small departure being measured), and the mean of g_2 under it removed.
    skew_error, kurtosis_bias, kurtosis_error = normal_shape_null(setup["M"])
    real_parts = modes[:, numbers].real
    mode_shape = {"skewness": scipy.stats.skew(real_parts, axis=0),
                  "skewness_error": np.full(numbers.size, skew_error),
                  "kurtosis": scipy.stats.kurtosis(real_parts, axis=0) - kurtosis_bias,
                  "kurtosis_error": np.full(numbers.size, kurtosis_error)}
    tree = linear_tree_cumulants()
    ring = linear_cumulants(sigma_w2=setup["sigma_w2"], sigma_b2=setup["sigma_b2"], N=setup["N"])
    predicted = ring.ring_modes(numbers, window)
    predicted_shape = {"skewness": predicted.skewness, "kurtosis": predicted.excess_kurtosis}
    widths_shape = shape_against_width(rng)
    plot_figures_7_to_9(figures / "fig7_9_linear_modes.png", norms, prediction, order1, setup, mode_shape,
                        predicted_shape, widths_shape)
    q = 2 * np.pi * np.array(FIGURE8_MODES) / window
    standardized = modes[:, list(FIGURE8_MODES)].real / np.sqrt(order1.mode_covariance(q) / 2)
    result = scipy.stats.kstest(standardized.ravel(), "norm")
    widths = np.array(SHAPE_SETUP["widths"], dtype=float)[:, None]
    scores = np.concatenate([((np.abs(widths_shape[name] - widths_shape[f"{name}_predicted"])
                               - NEXT_ORDER / widths * np.abs(widths_shape[f"{name}_predicted"]))
                              / widths_shape[f"{name}_error"]).ravel()
                             for name in ("skewness", "kurtosis")])
    excess = float(scores.max())
    # Pooled over the modes (nearly independent), the mean z-score of each shape: robust to the skewed law of g_2.
    pooled = {n: float(np.mean((mode_shape[n] - predicted_shape[n]) / mode_shape[f"{n}_error"]) * np.sqrt(numbers.size))
              for n in ("skewness", "kurtosis")}
    # Three tests decide, each with its family's p-value; Bonferroni over the three keeps the check's false-alarm rate
    # at SIGNIFICANCE. A width score's error is a jackknife estimate over G groups: the score is Student's t with
    # G - 1 degrees of freedom, not a unit normal (whose bound would let 5 times too many false alarms through).
    p_widths = bonferroni(np.minimum(1.0, 2 * scipy.stats.t.sf(scores, widths_shape["groups"] - 1)))
    p_pooled = bonferroni([2 * scipy.stats.norm.sf(abs(z)) for z in pooled.values()])
    p_value = bonferroni([result.pvalue, p_pooled, p_widths])
    agrees = p_value >= SIGNIFICANCE
    table = "; ".join(
        f"N={int(width)}: one layer {skew[0]:.3f}/{kurt[0]:.3f} (predicted {skew_hat[0]:.3f}/{kurt_hat[0]:.3f}), "
        f"window sum {skew[1]:.3f}/{kurt[1]:.3f} ({skew_hat[1]:.3f}/{kurt_hat[1]:.3f})"
        for width, skew, kurt, skew_hat, kurt_hat in zip(widths[:, 0], *(widths_shape[name] for name in (
            "skewness", "kurtosis", "skewness_predicted", "kurtosis_predicted"))))
    return Evidence(
        claims=(),
        verdict="agrees" if agrees else "disagrees",
        statistic="Kolmogorov-Smirnov of Re eps_q / sqrt(C(q)/2) (order 1) against the standard normal (the value); "
                  "skewness and excess kurtosis of Re eps_q (pooled z-scores, normal) and of narrow networks' norms "
                  f"against the tree-level prediction ((|difference| - {NEXT_ORDER}/N |predicted|) / jackknife error, "
                  f"Student's t with {widths_shape['groups'] - 1} degrees of freedom); p-value: Bonferroni over the "
                  "three tests, each over its family",
        value=float(result.statistic),
        p_value=p_value,
        sample_sizes={"networks": setup["M"], "layers analysed": window, "modes": len(FIGURE8_MODES), "N": setup["N"],
                      "narrow chains per width": SHAPE_SETUP["M"]},
        figure="fig7_9_linear_modes.png",
        detail="Figs. 7-9 of the appendix at the paper's set-up. Fig. 8 extended: the engine's tree-level three- and "
               f"four-point functions (cubic vertex N^{tree.third_power}, quartic N^{tree.fourth_power}) predict the "
               "departure of the modes from the "
               "Gaussian law. For Re eps_q on the ring, momentum conservation leaves no third cumulant (unless 3q = 0 "
               "mod 2 pi) and an excess kurtosis 3 P_4(q, q, -q)/(2 L C(q)^2), of order 1/(N L) times a power of the "
               f"correlation length: at N = {setup['N']}, L = {window} at most {np.max(np.abs(predicted.excess_kurtosis)):.3f} "
               f"(at the smallest q): the departure from the paper's Gaussian modes. Measured over "
               f"{setup['M']} networks "
               f"the shapes {'scatter about it' if p_pooled >= SIGNIFICANCE else 'depart from it'}"
               f": pooled z-scores over the {numbers.size} modes {pooled['skewness']:.2f} "
               f"(skewness), {pooled['kurtosis']:.2f} (excess kurtosis). Where it is visible, in one layer's norm "
               "and an "
               f"8-layer window's sum of narrow networks, skewness/excess kurtosis measured (tree level): {table}; "
               f"largest excess over the allowance {excess:.2f} standard errors. p-values: Kolmogorov-Smirnov "
               f"{result.pvalue:.3g}, pooled shapes {p_pooled:.3g}, shapes against width {p_widths:.3g}.",
    )


def one_loop_checks() -> tuple[Check, ...]:
    """The order-1/N checks the audit runs."""
    return (Check("linear ring at order 1/N: error slopes against N",
                  ("Sec. 5 (footnote 1)", "Sec. 4 (controlled expansion)"), linear_one_loop_slopes),
            Check("rectified linear ring at order 1/N: error slopes of the mean norms against N", (),
                  relu_one_loop_slopes),
            Check("Figs. 7-9: sample paths, distribution, mean and variance of the modes; their departure from the "
                  "Gaussian law", (), figures_7_to_9))
