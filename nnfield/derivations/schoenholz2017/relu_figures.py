"""The paper's Figs. 5 and 6, redrawn: rectified linear networks, theory over simulation."""

from __future__ import annotations

import numpy as np

from nnfield.derivations.schoenholz2017.figures import sizes
from nnfield.numeric.plots import new_figure, save_figure, sequence_colours

__all__ = ["plot_relu_saddle", "plot_relu_mode_covariance"]

NAMES = ("r_+", "r_-", "k")


def plot_relu_saddle(path, sigma_w2, stars, fields, setup):
    """Fig. 5: ``r_+*``, ``r_-*`` (main axes) and ``k*`` (inset) against sigma_w^2; ``fields`` is (values, M, layers, 3)."""
    figure, axes = new_figure()
    fine = np.linspace(0.02, 1.95, 200)
    axes.plot(fine, np.sqrt(setup["N"] * setup["sigma_b2"] / (2 - fine)), "k--", label=r"$r^*_\pm$ derived")
    rms = np.sqrt((fields[..., :2] ** 2).mean(axis=(1, 2)))
    axes.plot(sigma_w2, rms[:, 0], "o", mfc="none", color="tab:red", label=r"rms $r_+$ simulated")
    axes.plot(sigma_w2, rms[:, 1], "s", mfc="none", color="tab:blue", label=r"rms $r_-$ simulated")
    axes.set_xlabel(r"$\sigma_w^2$")
    axes.set_ylabel("bulk norm of the positive / negative units")
    axes.set_title(f"Fig. 5: {sizes(setup)}, $\\sigma_b^2$={setup['sigma_b2']}", fontsize=10)
    axes.legend(loc="upper left")
    inset = axes.inset_axes([0.5, 0.58, 0.27, 0.3])
    inset.plot(sigma_w2, fields[..., 2].mean(axis=(1, 2)), "ko", ms=3)
    inset.axhline(setup["N"] / 2, color="0.5", ls="--")
    inset.set_title("$k$ (positive units): simulated (dots), $N/2$ (dashed)", fontsize=7)
    inset.set_xlabel(r"$\sigma_w^2$", fontsize=7)
    inset.set_ylabel("mean $k$", fontsize=7)
    inset.tick_params(labelsize=7)
    inset.ticklabel_format(axis="y", useOffset=False)
    return save_figure(figure, path)


def plot_relu_mode_covariance(path, curves, setup):
    """Fig. 6: every entry of the 3x3 mode covariance (real part) against q.

    Simulation in colour, the derived kernel in black, the printed eq. 22 dashed grey, so a reader
    sees which one the networks follow.
    """
    figure, _ = new_figure(11, 9.5, layout="constrained")
    figure.delaxes(figure.axes[0])
    grid = figure.subplots(3, 3)
    colours = sequence_colours(len(curves))
    for a in range(3):
        for b in range(3):
            axes = grid[a, b]
            for colour, (value, estimate, derived, printed) in zip(colours, curves):
                half = slice(1, len(estimate.q) // 2 + 1)
                axes.plot(estimate.q[half], estimate.value[half, a, b].real, color=colour, lw=0.8,
                          label=f"{value:g}" if (a, b) == (0, 0) else None)
                axes.plot(estimate.q[half], derived[half, a, b].real, color="k", lw=0.8)
                axes.plot(estimate.q[half], printed[half, a, b].real, color="0.55", lw=0.8, ls="--")
            axes.set_title(f"Re $C_{{{NAMES[a]},{NAMES[b]}}}(q)$", fontsize=9)
            axes.set_xscale("log")  # the off-diagonal entries live at small q
            _scale_to_show(axes, [estimate.value[1:, a, b].real for _, estimate, _, _ in curves])
            axes.set_xlabel("$q$", fontsize=8)
            axes.set_ylabel(f"Re $C_{{{NAMES[a]},{NAMES[b]}}}$", fontsize=8)
            axes.tick_params(which="both", labelsize=7)
    grid[0, 0].legend(title=r"$\sigma_w^2$", fontsize=6, ncol=2)
    figure.suptitle(f"Fig. 6: simulation (colour), derived (black), printed eq. 22 (dashed grey); {sizes(setup)}",
                    fontsize=11)
    return save_figure(figure, path)


def _scale_to_show(axes, curves) -> None:
    """A y scale under which every curve is visible: log when positive over decades, symmetric log when
    the curves span decades and change sign, linear otherwise."""
    values = np.concatenate(curves)
    largest = np.max(np.abs(values))
    typical = np.min([np.max(np.abs(curve)) for curve in curves])
    if largest < 20 * typical:
        return
    if np.all(values > 0):
        axes.set_yscale("log")
    else:
        axes.set_yscale("symlog", linthresh=typical)
