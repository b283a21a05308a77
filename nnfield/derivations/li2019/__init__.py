"""li2019: S. W. M. Li, *Complexity from Adaptive-Symmetries Breaking: Global Minima in the
Statistical Mechanics of Deep Neural Networks*.

Only the main text is available (not the supplementary material), so the paper's theorems are
stated informally; each statement is made precise here, proved symbolically for small networks
where it can be, and measured on small networks otherwise. Claim labels: :mod:`.labels`.

Derived symbolically: the maximum-entropy gates and their ReLU limit, eqs 1-8
(:func:`gates_derivation`); the path expansion, the hinge risk and the circuit symmetry, eqs 10-12
and 14 (:func:`circuits_derivation`); the gradient and Hessian in circuit form, eqs 15-19, and the
statements about the Hessian's blocks, trace, spectrum and saddles (:func:`hessian_derivation`).
"""

from nnfield.derivations.li2019.circuits import circuits_derivation, network_output, path_values
from nnfield.derivations.li2019.gates import gate_probability, gates_derivation
from nnfield.derivations.li2019.hessian import HessianCase, hessian_case, hessian_derivation

PAPER = "li2019"
TITLE = ("Complexity from Adaptive-Symmetries Breaking: Global Minima in the Statistical Mechanics "
         "of Deep Neural Networks")

DERIVATIONS = (gates_derivation, circuits_derivation, hessian_derivation)

__all__ = ["PAPER", "TITLE", "DERIVATIONS", "audit_checks", "gates_derivation", "gate_probability",
           "circuits_derivation", "network_output", "path_values", "hessian_derivation", "hessian_case", "HessianCase"]


def audit_checks():
    """The measurements on small networks that bear on the paper's statements."""
    from nnfield.derivations.li2019.checks import checks

    return checks()
