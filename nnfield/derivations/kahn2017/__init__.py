"""kahn2017: Y. Kahn, *Spontaneous Symmetry Breaking in Deep Neural Networks: a critical analysis*
(talk notes, 2017).

The notes print no equations of their own; they ask questions of fok2017. Each question is answered
here by derivation (:func:`questions`) and by the simulations of fok2017's theory of weights along
the layers (:func:`audit_checks`).
"""

PAPER = "kahn2017"
TITLE = "Spontaneous Symmetry Breaking in Deep Neural Networks: a critical analysis"
DERIVATIONS = ()

__all__ = ["PAPER", "TITLE", "DERIVATIONS", "audit_checks", "questions"]


def questions():
    """The notes' questions with their computed answers (see :mod:`.answers`)."""
    from nnfield.derivations.kahn2017.answers import questions as answered

    return answered()


def audit_checks():
    """Simulations of fok2017's weights (noisy gradient descent, the chain along the layers)."""
    from nnfield.derivations.kahn2017.chain_checks import chain_checks

    return chain_checks()
