"""Every ```python block of README.md runs on its own, in a fresh namespace, as a reader would paste it."""

import re
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_the_readme_has_python_snippets():
    assert len(BLOCKS) >= 5


@pytest.mark.slow
@pytest.mark.parametrize("number", range(len(BLOCKS)), ids=lambda number: f"snippet {number + 1}")
def test_readme_snippet_runs_on_its_own(number, capsys):
    exec(compile(BLOCKS[number], f"README.md snippet {number + 1}", "exec"), {"__name__": "__readme__"})
