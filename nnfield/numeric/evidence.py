"""Evidence: what a measurement says about a claim, in a form the audit report can print."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

__all__ = ["Evidence", "Check", "VERDICTS"]

#: How a measurement relates to a prediction.
VERDICTS = ("agrees", "disagrees")


@dataclass(frozen=True)
class Evidence:
    """The outcome of one numerical check.

    Attributes
    ----------
    claims : tuple of str
        Equation labels of the claims this evidence bears on.
    verdict : str
        ``"agrees"`` or ``"disagrees"`` (the measurement against the derived form).
    statistic : str
        The name of the statistic, e.g. ``"chi-square of z-scores"``.
    value : float
        Its value.
    p_value : float or None
        The probability of a value at least as extreme if the derived form were exact.
    sample_sizes : dict
        What was simulated (networks, layers, width...).
    supports_derived : bool or None
        For claims whose printed and derived forms differ: whether the measurement decides for
        the derived form. ``None`` when the two forms agree or the check cannot tell them apart.
    figure : str or None
        The file name of a figure under ``figures/``.
    detail : str
        One or two sentences for a reader of the report.
    """

    claims: tuple[str, ...]
    verdict: str
    statistic: str
    value: float
    p_value: float | None
    sample_sizes: dict
    supports_derived: bool | None = None
    figure: str | None = None
    detail: str = ""

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}; got {self.verdict!r}")
        # Checks compute with numpy; the record holds plain Python values (``is True`` and JSON need them).
        object.__setattr__(self, "value", float(self.value))
        if self.p_value is not None:
            object.__setattr__(self, "p_value", float(self.p_value))
        if self.supports_derived is not None:
            object.__setattr__(self, "supports_derived", bool(self.supports_derived))

    def to_json(self) -> dict:
        return {
            "verdict": self.verdict,
            "statistic": self.statistic,
            "value": self.value,
            "p_value": self.p_value,
            "sample_sizes": dict(self.sample_sizes),
            "supports_derived": self.supports_derived,
            "figure": self.figure,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Check:
    """A numerical check that a paper module offers the audit.

    Attributes
    ----------
    name : str
    claims : tuple of str
        Equation labels it bears on (empty for a validation of the simulation method itself).
    run : callable
        ``run(rng, figures, progress) -> Evidence`` (or a tuple of Evidence, one per claim it decides, each
        naming its claims): ``rng`` a ``numpy.random.Generator``, ``figures`` the folder to write PNG
        files into, ``progress`` whether to show bars.
    """

    name: str
    claims: tuple[str, ...]
    run: Callable = field(repr=False, compare=False)
