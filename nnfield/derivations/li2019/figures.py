"""Figures of the li2019 measurements: path values, Hessian blocks and spectra, Dyson densities, training, a dead network."""

from __future__ import annotations

import numpy as np

from nnfield.numeric.plots import new_figure, save_figure
from nnfield.numeric.networks import risk

__all__ = [
    "plot_dead_network",
    "plot_dyson",
    "plot_hessian_blocks",
    "plot_path_symmetry",
    "plot_spectral_symmetry",
    "plot_training",
]


def _panels(rows: int, columns: int, width: float, height: float):
    figure, axes = new_figure(width, height)
    figure.delaxes(axes)
    return figure, np.atleast_1d(figure.subplots(rows, columns)).ravel()


def plot_path_symmetry(path, samples: dict, p_values: dict):
    """Fig. 3b's analogue: histograms of path values and of paths with weights removed, at initialisation."""
    figure, axes = _panels(1, 3, 12.0, 3.8)
    groups = (("psi",), ("without W1", "without W3"), ("without W1, W2", "without W2, W3"))
    titles = ("basis circuits $\\psi$ (eq. 14)", "first order (one weight removed)", "second order (two removed)")
    for panel, names, title in zip(axes, groups, titles):
        for name in names:
            values = samples[name][samples[name] != 0]
            values = values / values.std()
            panel.hist(values, bins=np.linspace(-5, 5, 61), density=True, histtype="step", lw=1.4,
                       label=f"{name} (p={p_values[name]:.1g})")
        panel.axvline(0, color="k", lw=0.6)
        panel.set_xlabel("value / standard deviation (open paths)")
        panel.set_ylabel("density")
        panel.set_title(title, fontsize=9)
        panel.legend(fontsize=7)
    figure.suptitle("li2019: path values over independent ReLU networks at initialisation "
                    "(Wilcoxon p of symmetry about 0)", fontsize=10)
    return save_figure(figure, path)


def plot_hessian_blocks(path, examples: dict):
    """The Hessian of a depth-3 network by layers: zero same-layer blocks for ReLU + hinge, filled for the controls."""
    figure, axes = _panels(1, len(examples), 5.2 * len(examples), 4.6)
    for panel, ((activation, loss), (network, matrix)) in zip(axes, examples.items()):
        magnitude = np.log10(np.abs(matrix) + 1e-16)
        image = panel.imshow(magnitude, cmap="viridis", vmin=-8, vmax=magnitude.max(), interpolation="nearest")
        for edge in np.cumsum(network.layer_sizes)[:-1]:
            panel.axhline(edge - 0.5, color="w", lw=0.6)
            panel.axvline(edge - 0.5, color="w", lw=0.6)
        panel.set_title(f"{activation} + {loss}: tr H = {np.trace(matrix):.2g}", fontsize=9)
        panel.set_xlabel("weight index (layers 1 | 2 | 3)")
        panel.set_ylabel("weight index")
        figure.colorbar(image, ax=panel, shrink=0.7, label="$\\log_{10}|H_{ij}|$")
    figure.suptitle(f"li2019: risk Hessian of a bias-free network, widths {examples[next(iter(examples))][0].widths}"
                    " + output; same-layer blocks on the diagonal", fontsize=10)
    figure.tight_layout()
    return save_figure(figure, path)


def plot_spectral_symmetry(path, records, dyson: dict):
    """Skewness and negative fraction of Hessian spectra against width, and a spectrum against its Dyson density."""
    figure, axes = _panels(1, 3, 14.0, 4.2)
    floor = 1e-17
    styles = {(2, "relu", "hinge"): ("o", "tab:blue"), (3, "relu", "hinge"): ("s", "tab:orange"),
              (4, "relu", "hinge"): ("^", "tab:green"), (3, "relu", "squared"): ("x", "tab:red"),
              (3, "tanh", "hinge"): ("d", "tab:purple")}
    for (depth, activation, loss), (marker, colour) in styles.items():
        chosen = [(w, s) for d, w, a, l, s in records if (d, a, l) == (depth, activation, loss)]
        if not chosen:
            continue
        widths = np.array([w for w, _ in chosen])
        skew = np.array([max(abs(s.skewness), floor) for _, s in chosen])
        negative = np.array([s.negative_fraction for _, s in chosen])
        label = f"L={depth}, {activation} + {loss}"
        axes[0].plot(widths, skew, marker, color=colour, mfc="none", label=label)
        unique = np.unique(widths)
        axes[0].plot(unique, [np.sqrt(np.mean(skew[widths == w] ** 2)) for w in unique], "-", color=colour, lw=0.8)
        axes[1].plot(widths, negative, marker, color=colour, mfc="none", label=label)
    axes[0].set_xscale("log")
    axes[0].set_yscale("log")
    axes[0].set_xlabel("width $n$")
    axes[0].set_ylabel("|skewness| of the nonzero eigenvalues (floor 1e-17)")
    axes[0].set_title("asymmetry about zero", fontsize=9)
    axes[0].legend(fontsize=7)
    axes[1].axhline(0.5, color="k", lw=0.6)
    axes[1].set_xscale("log")
    axes[1].set_xlabel("width $n$")
    axes[1].set_ylabel("fraction of nonzero eigenvalues that are negative")
    axes[1].set_title("negative eigenvalues", fontsize=9)
    depth = 3 if 3 in dyson else max(dyson)
    density, comparison, eigenvalues = dyson[depth]
    nonzero = eigenvalues[np.abs(eigenvalues) > 1e-10 * np.abs(eigenvalues).max()]
    weight = nonzero.size / eigenvalues.size
    bins = np.linspace(density.energies[0], density.energies[-1], 61)
    axes[2].hist(nonzero, bins=bins, weights=np.full(nonzero.size, 1 / (eigenvalues.size * np.diff(bins)[0])),
                 color="tab:orange", alpha=0.6, label=f"network Hessian, nonzero part ({weight:.2f} of mass)")
    axes[2].plot(density.energies, density.density, "k-", lw=1, label="Dyson density of its block profile")
    continuous = density.density[np.abs(density.energies) > 0.05 * density.energies[-1]]
    axes[2].set_ylim(0, 1.4 * max(continuous.max(), 1e-12))
    axes[2].set_xlabel("eigenvalue $\\lambda$")
    axes[2].set_ylabel("density")
    axes[2].set_title(f"L={depth}: KS distance {comparison.statistic:.3f} (atom at 0 off scale)", fontsize=9)
    axes[2].legend(fontsize=7)
    figure.suptitle("li2019: is the Hessian spectrum symmetric about zero? (bias-free networks at initialisation)",
                    fontsize=10)
    return save_figure(figure, path)


def plot_dyson(path, panels):
    """Histograms of sampled eigenvalues against the Dyson density, for centred and non-centred block profiles."""
    figure, axes = _panels(2, 2, 11.0, 7.5)
    for panel, (name, profile, density, eigenvalues, comparison) in zip(axes, panels):
        bins = np.linspace(density.energies[0], density.energies[-1], 81)
        panel.hist(eigenvalues, bins=bins, density=True, color="tab:blue", alpha=0.5, label="sampled eigenvalues")
        panel.plot(density.energies, density.density, "k-", lw=1, label="Dyson density")
        panel.plot(-density.energies, density.density, "r:", lw=1, label="mirror image $\\rho(-E)$")
        away = density.density[np.abs(density.energies) > 0.05 * density.energies[-1]]
        panel.set_ylim(0, 1.3 * away.max())
        panel.set_xlabel("eigenvalue $E$")
        panel.set_ylabel("density")
        panel.set_title(f"{name}, sizes {profile.sizes}\nKS {comparison.statistic:.4f}, "
                        f"asymmetry {density.asymmetry():.2g}", fontsize=8)
        panel.legend(fontsize=7)
    figure.suptitle("li2019: vector Dyson equation against sampled Wigner-type block matrices", fontsize=10)
    figure.tight_layout()
    return save_figure(figure, path)


def plot_training(path, runs: dict):
    """Figs. 4b and 8's analogue: risk, order parameter ``|grad R|^2`` and the Hessian along gradient descent."""
    figure, axes = _panels(1, 3, 15.0, 4.4)
    colours = ("tab:blue", "tab:orange", "tab:green", "tab:red")
    for colour, (depth, run) in zip(colours, runs.items()):
        axes[0].plot(run.steps, run.risk, "-", color=colour, label=f"risk R, L={depth}")
        axes[0].plot(run.steps, run.learning_rate * run.order_parameter, "--", color=colour,
                     label=f"$\\eta|\\nabla R|^2$, L={depth}")
        frobenius = [s.frobenius for s in run.hessian_spectra]
        negative = [s.negative_fraction if s.frobenius else np.nan for s in run.hessian_spectra]
        axes[1].plot(run.hessian_steps, frobenius, "o-", ms=3, color=colour, label=f"L={depth}")
        axes[2].plot(run.hessian_steps, negative, "o-", ms=3, color=colour, label=f"L={depth}")
    axes[0].set_yscale("symlog", linthresh=1e-4)
    axes[0].set_xlabel("gradient-descent step")
    axes[0].set_ylabel("hinge risk and rescaled order parameter")
    axes[0].set_title("risk and order parameter reach exactly zero together", fontsize=9)
    axes[0].legend(fontsize=7, ncol=2)
    axes[1].set_xlabel("gradient-descent step")
    axes[1].set_ylabel("Frobenius norm $|H|_F$ of the risk Hessian")
    axes[1].set_title("the Hessian shrinks to zero", fontsize=9)
    axes[1].legend(fontsize=7)
    axes[2].axhline(0.5, color="0.6", ls="--", lw=0.8)
    axes[2].set_ylim(0, 1)
    axes[2].set_xlabel("gradient-descent step")
    axes[2].set_ylabel("fraction of nonzero eigenvalues < 0")
    axes[2].set_title("its spectrum stays balanced (dashed: one half)", fontsize=9)
    axes[2].legend(fontsize=7)
    figure.suptitle("li2019 (Figs. 4b, 8 analogue): gradient descent to zero hinge risk, bias-free ReLU networks",
                    fontsize=10)
    return save_figure(figure, path)


def plot_dead_network(path, network, theta, data, directions, radius: float):
    """The risk along random lines through a dead network: flat at the stationary point, nonzero risk."""
    figure, axes = new_figure(7.0, 4.4)
    scale = np.linalg.norm(theta)
    steps = np.linspace(-1.0, 1.0, 201) * scale
    for direction in directions:
        axes.plot(steps / scale, [risk(network, theta + t * direction, data) for t in steps], lw=1)
    bound = radius / scale
    if bound > 0.01:  # wide enough to see
        axes.axvspan(-bound, bound, color="0.85", label="every unit provably stays closed")
        axes.legend(fontsize=8)
    axes.annotate(f"every unit provably stays closed for |t| < {bound:.2g} |θ|", (0.5, 0.96), xycoords="axes fraction",
                  ha="center", va="top", fontsize=8)
    axes.set_xlabel("$t / |\\theta|$ along a random unit direction $v$")
    axes.set_ylabel("hinge risk $R(\\theta + t v)$")
    axes.set_title("li2019: a stationary point with R = 1 (all layer-2 units closed) is flat, not a saddle",
                   fontsize=9)
    return save_figure(figure, path)
