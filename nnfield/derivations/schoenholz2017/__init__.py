"""schoenholz2017: S. S. Schoenholz, J. Pennington, J. Sohl-Dickstein, *A Correspondence
Between Random Neural Networks and Statistical Field Theory* (2017).

Encoded so far: the linear stochastic network on a ring (Sec. 5, App. 8.2-8.3),
:func:`linear_ring`.
"""

from nnfield.derivations.schoenholz2017.linear import LinearRingPrediction, linear_ring

PAPER = "schoenholz2017"
TITLE = "A Correspondence Between Random Neural Networks and Statistical Field Theory"

__all__ = ["PAPER", "TITLE", "linear_ring", "LinearRingPrediction"]
