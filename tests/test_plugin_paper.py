"""A paper registered from outside nnfield (examples/harmonic_chain), and the helpers of nnfield.testing."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nnfield.testing import assert_reproduced, assert_status

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "harmonic_chain"


@pytest.fixture(scope="module")
def installed_example(tmp_path_factory):
    """The example package built and installed into a folder of its own, as pip installs any package."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(EXAMPLE)], check=True, capture_output=True)
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(target), os.environ.get("PYTHONPATH")])))
    return environment


@pytest.mark.slow
def test_the_example_paper_is_registered_and_its_misprint_is_an_erratum(installed_example, tmp_path):
    out = tmp_path / "report"
    run = subprocess.run([sys.executable, "-m", "nnfield", "audit", "--paper", "example-harmonic-chain", "--quiet",
                          "--out", str(out)], env=installed_example, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    claims = {claim["equation"]: claim for claim in json.loads((out / "audit.json").read_text())["claims"]}
    assert {key: claims[key]["status"] for key in claims} == {
        "saddle": "reproduced", "kernel": "reproduced", "covariance": "erratum", "stiffness": "reproduced"}
    simulation = claims["covariance"]["simulation"]
    assert simulation["supports_derived"] is True and simulation["verdict"] == "agrees"


def test_nnfield_testing_assertions_on_the_example_derivation(installed_example):
    sys.path.insert(0, installed_example["PYTHONPATH"].split(os.pathsep)[0])
    try:
        from nnfield_harmonic_chain import chain_derivation
    finally:
        sys.path.pop(0)
    derivation = chain_derivation()
    assert_reproduced(derivation.claim("kernel"))
    assert_status(derivation.claim("covariance"), "erratum", simulation_supports_derived=True)
    with pytest.raises(AssertionError, match="is 'disputed', not 'reproduced': printed"):
        assert_reproduced(derivation.claim("covariance"))
    with pytest.raises(ValueError, match="status must be one of"):
        assert_status(derivation.claim("kernel"), "fine")


def test_the_audit_fixture_audits_one_registered_paper(nnfield_audit):
    report = nnfield_audit("kahn2017", simulate=False)
    assert report.questions and all(claim["paper"] == "kahn2017" for claim in report.claims)
