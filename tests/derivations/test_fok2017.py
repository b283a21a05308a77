"""fok2017: the O(D') theory of weights against hand-derived results and numerical checks."""

import pytest
import sympy as sp

from nnfield.derivations.fok2017 import ssb_analysis, ssb_derivation
from nnfield.derivations.fok2017.symbols import lam, m2, mu


@pytest.mark.parametrize("dimension", [1, 2, 3, 4, 5])
def test_ssb_analysis_matches_the_textbook(dimension):
    analysis = ssb_analysis(dimension)
    assert analysis.goldstone_count == analysis.broken_generator_count == dimension - 1
    expected = {-2 * m2: 1} if dimension == 1 else {0: dimension - 1, -2 * m2: 1}
    assert analysis.mass_spectrum == expected
    assert sp.simplify(analysis.vacuum_radius_squared + m2 / lam) == 0
    # Hand derivation: sum_c d^4/(d phi_a d phi_a d phi_c d phi_c) of lambda (phi.phi)^2/4 = 2 lambda (D + 2).
    assert analysis.thermal_mass_coefficient == sp.Rational(dimension + 2, 12)
    assert sp.simplify(analysis.critical_learning_rate**2 - 12 * mu**2 / (lam * (dimension + 2))) == 0


def test_statuses_before_simulation():
    statuses = {claim.equation: claim.status() for claim in ssb_derivation().claims}
    assert statuses["Sec. 2.5"] == statuses["App. C (Goldstone)"] == statuses["Sec. 2.4 (D'=1)"] == "reproduced"
    for equation in ("App. B (Klein-Gordon)", "App. C (vacuum)", "6", "App. C (pi mass)", "4", "7", "Sec. 2.4 (D'=3)"):
        assert statuses[equation] == "disputed", equation


@pytest.mark.parametrize("dimension", [0, -1, 2.5, True])
def test_bad_dimension(dimension):
    with pytest.raises(ValueError, match="D' must be a positive integer"):
        ssb_analysis(dimension)
