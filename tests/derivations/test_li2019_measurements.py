"""li2019's measurements: the circuit sums against back-propagation, and the audit checks end to end."""

import numpy as np
import pytest

from nnfield.derivations.li2019 import audit_checks, labels
from nnfield.derivations.li2019.checks import circuit_sums
from nnfield.numeric.networks import Network, gaussian_clouds, gradient, hessian, output, risk


@pytest.mark.parametrize("activation", ["relu", "linear"])
@pytest.mark.parametrize("loss", ["hinge", "squared"])
@pytest.mark.parametrize("widths", [(3, 4), (3, 4, 2), (2, 3, 3, 2)])
def test_circuit_sums_equal_back_propagation(widths, activation, loss):
    network = Network(widths, activation, loss)
    rng = np.random.default_rng(len(widths))
    data = gaussian_clouds(9, widths[0], rng=rng)
    theta = network.initial_parameters(rng=rng)
    sums = circuit_sums(network, theta, data)
    assert sums.path_count == np.prod(widths)
    np.testing.assert_allclose(sums.output, output(network, theta, data.inputs), atol=1e-13)
    np.testing.assert_allclose(sums.gradient, gradient(network, theta, data), atol=1e-13)
    np.testing.assert_allclose(sums.hessian, hessian(network, theta, data), atol=1e-12)
    hinge = np.maximum(0, 1 - data.labels * sums.output).mean()
    if loss == "hinge":
        assert hinge == pytest.approx(risk(network, theta, data), rel=1e-13)


def test_a_single_path_by_hand():
    """Widths (1, 1): T = w2 relu(w1 x); one path, value x w1 w2 when w1 x > 0."""
    network = Network((1, 1))
    data = gaussian_clouds(1, 1, rng=0)
    x = data.inputs[0, 0]
    theta = np.array([np.sign(x) * 0.7, -1.3])
    sums = circuit_sums(network, theta, data)
    assert sums.output[0] == pytest.approx(x * theta[0] * theta[1])
    assert sums.hessian[0, 1] == pytest.approx(-data.labels[0] * x * (1 - data.labels[0] * sums.output[0] > 0))


def test_circuit_sums_need_binary_gates():
    network = Network((2, 3), activation="tanh")
    with pytest.raises(ValueError, match="a gated activation"):
        circuit_sums(network, np.ones(network.parameter_count), gaussian_clouds(3, 2, rng=0))


def test_each_label_has_at_most_one_check_and_all_labels_are_known():
    known = {value for name, value in vars(labels).items() if name.isupper()}
    claimed = [label for check in audit_checks() for label in check.claims]
    assert len(claimed) == len(set(claimed))
    assert set(claimed) <= known


@pytest.mark.slow
@pytest.mark.xdist_group("full_audit")
def test_every_check_runs_agrees_and_draws_its_figure(full_audit):
    """Read from the session's full audit (tests/conftest.py), which runs every check of li2019."""
    records = {claim["equation"]: claim for claim in full_audit.claims if claim["paper"] == "li2019"}
    validations = {v["name"]: v for v in full_audit.validations if v["paper"] == "li2019"}
    for check in audit_checks():
        evidence = [records[label]["simulation"] for label in check.claims] or [validations[check.name]]
        for result in evidence:
            assert result["verdict"] == "agrees", (check.name, result["detail"])
            if result["figure"]:
                assert (full_audit.folder / "figures" / result["figure"]).stat().st_size > 10_000
    by_label = {label: check for check in audit_checks() for label in check.claims}
    assert labels.SADDLES in by_label and labels.SYMMETRIC_SPECTRUM in by_label
