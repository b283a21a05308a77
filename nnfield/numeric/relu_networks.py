"""The former name of :mod:`nnfield.numeric.networks`, whose networks take any activation, not only the ReLU.

Importing it warns (``DeprecationWarning``) and gives the objects of :mod:`nnfield.numeric.networks`;
import that module instead.
"""

import warnings

from nnfield.numeric.networks import *  # noqa: F403 (the same names, under the old module name)
from nnfield.numeric.networks import __all__  # noqa: F401

warnings.warn("nnfield.numeric.relu_networks is now nnfield.numeric.networks (any activation, one weight "
              "convention); import that module instead", DeprecationWarning, stacklevel=2)
