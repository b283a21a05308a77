"""Sphinx configuration: API reference from the numpydoc docstrings, the notebooks as executed tutorials
(myst-nb, outputs cached), and the findings page generated from the audit (docs/findings.py)."""

import pkgutil
import shutil
from pathlib import Path

import nnfield

HERE = Path(__file__).parent

project = "nnfield"
author = "the nnfield developers"
release = nnfield.__version__
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 4
nb_execution_mode = "cache"
nb_execution_cache_path = str(HERE / "_build" / ".jupyter_cache")
nb_execution_timeout = 900
nb_execution_raise_on_error = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
html_theme = "alabaster"
suppress_warnings = ["mystnb.unknown_mime_type"]

# The notebooks live in notebooks/ beside the package; the site renders copies of them.
tutorials = HERE / "tutorials"
tutorials.mkdir(exist_ok=True)
for notebook in sorted((HERE.parent / "notebooks").glob("*.ipynb")):
    shutil.copy2(notebook, tutorials / notebook.name)

# The API reference: one page per module of the package, each from its docstrings.
generated = HERE / "generated"
generated.mkdir(exist_ok=True)
packages = {name: is_package for _, name, is_package in pkgutil.walk_packages(nnfield.__path__, "nnfield.")
            if not name.endswith("__main__")}
modules = sorted(packages)
pages = ["API reference", "=============", "", ".. toctree::", "   :maxdepth: 1", ""]
pages += [f"   {name}" for name in modules]
(generated / "api.rst").write_text("\n".join(pages) + "\n")
for name in modules:  # a package re-exports its modules' functions: its page shows its docstring alone
    members = "" if packages[name] else "   :members:\n"
    (generated / f"{name}.rst").write_text(f"{name}\n{'=' * len(name)}\n\n.. automodule:: {name}\n{members}")
