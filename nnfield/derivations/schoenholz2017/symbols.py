"""The shared symbols of schoenholz2017, with the paper's names and assumptions.

Tests and notebooks import the symbols from here, so that a printed form and a derived form
always speak of the same SymPy objects.
"""

import sympy as sp

#: Width of every layer.
N = sp.Symbol("N", positive=True, integer=True)
#: Weight and bias scales: the variances are ``sigma_w**2`` and ``sigma_b**2``.
sigma_w = sp.Symbol("sigma_w", positive=True)
sigma_b = sp.Symbol("sigma_b", positive=True)
#: The paper's distance to criticality, defined below eq. (13): Delta_w = 1 - sigma_w^2.
Delta_w = sp.Symbol("Delta_w", positive=True)
#: Number of layers on the ring.
L = sp.Symbol("L", positive=True, integer=True)
#: Site (layer) index and wavenumber.
l = sp.Symbol("l", integer=True)
q = sp.Symbol("q", real=True)
#: Continuum coordinate of the EFT.
x = sp.Symbol("x", real=True)

#: Squared norm ``s[l] = z^l_alpha z^l_alpha``, and the norm ``r[l] = |z^l|``.
s = sp.IndexedBase("s", positive=True)
r = sp.IndexedBase("r", positive=True)
#: Fluctuations about the saddle (lattice) and the EFT field.
epsilon = sp.IndexedBase("epsilon", real=True)
epsilon_x = sp.Function("epsilon", real=True)

#: The paper's abbreviations, substituted into printed forms before comparing.
DEFINITIONS = {Delta_w: 1 - sigma_w**2}

#: Rectified linear network (Sec. 6, App. 8.4): squared norms and norms of the positive and
#: negative parts of z^l, and k[l], the number of positive units (this toolkit's convention;
#: the paper's eqs 19, 74-83 let k count the negative units, see relu.paper_k).
s_plus = sp.IndexedBase("s_+", positive=True)
s_minus = sp.IndexedBase("s_-", positive=True)
r_plus = sp.IndexedBase("r_+", positive=True)
r_minus = sp.IndexedBase("r_-", positive=True)
k = sp.IndexedBase("k", positive=True)
epsilon_plus = sp.IndexedBase("epsilon_+", real=True)
epsilon_minus = sp.IndexedBase("epsilon_-", real=True)
epsilon_k = sp.IndexedBase("epsilon_k", real=True)

#: Two inputs (pair.py): the overlaps z.z/N of the sum and of the difference of the pre-activations
#: of the two inputs, z_u = (z_1 + z_2)/sqrt(2) and z_d = (z_1 - z_2)/sqrt(2).
q_u = sp.IndexedBase("q_u", positive=True)
q_d = sp.IndexedBase("q_d", positive=True)
#: The layer kernel Sigma_ij[l] (the covariance of one unit's pre-activations given layer l - 1),
#: written with the per-input mean variance s, the imbalance a and the covariance x of the two inputs.
Sigma_s = sp.IndexedBase("Sigma_s", positive=True)
Sigma_a = sp.IndexedBase("Sigma_a", real=True)
Sigma_x = sp.IndexedBase("Sigma_x", real=True)
#: The correlation c = q_12/q of the two inputs, and the saddle values of the variance and covariance.
c = sp.Symbol("c", real=True)
q_star = sp.Symbol("q^*", positive=True)
q12_star = sp.Symbol("q_12^*", real=True)
#: The Jacobian of the mean-field map at its fixed point: chi_q = dq'/dq (one input), chi_c = dq_12'/dq_12,
#: kappa_c = dq_12'/dq_11 = dq_12'/dq_22.
chi_q = sp.Symbol("chi_q", positive=True)
chi_c = sp.Symbol("chi_c", positive=True)
kappa_c = sp.Symbol("kappa_c", real=True)
