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
