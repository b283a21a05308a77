from nnfield.cli import run

run()
