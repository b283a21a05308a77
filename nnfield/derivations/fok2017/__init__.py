"""fok2017: R. Fok, A. An, X. Wang, *Spontaneous Symmetry Breaking in Deep Neural Networks*
(ICLR 2018 submission).

Encoded so far: the O(D') theory of weights, its symmetry breaking, propagators and thermal mass
(Sec. 2.4-2.5, App. B-C), :func:`ssb_derivation` and :func:`ssb_analysis`, with numerical checks.
"""

from nnfield.derivations.fok2017.ssb import SSBAnalysis, ssb_analysis, ssb_derivation

PAPER = "fok2017"
TITLE = "Spontaneous Symmetry Breaking in Deep Neural Networks"
DERIVATIONS = (ssb_derivation,)

__all__ = ["PAPER", "TITLE", "DERIVATIONS", "audit_checks", "ssb_analysis", "ssb_derivation", "SSBAnalysis"]


def audit_checks():
    """The numerical checks of the paper's statements."""
    from nnfield.derivations.fok2017.checks import checks

    return checks()
