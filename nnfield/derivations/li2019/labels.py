"""The labels under which li2019's equations and statements appear as claims in the audit.

One place for them, so the derivations (which make the claims) and the measurements (which bear
evidence on them) cannot drift apart. Printed equations go by their numbers; statements the paper
makes in words go by a short name.
"""

PAPER = "li2019"  #: the paper's short id

MAXIMUM_ENTROPY = "2-3"  #: eq 1 -> eqs 2-3: the maximum-entropy law is an exponential family
FACTORIZATION = "5-6"  #: eqs 4-6: hierarchical multipliers; the partition function factorises, gates are Bernoulli
ZERO_TEMPERATURE = "7-8"  #: eqs 7-8: the zero-temperature limit of the gate law is the ReLU gate
CIRCUIT_EXPANSION = "10-11"  #: eqs 10-11: the output of a bias-free ReLU network is a sum over paths
HINGE_RISK = "12"  #: eq 12: the hinge risk
PATH_SYMMETRY = "14"  #: eq 14: path values are symmetric about zero at initialisation
GRADIENT_NORM = "15-16"  #: eqs 15-16: the gradient and its squared norm in circuit form
HESSIAN_CIRCUITS = "18-19"  #: eqs 18-19: the Hessian in circuit form
SAME_LAYER_BLOCKS = "Hessian: same-layer blocks"  #: same-layer Hessian blocks vanish (bias-free ReLU, hinge loss)
HESSIAN_TRACE = "Hessian: trace"  #: what follows for the trace of the Hessian
SYMMETRIC_SPECTRUM = "Hessian: symmetric spectrum"  #: the Hessian spectrum is symmetric about zero
SADDLES = "Hessian: stationary points are saddles"  #: every stationary point of nonzero risk is a saddle
HIERARCHICAL_EXPONENT = "4-5"  #: eqs 4-5: the hierarchical multipliers in the exponent of eq 2
MATRIX_FORM = "6"  #: eq 6: the exponent in matrix form
OUTPUT_SYMMETRY_TANH = "Sec. II.7: tanh"  #: "circuit symmetries do not hold for Sigmoid or Tanh"
