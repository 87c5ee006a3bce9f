# The two commands of the README. Each one does all the set-up it needs on a fresh machine.
.PHONY: demo test bench setup

demo:
	scripts/setup
	.venv/bin/correspondence demo

test:
	scripts/setup test
	.venv/bin/python -m pytest -n 2 --dist worksteal -q

bench:
	scripts/setup test
	.venv/bin/python bench/run.py
