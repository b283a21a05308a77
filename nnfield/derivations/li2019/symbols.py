"""The shared symbols of li2019 (Complexity from Adaptive-Symmetries Breaking).

Besides the scalars of the gate law, the statements the paper makes in words are conditions on
the model; these are the Boolean switches they are written in (see
:func:`nnfield.symbolic.compare` with ``kind="statement"``).
"""

import sympy as sp

temperature = sp.Symbol("T", positive=True)  #: temperature T of the gate law, W = W_hat / T (Sec. II.2)
u = sp.Symbol("u", real=True)  #: the field (logit) of one gate, (W_l^T x_{l-1})_i in eq 7
field_size = sp.Symbol("a", positive=True)  #: ``|u|`` at a gate whose field has a definite sign
y = sp.Symbol("y", real=True)  #: the label, +1 or -1
active = sp.Symbol("alpha", nonnegative=True)  #: hinge indicator 1[y T(x) < 1], locally constant
loss_slope = sp.Symbol("{L'}", real=True)  #: braced so that a power of it is valid LaTeX; the printed L'(.) of eq 16: derivative of the loss in T(X)

# Switches of the model family.
relu = sp.Symbol("relu")  #: the activation is ReLU (otherwise tanh)
hinge_loss = sp.Symbol("hinge_loss")  #: the loss is the hinge loss (otherwise the squared loss)
bias_free = sp.Symbol("bias_free")  #: no biases in any layer
two_layers = sp.Symbol("two_layers")  #: depth L = 2 (otherwise L = 3 in the case tables)
output_gate = sp.Symbol("output_gate")  #: a gate (activation) on the output unit; eq 11 has none
symmetric_output_weights = sp.Symbol("symmetric_output_weights")
"""The last layer's weights have a sign-symmetric law, independent of the other weights and the data."""
symmetric_hidden_weights = sp.Symbol("symmetric_hidden_weights")  #: the same for the weights of layers < L
nonzero_hessian = sp.Symbol("nonzero_hessian")  #: the Hessian at the stationary point is not the zero matrix

#: The paper's setting (Sec. II.7, eq 11): bias-free ReLU networks, a hinge-class loss, linear output.
SETTING = relu & hinge_loss & bias_free & ~output_gate
#: "Weight symmetry" (Sec. II.4.2): every weight of a symmetric law, independent of the others.
WEIGHT_SYMMETRY = symmetric_hidden_weights & symmetric_output_weights
