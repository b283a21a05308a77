"""Figures: theory drawn over simulation, saved as PNG files a person looks at."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["new_figure", "save_figure", "sequence_colours"]


def new_figure(width: float = 6.4, height: float = 4.4, *, layout: str | None = None):
    """A figure and its axes at a size that reads well in a report (``layout="constrained"`` keeps the titles,
    labels and ticks of several panels apart).

    The figure is built without ``pyplot``, so saving it needs no display and leaves the
    interactive backend of a notebook alone. Matplotlib is imported here, when a figure is drawn, so that
    importing the checks (to list the claims they decide, as ``nnfield derive`` does) does not load it.
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=120, layout=layout)
    return figure, figure.add_subplot()


def sequence_colours(count: int):
    """``count`` colours for curves ordered by a parameter: viridis, stopping short of its pale yellow end so that
    every curve stays visible on white.

    Examples
    --------
    >>> sequence_colours(3).shape
    (3, 4)
    """
    import matplotlib

    return matplotlib.colormaps["viridis"](np.linspace(0.0, 0.85, count))


def save_figure(figure, path) -> Path:
    """Save ``figure`` as PNG to ``path`` atomically (temporary file, then rename).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> figure, axes = new_figure()
    >>> _ = axes.plot([0, 1], [0, 1])
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> save_figure(figure, folder / "line.png").stat().st_size > 1000
    True
    """
    path = Path(path)
    handle, temporary = tempfile.mkstemp(suffix=".png", dir=path.parent)
    os.close(handle)
    try:
        figure.savefig(temporary, format="png", bbox_inches="tight")
        os.chmod(temporary, 0o644)  # mkstemp creates the file private; a figure is for reading
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return path
