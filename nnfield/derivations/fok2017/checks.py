"""Numerical checks of fok2017's printed statements, run by the audit.

- the potential minimised numerically from random starts for D' = 2..5: the radius of the minimum,
  the number of zero Hessian eigenvalues and the sigma mass;
- the frequency integral of the propagator done numerically with a small i*epsilon;
- the gradient of a discretised action, which decides the sign of the mass term in the equation
  of motion.
"""

from __future__ import annotations

import math

import numpy as np
import scipy

import sympy as sp

from nnfield.derivations.fok2017.potential import compiled_potential, mass_squared, weights_potential
from nnfield.derivations.fok2017.ssb import ssb_analysis, ssb_derivation
from nnfield.derivations.fok2017.symbols import eta as eta_symbol, k as k_symbol, lam as lam_symbol, m2
from nnfield.numeric.evidence import Check, Evidence
from nnfield.numeric.plots import new_figure, save_figure

__all__ = ["checks", "PARAMETERS"]

#: mu, lambda and a learning rate below eta_c = 2 mu / sqrt(lambda) (the paper's one-field value).
PARAMETERS = dict(mu=1.3, lam=0.7, eta=0.5)
#: Relative accuracy of the minimiser (BFGS to a gradient of 1e-13): a form within it describes the minima.
TOLERANCE = 1e-6


#: What each claim of App. C and eqs 6-7 predicts of the numerically found minima, evaluated from its form.
_OBSERVABLES = {
    "App. C (vacuum)": "|w|^2 at the minimum",
    "6": "sigma curvature (largest Hessian eigenvalue)",
    "7": "omega_0 at k = 0, the square root of the sigma curvature",
    "App. C (pi mass)": "pi curvature (smallest Hessian eigenvalue)",
}


def _claim_value(claim, form: str, m2_value: float, lam_value: float, eta_value: float) -> float:
    """The number a form of a claim predicts for its observable at the check's parameters."""
    expression = getattr(claim, form)
    sigma = sp.Symbol("sigma", real=True)
    if claim.equation == "6":  # V_sigma: its curvature in sigma
        expression = sp.diff(expression, sigma, 2)
    if claim.equation == "7":  # omega_0 at k = 0, with M2 = |m^2|
        expression = expression.subs({k_symbol: 0, sp.Symbol("M2", positive=True): abs(m2_value)})
    return float(expression.subs({m2: m2_value, lam_symbol: lam_value, eta_symbol: eta_value}))


def minimise_potential(rng, figures, progress) -> tuple[Evidence, ...]:
    """Minimise the compiled V from random starts; each claim's printed and derived forms face the minima found."""
    mu, lam, eta = PARAMETERS["mu"], PARAMETERS["lam"], PARAMETERS["eta"]
    m2_value = mass_squared(mu, lam, eta)
    measured = {label: [] for label in _OBSERVABLES}
    zeros = {}
    for dimension in (2, 3, 4, 5):
        value, gradient, hessian = compiled_potential(dimension)
        for _ in range(5):
            found = scipy.optimize.minimize(lambda w: value(w, m2_value, lam), rng.normal(size=dimension),
                                      jac=lambda w: np.asarray(gradient(w, m2_value, lam), dtype=float), method="BFGS",
                                      options={"gtol": 1e-13})
            w = found.x
            eigenvalues = np.sort(np.linalg.eigvalsh(np.asarray(hessian(w, m2_value, lam), dtype=float)))
            measured["App. C (vacuum)"].append(w @ w)
            measured["6"].append(eigenvalues[-1])
            measured["7"].append(math.sqrt(eigenvalues[-1]))
            measured["App. C (pi mass)"].append(eigenvalues[0])
            zeros.setdefault(dimension, []).append(int(np.sum(np.abs(eigenvalues) < 1e-7)))
    derivation = ssb_derivation()
    _plot_potential(figures / "fok2017_potential.png", mu, lam)
    _plot_vacuum_manifold(figures / "fok2017_vacuum_manifold.png", m2_value, lam)
    evidence = []
    for label, observable in _OBSERVABLES.items():
        claim = derivation.claim(label)
        values = np.array(measured[label])
        predicted = {form: _claim_value(claim, form, m2_value, lam, eta) for form in ("printed", "derived")}
        error = {form: float(np.max(np.abs(values - predicted[form]))) / max(1.0, abs(predicted[form]))
                 for form in predicted}
        derived_ok, printed_ok = error["derived"] < TOLERANCE, error["printed"] < TOLERANCE
        evidence.append(Evidence(
            claims=(label,),
            verdict="agrees" if derived_ok else "disagrees",
            statistic=f"largest relative deviation of the {observable} from the derived form",
            value=error["derived"],
            p_value=None,
            sample_sizes={"dimensions": "2..5", "random starts per dimension": 5, "mu": mu, "lambda": lam, "eta": eta},
            supports_derived=derived_ok and not printed_ok,
            figure="fok2017_potential.png",
            detail=f"At m^2(eta) = {m2_value:.4f}, over {values.size} minima found numerically: the {observable} is "
                   f"{values.min():.6g} to {values.max():.6g}; the derived form gives {predicted['derived']:.6g}, the "
                   f"printed form {predicted['printed']:.6g} (relative deviations {error['derived']:.1e} and "
                   f"{error['printed']:.1e}; tolerance {TOLERANCE:g}, the minimiser's accuracy).",
        ))
    goldstone = derivation.claim("App. C (Goldstone)")
    counts = sp.Matrix([max(zeros[d]) if min(zeros[d]) == max(zeros[d]) else -1 for d in (2, 3, 4, 5)])
    evidence.append(Evidence(
        claims=("App. C (Goldstone)",),
        verdict="agrees" if counts == sp.Matrix(goldstone.derived) else "disagrees",
        statistic="zero Hessian eigenvalues at every minimum found, D' = 2..5",
        value=float(sum(abs(a - b) for a, b in zip(counts, goldstone.derived))),
        p_value=None,
        sample_sizes={"dimensions": "2..5", "random starts per dimension": 5},
        supports_derived=None if goldstone.comparison.equal else counts == sp.Matrix(goldstone.derived),
        figure="fok2017_vacuum_manifold.png",
        detail=f"Zero eigenvalues (|lambda| < 1e-7) at the minima: {list(counts)} for D' = 2..5 (derived "
               f"{list(goldstone.derived)}, printed {list(goldstone.printed)}). The O(3) -> O(2) surface of the "
               "paper's Fig. 2 with the pi and sigma directions at one vacuum: ![](figures/fok2017_vacuum_manifold.png)",
    ))
    return tuple(evidence)


def _plot_potential(path, mu, lam):
    """The paper's Fig. 1: V(w) above and below the critical learning rate, with the derived minima."""
    figure, axes = new_figure()
    w = np.linspace(-2.6, 2.6, 400)
    critical = 2 * mu / math.sqrt(lam)
    vacuum_radius_squared = ssb_analysis(1).vacuum_radius_squared
    for eta, style in ((1.3 * critical, "--"), (0.5 * critical, "-"), (0.2, "-")):
        m2_value = mass_squared(mu, lam, eta)
        potential = weights_potential(1, mass_squared=m2_value, quartic=lam)
        axes.plot(w, potential.radial(w), style, label=f"$\\eta$ = {eta:.2f} ($\\eta_c$ = {critical:.2f})")
        if m2_value < 0:
            radius = math.sqrt(float(vacuum_radius_squared.subs({m2: m2_value, lam_symbol: lam})))
            axes.plot([-radius, radius], [float(potential.radial(radius))] * 2, "ko", ms=4)
    axes.set_xlabel("$w$ (one weight, $D'=1$)")
    axes.set_ylabel(r"$\mathcal{V}(w, \eta)$")
    axes.set_ylim(-6, 6)
    axes.set_title("fok2017 Fig. 1: the potential and its minima $w^{*2} = -m^2/\\lambda$")
    axes.legend(fontsize=8)
    save_figure(figure, path)


def _plot_vacuum_manifold(path, m2_value, lam):
    """The paper's Fig. 2: V over a plane through the O(3) vacuum manifold, with the sigma and pi directions.

    The radius and the Hessian eigenvalues at the vacuum come from the engine (:func:`ssb_analysis`), not from
    the numbers above.
    """
    analysis = ssb_analysis(3)
    values = {m2: m2_value, lam_symbol: lam}
    radius = math.sqrt(float(analysis.vacuum_radius_squared.subs(values)))
    masses = sorted(float(value.subs(values)) for value in analysis.mass_spectrum)
    grid = np.linspace(-1.5 * radius, 1.5 * radius, 241)
    x, y = np.meshgrid(grid, grid)
    potential = weights_potential(3, mass_squared=m2_value, quartic=lam)
    bottom = float(potential.radial(radius))  # V at the minima; the colours reach as far above V(0) = 0
    figure, axes = new_figure(6.0, 5.2)
    filled = axes.contourf(x, y, potential(np.stack([x, y, np.zeros_like(x)], axis=-1)), cmap="viridis",
                           extend="max", levels=np.linspace(bottom, -bottom, 25))
    figure.colorbar(filled, ax=axes, label=r"$\mathcal{V}$ in the plane $\gamma_3 = 0$")
    angle = np.linspace(0, 2 * np.pi, 200)
    axes.plot(radius * np.cos(angle), radius * np.sin(angle), "w--", lw=1, label=r"minima, $|w|^2 = -m^2/\lambda$")
    point = radius * np.array([math.cos(0.8), math.sin(0.8)])
    for direction, colour in ((point / radius, "w"), (np.array([-point[1], point[0]]) / radius, "r")):
        axes.annotate("", xy=point + 0.35 * radius * direction, xytext=point,
                      arrowprops=dict(arrowstyle="->", color=colour, lw=2))
    axes.text(0.02, 0.98, f"at a vacuum: sigma (white, radial) $m_\\sigma^2$ = {masses[-1]:.2f}\n"
              f"pi (red, along the manifold) $m_\\pi^2$ = {masses[0]:.0f}", transform=axes.transAxes, fontsize=8,
              va="top", bbox=dict(facecolor="white", alpha=0.8, edgecolor="none"))
    axes.set_aspect("equal")
    axes.set_xlabel(r"$\gamma_1$")
    axes.set_ylabel(r"$\gamma_2$")
    axes.set_title("fok2017 Fig. 2: O(3) -> O(2), a plane through the vacuum manifold", fontsize=9)
    axes.legend(fontsize=8, loc="lower left")
    save_figure(figure, path)


def propagator_quadrature(rng, figures, progress) -> Evidence:
    """The frequency integral of 1/(omega^2 - k^2 - m^2 + i eps) times exp(-i omega t), numerically."""
    rows = []
    for mass2, momentum, time in ((0.64, 0.6, 1.7), (1.0, 0.2, 0.9), (0.3, 1.1, 2.5)):
        energy = math.sqrt(momentum**2 + mass2)
        epsilon = 1e-3

        def part(function):
            return scipy.integrate.quad(
                lambda w: function(np.exp(-1j * w * time) / (w * w - energy**2 + 1j * epsilon)),
                -400, 400, limit=4000, points=[-energy, energy])[0] / (2 * math.pi)

        numeric = part(np.real) + 1j * part(np.imag)
        derived = -1j * np.exp(-1j * energy * time) / (2 * energy) * math.exp(-epsilon * time / (2 * energy))
        rows.append((abs(numeric - derived) / abs(derived), abs(numeric + derived) / abs(derived)))
    worst = max(row[0] for row in rows)
    return Evidence(
        claims=("4",),
        verdict="agrees" if worst < 5e-3 else "disagrees",
        statistic="largest relative deviation of the numerical integral from -i e^{-i w0 t}/(2 w0)",
        value=worst,
        p_value=None,
        sample_sizes={"(m^2, k, t) points": len(rows), "epsilon": 1e-3},
        supports_derived=worst < 5e-3 and min(row[1] for row in rows) > 1.0,
        detail="The printed +i e^{-i w0 t}/(2 w0) differs from the numerical integral by the whole value (relative "
               f"deviation {min(row[1] for row in rows):.2f} or more).",
    )


def action_gradient(rng, figures, progress) -> Evidence:
    """The gradient of a discretised action decides the sign of the mass term in the equation of motion."""
    size, spacing, m2 = 64, 0.1, 0.8
    grid = np.arange(size) * spacing
    t, z = np.meshgrid(grid, grid, indexing="ij")
    w = sum(rng.normal() * np.sin(2 * np.pi * (a * t + b * z) / (size * spacing)) for a, b in ((1, 2), (2, 1), (3, 1)))

    def action(field):
        dt = (np.roll(field, -1, 0) - field) / spacing
        dz = (np.roll(field, -1, 1) - field) / spacing
        return np.sum(dt**2 / 2 - dz**2 / 2 - m2 * field**2 / 2) * spacing**2

    step = 1e-6
    gradient = np.empty_like(w)
    for index in np.ndindex(w.shape):  # finite differences, independent of any formula
        bumped = w.copy()
        bumped[index] += step
        lowered = w.copy()
        lowered[index] -= step
        gradient[index] = (action(bumped) - action(lowered)) / (2 * step)
    second_t = (np.roll(w, -1, 0) - 2 * w + np.roll(w, 1, 0)) / spacing**2
    second_z = (np.roll(w, -1, 1) - 2 * w + np.roll(w, 1, 1)) / spacing**2
    derived = -(second_t - second_z + m2 * w) * spacing**2  # dS/dw = -(d_t^2 - d_z^2 + m^2) w
    printed = -(second_t - second_z - m2 * w) * spacing**2
    error_derived = np.abs(gradient - derived).max() / np.abs(gradient).max()
    error_printed = np.abs(gradient - printed).max() / np.abs(gradient).max()
    return Evidence(
        claims=("App. B (Klein-Gordon)",),
        verdict="agrees" if error_derived < 1e-5 else "disagrees",
        statistic="largest relative deviation of dS/dw from -(d_t^2 - d_z^2 + m^2) w",
        value=float(error_derived),
        p_value=None,
        sample_sizes={"grid": f"{size}x{size}", "m^2": m2},
        supports_derived=error_derived < 1e-5 and error_printed > 1e-2,
        detail=f"Finite-difference gradient of the discretised action of eq 3 (lambda = 0) on a random smooth field: "
               f"derived operator off by {error_derived:.1e}, the printed (d_t^2 - d_z^2 - m^2) by {error_printed:.2f}.",
    )


def checks() -> tuple[Check, ...]:
    """The checks the audit runs for fok2017."""
    return (
        Check("potential minimised numerically (D' = 2..5)",
              ("App. C (vacuum)", "6", "7", "App. C (pi mass)", "App. C (Goldstone)"), minimise_potential),
        Check("propagator by numerical frequency integral", ("4",), propagator_quadrature),
        Check("equation of motion from a discretised action", ("App. B (Klein-Gordon)",), action_gradient),
    )
