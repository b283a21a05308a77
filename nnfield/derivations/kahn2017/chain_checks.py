"""Simulations of fok2017's theory of weights that answer kahn2017's questions.

- Noisy gradient descent of one O(D') multiplet (Langevin at :math:`T = \\eta s^2/2`) against the exact
  Boltzmann averages (mpmath quadrature), extrapolated to a vanishing step: validates the sampler and
  the identification of a learning rate with a temperature.
- The O(D') chain along the layers by Metropolis Monte Carlo against its exact transfer operator:
  correlation functions of the weights at several T.
- The same chain at low T against the engine's Gaussian kernel: sigma and Goldstone (pi) mode spectra.
- The mean field :math:`|\\frac1L\\sum_l w_l|^2` as L grows, against the transfer operator.
- One multiplet's classical loop expansion against exact quadrature, and the chain's one-loop
  correlation lengths against the transfer operator, as T -> 0 (:mod:`~nnfield.derivations.kahn2017.loop_checks`).

Every statistic has a null distribution fixed by the number of independent chains.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from nnfield.derivations.fok2017.checks import PARAMETERS
from nnfield.derivations.fok2017.layers import layer_chain
from nnfield.derivations.fok2017.ssb import ssb_analysis
from nnfield.derivations.fok2017.symbols import lam, mu
from nnfield.derivations.kahn2017.chain import CHAIN, chain_potential, chain_transfer, vacuum
from nnfield.derivations.kahn2017.loop_checks import chain_against_transfer_operator, one_site_against_quadrature
from nnfield.numeric.boltzmann import radial_moment
from nnfield.numeric.chain_monte_carlo import multiplet_dot, o_chain_metropolis
from nnfield.numeric.evidence import Check, Evidence
from nnfield.numeric.langevin import noisy_gradient_descent
from nnfield.numeric.plots import new_figure, save_figure
from nnfield.numeric.spectra import ModeCovarianceEstimate
from nnfield.numeric.statistics import (SIGNIFICANCE, bonferroni, power_law_fit, combined_chi_square, compare_with_prediction,
                                        equilibrated_burn_in, hotelling, z_chi_square)
from nnfield.numeric.transfer import RING_LENGTHS_PER_XI

__all__ = ["chain_checks", "CHECK_NAMES", "ALPHA", "moment_by_chain", "correlation_by_chain"]

#: Significance level of every verdict.
ALPHA = SIGNIFICANCE
#: The checks' names, by which questions cite them as evidence.
CHECK_NAMES = {
    "langevin": "noisy gradient descent of one O(D') multiplet against Boltzmann quadrature",
    "transfer": "O(2) chain along the layers: Monte Carlo against the exact transfer operator",
    "gaussian": "O(3) chain at low T: sigma and Goldstone spectra against the Gaussian kernel",
    "mean field": "O(2) chain: the mean field as the number of layers grows",
    "one loop": "one O(3) multiplet: classical loop expansion against Boltzmann quadrature as T -> 0",
    "chain one loop": "O(3) chain: one-loop sigma and pi correlation lengths against the transfer operator as T -> 0",
}
def _verdict(p_value):
    return "agrees" if p_value >= ALPHA else "disagrees"


def moment_by_chain(samples: np.ndarray, power: int) -> np.ndarray:
    """Time averages of :math:`|w|^p` over the records ``(records, chains, D)``, one per independent chain."""
    return np.mean(multiplet_dot(samples, samples) ** (power / 2), axis=0)


def correlation_by_chain(configurations: np.ndarray, lags) -> np.ndarray:
    """:math:`\\langle w_0\\cdot w_l\\rangle` averaged over records and layers, per chain: shape ``(lags, chains)``."""
    return np.array([np.mean(multiplet_dot(configurations, np.roll(configurations, -lag, axis=2)), axis=(0, 2))
                     for lag in lags])


def langevin_one_site(rng, figures: Path, progress: bool) -> Evidence:
    """Noisy gradient descent of one O(D') multiplet against the Boltzmann law at T = eta s^2/2."""
    temperature, chains, records = 0.5, 1000, 60
    rows, z_scores = [], []
    for dimension in (2, 3):
        potential = chain_potential(dimension)
        estimates = {}
        for learning_rate in (0.002, 0.004):
            noise = math.sqrt(2 * temperature / learning_rate)  # T = eta s^2 / 2 (sgd_temperature)
            spacing = int(round(0.6 / learning_rate))  # ~2 relaxation times of the sigma mode between records
            samples = noisy_gradient_descent(
                potential.gradient, np.tile(vacuum(dimension), (chains, 1)), learning_rate=learning_rate, gradient_noise=noise,
                steps=records * spacing, record_every=spacing, burn_in=5 * spacing, rng=rng, progress=progress)
            estimates[learning_rate] = [moment_by_chain(samples, power) for power in (2, 4)]
        for index, power in enumerate((2, 4)):
            exact = radial_moment(potential.radial_mpmath, dimension, temperature, power)
            small, large = estimates[0.002][index], estimates[0.004][index]
            extrapolated = 2 * small - large  # the stationary bias is linear in the step: remove it
            error = extrapolated.std(ddof=1) / math.sqrt(chains)
            z = (extrapolated.mean() - exact) / error
            z_scores.append(z)
            rows.append((dimension, power, exact, small.mean(), extrapolated.mean(), z))
    test = z_chi_square(z_scores)
    chi_square, p_value = test.value, test.p_value
    detail = "; ".join(f"D'={d} <|w|^{p}>: exact {e:.5f}, step 0.002 {s:.5f} (bias {s / e - 1:+.2%}), "
                       f"extrapolated {x:.5f} (z = {z:+.2f})" for d, p, e, s, x, z in rows)
    return Evidence(
        claims=(),
        verdict=_verdict(p_value),
        statistic="chi-square of z-scores (step-extrapolated moments against quadrature)",
        value=chi_square,
        p_value=p_value,
        sample_sizes={"chains": chains, "records per chain": records, "T": temperature, "steps": "0.002, 0.004"},
        detail=f"Gradient descent with Gaussian gradient noise s at step eta samples exp(-V/T) with T = eta s^2/2 as "
               f"eta -> 0; at finite eta the moments are biased by O(eta). {detail}.",
    )


def chain_against_transfer(rng, figures: Path, progress: bool) -> Evidence:
    """Correlation functions of the weights along the chain: Monte Carlo against the exact transfer operator."""
    dimension, length, chains, lags = 2, 64, 128, np.arange(0, 9)
    temperatures = (0.5, 1.0, 2.0, 4.0)
    potential = chain_potential(dimension)
    results, mean_fields = [], []
    for temperature in temperatures:
        exact = chain_transfer(dimension, temperature)
        samples = o_chain_metropolis(potential, dimension=dimension, length=length, coupling=CHAIN["coupling"],
                                     temperature=temperature, chains=chains, sweeps=600, burn_in=400, record_every=5,
                                     start=vacuum(dimension), rng=rng, progress=progress)
        measured = correlation_by_chain(samples.configurations, lags)
        test = hotelling(measured.T, exact.correlation(lags, length))
        t2, p_value = test.t_squared, test.p_value
        results.append((temperature, exact, measured, t2, p_value))
        # The order parameter of each record and chain, kept only where the chains are equilibrated.
        series = np.sum(samples.configurations.mean(axis=2) ** 2, axis=-1).T
        equilibration = equilibrated_burn_in(series, alpha=ALPHA)
        mean_fields.append((temperature, series[:, equilibration.burn_in:].mean(axis=1), equilibration))
    corrected = bonferroni([result[4] for result in results])
    _plot_correlations(figures / "fok2017_chain_correlations.png", results, lags, length)
    measured_lengths = [(t, *_effective_length_jackknife(m, EFFECTIVE_LAG)) for t, _, m, _, _ in results]
    _plot_correlation_length(figures / "fok2017_correlation_length.png", dimension, measured_lengths, length)
    _plot_order_parameter(figures / "fok2017_order_parameter.png", dimension, mean_fields, length)
    detail = "; ".join(f"T={t:g}: xi = {e.correlation_length:.3f} layers, Hotelling T^2 = {t2:.1f} (p = {p:.3g})"
                       for t, e, _, t2, p in results)
    equilibration = "; ".join(
        f"T={t:g}: {'equilibrated after ' + str(e.burn_in) + ' records' if e.equilibrated else 'not equilibrated'} "
        f"(split-chain drift p = {e.test.p_value:.3g}, split R-hat = {e.test.r_hat:.3f})" for t, _, e in mean_fields)
    return Evidence(
        claims=(),
        verdict=_verdict(corrected),
        statistic="smallest Hotelling p-value over temperatures, Bonferroni-corrected",
        value=corrected,
        p_value=corrected,
        sample_sizes={"D'": dimension, "layers": length, "chains": chains, "recorded sweeps": 600,
                      "lags": f"0..{lags[-1]}"},
        figure="fok2017_chain_correlations.png",
        detail=f"<w_0.w_l> measured along a ring of {length} layers against the exact transfer operator. {detail}. "
               + ("The exact correlation length is finite at every temperature checked: no ordered phase there "
                  if all(math.isfinite(e.correlation_length) for _, e, _, _, _ in results) else
                  "The exact correlation length diverges at a temperature checked ")
               + "(xi against T: ![](figures/fok2017_correlation_length.png); the order parameter against T: "
               "![](figures/fok2017_order_parameter.png)). The order parameter's Monte Carlo points are drawn only "
               f"where the split-chain diagnostic finds the chains equilibrated, after the burn-in it chose: "
               f"{equilibration}.",
    )


def _plot_correlations(path, results, lags, length):
    figure, axes = new_figure()
    for temperature, exact, measured, _, _ in results:
        fine = np.arange(0, lags[-1] + 1)
        line, = axes.plot(fine, exact.correlation(fine, length), "-", lw=1)
        error = measured.std(axis=1, ddof=1) / math.sqrt(measured.shape[1])
        axes.errorbar(lags, measured.mean(axis=1), yerr=error, fmt="o", ms=3, color=line.get_color(),
                      label=f"T = {temperature:g} (xi = {exact.correlation_length:.2f})")
    axes.set_yscale("log")
    axes.set_xlabel("lag l (layers)")
    axes.set_ylabel(r"$\langle w_0\cdot w_l\rangle$")
    axes.set_title("fok2017 chain of O(2) weights: Monte Carlo (points) vs exact transfer operator (lines)", fontsize=9)
    axes.legend(fontsize=8)
    save_figure(figure, path)


#: Temperatures at which the figures draw the exact transfer operator (both figures share them: each is solved once).
TEMPERATURE_GRID = np.geomspace(0.05, 8, 30)
#: Lag l of the effective correlation length 1/ln(C(l)/C(l+1)) measured in the simulations.
EFFECTIVE_LAG = 2


def _effective_length(correlation: np.ndarray, lag: int) -> float:
    """:math:`1/\\ln(C(l)/C(l+1))`: the local decay length, which tends to xi as l grows."""
    return float(1 / np.log(correlation[lag] / correlation[lag + 1]))


def _effective_length_jackknife(measured: np.ndarray, lag: int) -> tuple[float, float]:
    """The effective length of the chain-averaged correlations (lags, chains) and its jackknife error."""
    chains = measured.shape[1]
    total = measured.sum(axis=1)
    estimate = _effective_length(total / chains, lag)
    leave_one_out = np.array([_effective_length((total - measured[:, c]) / (chains - 1), lag) for c in range(chains)])
    error = math.sqrt((chains - 1) * np.mean((leave_one_out - leave_one_out.mean()) ** 2))
    return estimate, error


def _plot_correlation_length(path, dimension, measured, length):
    """Exact xi(T) against the spin-wave law, the one-loop critical temperature, and the simulations."""
    temperatures = TEMPERATURE_GRID
    chains = [chain_transfer(dimension, t) for t in temperatures]
    exact = [chain.correlation_length for chain in chains]
    effective = [_effective_length(chain.correlation(np.arange(EFFECTIVE_LAG + 2)), EFFECTIVE_LAG) for chain in chains]
    derivation = layer_chain(dimension)
    spin_wave = [derivation.predict(**CHAIN, temperature=t).spin_wave_correlation_length for t in temperatures]
    sigma = derivation.predict(**CHAIN, temperature=1.0).sigma_correlation_length
    critical = float(ssb_analysis(dimension).critical_learning_rate.subs({mu: PARAMETERS["mu"], lam: PARAMETERS["lam"]}))
    figure, axes = new_figure()
    axes.loglog(temperatures, exact, "k-", label=r"exact $\xi$ (transfer operator)")
    axes.loglog(temperatures, effective, "k:", lw=1, label=f"exact $1/\\ln(C(l)/C(l+1))$ at l = {EFFECTIVE_LAG}")
    axes.errorbar([row[0] for row in measured], [row[1] for row in measured], yerr=[row[2] for row in measured],
                  fmt="o", color="C1", label=f"Monte Carlo, same estimator (L = {length})")
    axes.loglog(temperatures, spin_wave, "--", label=r"Goldstone random walk $2Jv^2/((D'-1)T)$")
    axes.axhline(sigma, color="C2", ls=":", label=r"$\xi_\sigma$ of the Gaussian theory")
    axes.axvline(critical, color="C3", ls="-.", label=f"one-loop 'critical' T = {critical:.2f}")
    axes.set_xlabel("temperature T")
    axes.set_ylabel(r"correlation length $\xi$ (layers)")
    axes.set_title(f"fok2017 chain of O({dimension}) weights: finite correlation length at every T > 0", fontsize=9)
    axes.legend(fontsize=7)
    save_figure(figure, path)


def _plot_order_parameter(path, dimension, mean_fields, length):
    """<|mean of w over L layers|^2> against T: exact for several L, and the equilibrated simulations at one L."""
    grid = TEMPERATURE_GRID[TEMPERATURE_GRID >= 0.1]
    chains = [chain_transfer(dimension, t) for t in grid]
    figure, axes = new_figure(9.0, 4.4)
    for layers in (16, 64, 256, 1024):  # where the ring is long enough for the transfer operator's ring formula
        valid = [(t, chain.mean_field_square(layers)) for t, chain in zip(grid, chains)
                 if layers >= RING_LENGTHS_PER_XI * chain.correlation_length]
        axes.loglog(*zip(*valid), "-", label=f"exact, L = {layers} (L >= {RING_LENGTHS_PER_XI} xi)")
    shown = [(t, values) for t, values, equilibration in mean_fields if equilibration.equilibrated]
    if shown:
        axes.errorbar([t for t, _ in shown], [values.mean() for _, values in shown],
                      yerr=[values.std(ddof=1) / math.sqrt(values.size) for _, values in shown], fmt="ko", ms=4,
                      label=f"Monte Carlo, L = {length} (equilibrated)")
    for t, _, equilibration in mean_fields:
        if not equilibration.equilibrated:
            axes.plot([], [], " ", label=f"T = {t:g}: not shown, chains not equilibrated "
                                         f"(split R-hat {equilibration.test.r_hat:.2f})")
    axes.axhline(-CHAIN["mass_squared"] / CHAIN["quartic"], color="C7", ls=":", label="$v^2$ (an ordered vacuum)")
    critical = float(ssb_analysis(dimension).critical_learning_rate.subs({mu: PARAMETERS["mu"], lam: PARAMETERS["lam"]}))
    axes.axvline(critical, color="C3", ls="-.", label=f"one-loop 'critical' T = {critical:.2f}")
    axes.set_xlabel("temperature T")
    axes.set_ylabel(r"$\langle|\frac{1}{L}\sum_l w_l|^2\rangle$")
    axes.set_title(f"fok2017 chain of O({dimension}) weights: the order parameter has no transition; it vanishes "
                   "as L grows", fontsize=8)
    axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))  # beside the curves, not over them
    save_figure(figure, path)


def gaussian_modes(rng, figures: Path, progress: bool) -> Evidence:
    """Low-temperature sigma and pi spectra against the engine's Gaussian kernel, T K(q)^-1."""
    dimension, length, chains, temperature = 3, 32, 128, 0.005
    prediction = layer_chain(dimension).predict(**CHAIN, temperature=temperature)
    samples = o_chain_metropolis(chain_potential(dimension), dimension=dimension, length=length,
                                 coupling=CHAIN["coupling"], temperature=temperature, chains=chains, sweeps=2000,
                                 burn_in=500, record_every=10, start=vacuum(dimension), rng=rng, progress=progress)
    w = samples.configurations
    direction = w.mean(axis=2, keepdims=True)
    direction /= np.linalg.norm(direction, axis=-1, keepdims=True)
    sigma = np.linalg.norm(w, axis=-1) - prediction.vacuum_radius  # radial
    pi = w - np.sum(w * direction, axis=-1, keepdims=True) * direction  # across the chain's direction
    q = 2 * np.pi * np.arange(length) / length
    sigma_estimate = _pooled(np.abs(np.fft.fft(sigma, axis=2)) ** 2 / length, q)
    pi_estimate = _pooled(np.sum(np.abs(np.fft.fft(pi, axis=2)) ** 2, axis=-1) / length, q)
    predicted_sigma = prediction.sigma_mode_covariance(q)
    predicted_pi = (dimension - 1) * prediction.pi_mode_covariance(q)
    sigma_result = compare_with_prediction(sigma_estimate, predicted_sigma, band=4, alpha=ALPHA)
    pi_result = compare_with_prediction(pi_estimate, predicted_pi, band=4, alpha=ALPHA)
    total = combined_chi_square((sigma_result, pi_result))
    chi_square, p_value = total.value, total.p_value
    printed_sigma = temperature / (2 * CHAIN["coupling"] * (1 - np.cos(q)) - CHAIN["mass_squared"])
    printed_result = compare_with_prediction(sigma_estimate, printed_sigma, band=4, alpha=ALPHA)
    _plot_modes(figures / "fok2017_gaussian_modes.png", q, sigma_estimate, pi_estimate, predicted_sigma,
                predicted_pi, printed_sigma)
    return Evidence(
        claims=(),
        verdict=_verdict(p_value),
        statistic="chi-square of band z-scores, sigma and pi spectra",
        value=chi_square,
        p_value=p_value,
        sample_sizes={"D'": dimension, "layers": length, "chains": chains, "T": temperature, "recorded sweeps": 2000},
        figure="fok2017_gaussian_modes.png",
        detail=f"At T = {temperature}: sigma (radial) spectrum chi-square {sigma_result.value:.1f} on {sigma_result.dof} "
               f"bands, pi (Goldstone) spectrum {pi_result.value:.1f} on {pi_result.dof}, against T/K(q) with "
               f"K_sigma = 2J(1 - cos q) - 2m^2 and K_pi = 2J(1 - cos q) (massless). A sigma mass -m^2 (fok2017 eq 6) "
               f"gives chi-square {printed_result.value:.3g} (p = {printed_result.p_value:.2g}).",
    )


def _pooled(periodograms: np.ndarray, q: np.ndarray) -> ModeCovarianceEstimate:
    """Per-chain averages of periodograms (records, chains, L) as independent samples of C(q)."""
    per_chain = periodograms.mean(axis=0)
    count = per_chain.shape[0]
    return ModeCovarianceEstimate(q, per_chain.mean(axis=0), per_chain.std(axis=0, ddof=1) / math.sqrt(count), count,
                                  q.size, per_chain)


def _plot_modes(path, q, sigma, pi, predicted_sigma, predicted_pi, printed_sigma):
    figure, axes = new_figure()
    modes = slice(1, q.size // 2 + 1)
    axes.errorbar(q[modes], sigma.value[modes], yerr=sigma.stderr[modes], fmt="o", ms=3, label="sigma (radial), Monte Carlo")
    axes.plot(q[modes], predicted_sigma[modes], "-", color="C0", label=r"$T/(2J(1-\cos q) - 2m^2)$, derived")
    axes.plot(q[modes], printed_sigma[modes], ":", color="C0", label=r"with the printed $m_\sigma^2 = -m^2$ (eq 6)")
    axes.errorbar(q[modes], pi.value[modes], yerr=pi.stderr[modes], fmt="s", ms=3, label="pi (Goldstone), Monte Carlo")
    axes.plot(q[modes], predicted_pi[modes], "-", color="C1", label=r"$(D'-1)\,T/(2J(1-\cos q))$, massless")
    axes.set_yscale("log")
    axes.set_xlabel("wavenumber q")
    axes.set_ylabel("mode covariance C(q)")
    axes.set_title("fok2017 chain of O(3) weights at low T: spectra against the Gaussian kernel", fontsize=9)
    axes.legend(fontsize=7)
    save_figure(figure, path)


def mean_field_against_length(rng, figures: Path, progress: bool) -> Evidence:
    """<|mean of w over the layers|^2> against L: it vanishes like 1/L, as the transfer operator predicts."""
    dimension, temperature, chains = 2, 1.0, 128
    lengths = (16, 32, 64, 128)
    exact = chain_transfer(dimension, temperature)
    potential = chain_potential(dimension)
    rows = []
    for length in lengths:
        samples = o_chain_metropolis(potential, dimension=dimension, length=length, coupling=CHAIN["coupling"],
                                     temperature=temperature, chains=chains, sweeps=600, burn_in=400, record_every=5,
                                     start=vacuum(dimension), rng=rng, progress=progress)
        mean_field = np.sum(samples.configurations.mean(axis=2) ** 2, axis=-1).mean(axis=0)  # per chain
        predicted = exact.mean_field_square(length)
        z = (mean_field.mean() - predicted) / (mean_field.std(ddof=1) / math.sqrt(chains))
        rows.append((length, mean_field.mean(), mean_field.std(ddof=1) / math.sqrt(chains), predicted, z))
    test = z_chi_square([row[4] for row in rows])
    chi_square, p_value = test.value, test.p_value
    decay = power_law_fit([row[0] for row in rows], [row[1] for row in rows], [row[2] for row in rows])
    _plot_mean_field(figures / "fok2017_mean_field.png", rows, exact, temperature, decay)
    return Evidence(
        claims=(),
        verdict=_verdict(p_value),
        statistic="chi-square of z-scores over chain lengths",
        value=chi_square,
        p_value=p_value,
        sample_sizes={"D'": dimension, "T": temperature, "chains": chains, "layers": ", ".join(map(str, lengths))},
        figure="fok2017_mean_field.png",
        detail="; ".join(f"L={n}: <|m|^2> = {m:.4f} +- {e:.4f} (exact {p:.4f})" for n, m, e, p, _ in rows)
               + f". Measured, <|m|^2> ~ L^({decay.slope:.2f} +- {decay.slope_error:.2f}) (compare <|w|^2> = "
                 f"{exact.mean_square:.3f})"
               + (": it vanishes like 1/L as the network grows deeper." if abs(decay.z_from(-1.0)) < 3 else
                  ", not the 1/L of a disordered chain."),
    )


def _plot_mean_field(path, rows, exact, temperature, decay):
    figure, axes = new_figure()
    lengths = np.array([row[0] for row in rows])
    axes.errorbar(lengths, [row[1] for row in rows], yerr=[row[2] for row in rows], fmt="o", label="Monte Carlo")
    fine = np.geomspace(lengths[0], lengths[-1], 30).round().astype(int)
    fine += fine % 2
    axes.plot(fine, [exact.mean_field_square(n) for n in fine], "k-", label="exact (transfer operator)")
    axes.axhline(exact.mean_square, color="C3", ls=":", label=r"$\langle|w|^2\rangle$ (what order would keep)")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("number of layers L")
    axes.set_ylabel(r"$\langle|\frac{1}{L}\sum_l w_l|^2\rangle$")
    axes.set_title(f"fok2017 chain of O(2) weights at T = {temperature:g}: measured <|m|^2> ~ "
                   f"L^({decay.slope:.2f} +- {decay.slope_error:.2f})", fontsize=9)
    axes.legend(fontsize=8)
    save_figure(figure, path)


def chain_checks() -> tuple[Check, ...]:
    """The checks of the weights' statistics (kahn2017's questions put to fok2017's theory)."""
    return (
        Check(CHECK_NAMES["langevin"], (), langevin_one_site),
        Check(CHECK_NAMES["transfer"], (), chain_against_transfer),
        Check(CHECK_NAMES["gaussian"], (), gaussian_modes),
        Check(CHECK_NAMES["mean field"], (), mean_field_against_length),
        Check(CHECK_NAMES["one loop"], (), one_site_against_quadrature),
        Check(CHECK_NAMES["chain one loop"], (), chain_against_transfer_operator),
    )
