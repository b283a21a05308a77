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
from scipy import integrate, optimize

from nnfield.numeric.evidence import Check, Evidence
from nnfield.numeric.plots import new_figure, save_figure

__all__ = ["checks", "PARAMETERS"]

#: mu, lambda and a learning rate below eta_c = 2 mu / sqrt(lambda) (the paper's one-field value).
PARAMETERS = dict(mu=1.3, lam=0.7, eta=0.5)


def _mass_squared(mu, lam, eta):
    return -mu**2 + lam * eta**2 / 4


def minimise_potential(rng, figures, progress) -> Evidence:
    """Minimise V = m^2 |w|^2/2 + lambda |w|^4/4 from random starts; read radius and Hessian at the minimum."""
    mu, lam, eta = PARAMETERS["mu"], PARAMETERS["lam"], PARAMETERS["eta"]
    m2 = _mass_squared(mu, lam, eta)
    rows, worst = [], 0.0
    for dimension in (2, 3, 4, 5):
        for _ in range(5):
            def potential(w):
                squared = w @ w
                return m2 * squared / 2 + lam * squared**2 / 4

            def gradient(w):
                return (m2 + lam * (w @ w)) * w

            found = optimize.minimize(potential, rng.normal(size=dimension), jac=gradient, method="BFGS",
                                      options={"gtol": 1e-13})
            w = found.x
            hessian = (m2 + lam * (w @ w)) * np.eye(dimension) + 2 * lam * np.outer(w, w)
            eigenvalues = np.sort(np.linalg.eigvalsh(hessian))
            zeros = int(np.sum(np.abs(eigenvalues) < 1e-7))
            rows.append((dimension, w @ w, zeros, eigenvalues[-1], eigenvalues[0]))
            worst = max(worst, abs(w @ w / (-m2 / lam) - 1), abs(eigenvalues[-1] / (-2 * m2) - 1))
    derived_ok = worst < 1e-6 and all(zeros == d - 1 for d, _, zeros, _, _ in rows)
    printed_radius = math.sqrt(-m2 / lam)
    printed_ok = any(abs(radius / printed_radius - 1) < 1e-3 for _, radius, _, _, _ in rows)
    _plot_potential(figures / "fok2017_potential.png", mu, lam)
    _plot_vacuum_manifold(figures / "fok2017_vacuum_manifold.png", m2, lam)
    return Evidence(
        claims=("App. C (vacuum)", "6", "7", "App. C (pi mass)", "App. C (Goldstone)"),
        verdict="agrees" if derived_ok else "disagrees",
        statistic="largest relative deviation of |w|^2 and of the sigma eigenvalue from the derived values",
        value=worst,
        p_value=None,
        sample_sizes={"dimensions": "2..5", "random starts per dimension": 5,
                      "mu": mu, "lambda": lam, "eta": eta},
        supports_derived=derived_ok and not printed_ok,
        figure="fok2017_potential.png",
        detail=f"At m^2(eta) = {m2:.4f}: every minimum has |w|^2 = -m^2/lambda = {-m2 / lam:.6f} (printed radius "
               f"sqrt(-m^2/lambda) = {printed_radius:.6f} is never reached), exactly D'-1 zero Hessian eigenvalues (the "
               f"pi weights; printed m_pi^2 = lambda eta^2/4 = {lam * eta**2 / 4:.4f}) and one eigenvalue -2 m^2 = "
               f"{-2 * m2:.4f} (the sigma weight; printed V_sigma = -m^2 sigma^2/2 would give {-m2:.4f}). "
               "The O(3) -> O(2) surface of the paper's Fig. 2, with the pi and sigma directions at one vacuum: "
               "![](figures/fok2017_vacuum_manifold.png)",
    )


def _plot_potential(path, mu, lam):
    """The paper's Fig. 1: V(w) above and below the critical learning rate, with the derived minima."""
    figure, axes = new_figure()
    w = np.linspace(-2.6, 2.6, 400)
    critical = 2 * mu / math.sqrt(lam)
    for eta, style in ((1.3 * critical, "--"), (0.5 * critical, "-"), (0.2, "-")):
        m2 = _mass_squared(mu, lam, eta)
        axes.plot(w, m2 * w**2 / 2 + lam * w**4 / 4, style, label=f"$\\eta$ = {eta:.2f} ($\\eta_c$ = {critical:.2f})")
        if m2 < 0:
            axes.plot([-math.sqrt(-m2 / lam), math.sqrt(-m2 / lam)], [-m2**2 / (4 * lam)] * 2, "ko", ms=4)
    axes.set_xlabel("$w$ (one weight, $D'=1$)")
    axes.set_ylabel(r"$\mathcal{V}(w, \eta)$")
    axes.set_ylim(-6, 6)
    axes.set_title("fok2017 Fig. 1: the potential and its minima $w^{*2} = -m^2/\\lambda$")
    axes.legend(fontsize=8)
    save_figure(figure, path)


def _plot_vacuum_manifold(path, m2, lam):
    """The paper's Fig. 2: V over a plane through the O(3) vacuum manifold, with the sigma and pi directions.

    The radius and the Hessian eigenvalues at the vacuum come from the engine (:func:`ssb_analysis`), not from
    the numbers above.
    """
    from nnfield.derivations.fok2017.ssb import ssb_analysis
    from nnfield.derivations.fok2017.symbols import lam as lam_symbol
    from nnfield.derivations.fok2017.symbols import m2 as m2_symbol

    analysis = ssb_analysis(3)
    values = {m2_symbol: m2, lam_symbol: lam}
    radius = math.sqrt(float(analysis.vacuum_radius_squared.subs(values)))
    masses = sorted(float(value.subs(values)) for value in analysis.mass_spectrum)
    grid = np.linspace(-1.5 * radius, 1.5 * radius, 241)
    x, y = np.meshgrid(grid, grid)
    squared = x**2 + y**2
    top = m2**2 / (4 * lam)  # as far above V(0) = 0 as the minima are below it
    figure, axes = new_figure(6.0, 5.2)
    filled = axes.contourf(x, y, m2 * squared / 2 + lam * squared**2 / 4, cmap="viridis", extend="max",
                           levels=np.linspace(-m2**2 / (4 * lam), top, 25))
    figure.colorbar(filled, ax=axes, label=r"$\mathcal{V}$ in the plane $\gamma_3 = 0$")
    angle = np.linspace(0, 2 * np.pi, 200)
    axes.plot(radius * np.cos(angle), radius * np.sin(angle), "w--", lw=1, label=f"minima, $|w|^2 = -m^2/\\lambda$")
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
            return integrate.quad(
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
