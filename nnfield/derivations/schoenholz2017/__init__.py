"""schoenholz2017: S. S. Schoenholz, J. Pennington, J. Sohl-Dickstein, *A Correspondence
Between Random Neural Networks and Statistical Field Theory* (2017).

Encoded: the exact correspondence (Sec. 3, App. 8.1), :func:`correspondence`; the linear
stochastic network on a ring (Sec. 5, App. 8.2-8.3), :func:`linear_ring`; the rectified linear
network on a ring (Sec. 6, App. 8.4), :func:`relu_ring`; both rings at order 1/N (one loop),
``predict(..., order=1)`` and :func:`large_n_corrections`; the field theory of a pair of inputs
(Sec. 3 with ``|M| = 2``), :func:`pair_of_inputs`; the mean-field trajectories of tanh networks (Fig. 1)
and the order-to-chaos phase diagrams of two inputs (tanh, ReLU), as audit checks.
"""

from nnfield.derivations.schoenholz2017.correspondence import correspondence
from nnfield.derivations.schoenholz2017.linear import LinearRingPrediction, linear_ring
from nnfield.derivations.schoenholz2017.one_loop import large_n_corrections
from nnfield.derivations.schoenholz2017.pair import PairPrediction, pair_of_inputs
from nnfield.derivations.schoenholz2017.relu import ReluRingPrediction, relu_ring

PAPER = "schoenholz2017"
TITLE = "A Correspondence Between Random Neural Networks and Statistical Field Theory"
DERIVATIONS = (correspondence, linear_ring, relu_ring, large_n_corrections, pair_of_inputs)

__all__ = ["PAPER", "TITLE", "DERIVATIONS", "audit_checks", "correspondence", "linear_ring", "relu_ring",
           "large_n_corrections", "pair_of_inputs", "LinearRingPrediction", "PairPrediction", "ReluRingPrediction"]


def audit_checks():
    """Every numerical check of the paper: Fig. 1 (tanh), the linear network's, the rectified linear network's,
    and the phase diagrams of two inputs."""
    from nnfield.derivations.schoenholz2017.checks import checks
    from nnfield.derivations.schoenholz2017.correspondence_checks import correspondence_checks
    from nnfield.derivations.schoenholz2017.one_loop_checks import one_loop_checks
    from nnfield.derivations.schoenholz2017.phase_checks import phase_checks
    from nnfield.derivations.schoenholz2017.relu_checks import relu_checks
    from nnfield.derivations.schoenholz2017.tanh_checks import tanh_checks

    return correspondence_checks() + tanh_checks() + checks() + relu_checks() + one_loop_checks() + phase_checks()
