"""Fig. 1 of schoenholz2017: tanh networks against the factorial mean-field map (Sec. 3).

The paper's point: the mean-field map predicts how the variance of the pre-activations changes
with depth, but by construction has no fluctuations. The check compares the simulated mean square
norm over the second half of the layers with the mean-field :math:`N q_l` there, and draws sampled trajectories over the mean-field prediction.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from nnfield.numeric.evidence import Check, Evidence
from nnfield.numeric.meanfield import mean_field
from nnfield.numeric.plots import new_figure, save_figure, sequence_colours
from nnfield.numeric.samplers import exact_network_observables
from nnfield.numeric.statistics import SIGNIFICANCE, z_chi_square

__all__ = ["FIGURE1", "tanh_checks"]

ALPHA = SIGNIFICANCE
FIGURE1 = dict(sigma_w2=tuple(np.round(np.linspace(0.1, 1.5, 8), 2)), sigma_b2=0.001, N=500, L=100, M=20)


def mean_field_tanh(rng, figures, progress) -> Evidence:
    """Sampled norms of tanh networks against the mean-field trajectory sqrt(N q_l)."""
    setup = FIGURE1
    variable = sp.Symbol("z", real=True)
    figure, axes = new_figure(7.0, 4.6)
    colours = sequence_colours(len(setup["sigma_w2"]))
    z_scores = []
    for colour, sigma_w2 in zip(colours, setup["sigma_w2"]):
        field = mean_field(sp.tanh(variable), variable, sigma_w2=sigma_w2, sigma_b2=setup["sigma_b2"])
        predicted = field.trajectory(sigma_w2 + setup["sigma_b2"], setup["L"])  # the raw input x ~ N(0, I): |x|^2/N ~ 1
        norms = exact_network_observables(sigma_w2, setup["sigma_b2"], setup["N"], setup["L"], setup["M"], phi=np.tanh,
                                    rng=rng, progress=progress)
        bulk = slice(setup["L"] // 2, None)
        per_network = (norms[:, bulk] ** 2).mean(axis=1) / setup["N"]
        expected = predicted[bulk].mean()  # near criticality q_l is still approaching q* here
        z_scores.append((per_network.mean() - expected) / (per_network.std(ddof=1) / math.sqrt(setup["M"])))
        layers = np.arange(setup["L"])
        axes.plot(layers, norms[0], color=colour, lw=0.8, label=f"{sigma_w2:g}")
        axes.plot(layers, np.sqrt(setup["N"] * predicted), "k--", lw=0.8)
    test = z_chi_square(z_scores)
    chi_square, p_value = test.value, test.p_value
    axes.set_xlabel("layer $l$")
    axes.set_ylabel(r"$|z^l|$")
    axes.set_title(f"Fig. 1: tanh networks (one sample each) and the mean-field prediction (dashed); "
                   f"N={setup['N']}, $\\sigma_b^2$={setup['sigma_b2']}", fontsize=9)
    axes.legend(title=r"$\sigma_w^2$", fontsize=7, ncol=2)
    save_figure(figure, figures / "fig1_tanh_mean_field.png")
    return Evidence(
        claims=(),
        verdict="agrees" if p_value >= ALPHA else "disagrees",
        statistic="chi-square of z-scores of the bulk mean square norm per unit against the mean-field q_l",
        value=chi_square,
        p_value=p_value,
        sample_sizes={"networks per value": setup["M"], "N": setup["N"], "L": setup["L"],
                      "sigma_w2 values": len(setup["sigma_w2"])},
        figure="fig1_tanh_mean_field.png",
        detail="The mean-field map (Gaussian average by quadrature) predicts the bulk variance of tanh "
               f"networks (largest |z| = {np.max(np.abs(z_scores)):.2f}); the sampled trajectories fluctuate about "
               "it, which the factorial approximation cannot describe.",
    )


def tanh_checks() -> tuple[Check, ...]:
    return (Check("mean-field map against tanh networks (Fig. 1)", (), mean_field_tanh),)
