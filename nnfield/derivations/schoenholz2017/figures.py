"""The paper's Figs. 3 and 4, redrawn from the derived predictions and fresh simulations."""

from __future__ import annotations

import numpy as np

from nnfield.numeric.plots import new_figure, save_figure, sequence_colours

__all__ = ["plot_saddle_norm", "plot_mode_variance", "sizes"]


def sizes(setup) -> str:
    """The simulated sizes for a title: width, depth with the layers analysed, networks."""
    analysed = setup["L"] - setup["transient"]
    return f"N={setup['N']}, L={setup['L']} (last {analysed} analysed), M={setup['M']}"


def plot_saddle_norm(path, sigma_w2, r_star, bulk_norms, setup):
    """Fig. 3: r* against sigma_w^2, theory (dashed) over the simulated bulk norms.

    ``bulk_norms`` has shape (values, networks, layers). Both the mean norm and the root mean
    square norm are drawn, with standard errors over networks.
    """
    figure, axes = new_figure()
    fine = np.linspace(0.01, 0.97, 200)
    axes.plot(fine, np.sqrt(setup["N"] * setup["sigma_b2"] / (1 - fine)), "k--", label="$r^*$ (eq. 13)")
    networks = bulk_norms.shape[1]
    mean = bulk_norms.mean(axis=-1)
    rms = np.sqrt((bulk_norms**2).mean(axis=-1))
    axes.errorbar(sigma_w2, mean.mean(axis=1), mean.std(axis=1) / np.sqrt(networks), fmt="o", mfc="none",
                  color="tab:red", label="simulated mean norm")
    axes.errorbar(sigma_w2, rms.mean(axis=1), rms.std(axis=1) / np.sqrt(networks), fmt="x", color="tab:blue",
                  label="simulated root mean square norm")
    axes.set_xlabel(r"$\sigma_w^2$")
    axes.set_ylabel("norm of pre-activations in the bulk")
    axes.set_title(f"Fig. 3: {sizes(setup)}, $\\sigma_b^2$={setup['sigma_b2']}", fontsize=10)
    axes.legend()
    return save_figure(figure, path)


def plot_mode_variance(path, curves, setup):
    """Fig. 4: variance of each Fourier mode of the norm against q, simulation and theory.

    ``curves`` holds ``(sigma_w2, estimate, theory)`` with a
    :class:`~nnfield.numeric.spectra.ModeCovarianceEstimate` and the ring prediction at its q.
    """
    figure, axes = new_figure(7.0, 4.8)
    colours = sequence_colours(len(curves))
    for colour, (sigma_w2, estimate, theory) in zip(colours, curves):
        half = slice(1, len(estimate.q) // 2 + 1)
        axes.plot(estimate.q[half], estimate.value[half], color=colour, lw=1, label=f"{sigma_w2:g}")
        axes.plot(estimate.q[half], theory[half], color="k", lw=0.8)
    axes.set_yscale("log")
    axes.set_xlabel("$q$")
    axes.set_ylabel(r"$C(q) = E|\hat\epsilon(q)|^2 / L$")
    axes.set_title(f"Fig. 4: simulation (colour) and theory (black); {sizes(setup)}", fontsize=10)
    axes.legend(title=r"$\sigma_w^2$", fontsize=7, ncol=2)
    return save_figure(figure, path)
