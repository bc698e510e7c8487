# The README's two commands:
#   make run   bootstrap, release build, then the main job (the quickstart demo)
#   make test  bootstrap, then the whole test suite
SWIFT ?= swift
RUN_ARGS ?=

.PHONY: run test bootstrap build release bench bench-quick bench-venv clean

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build

release: bootstrap
	$(SWIFT) build -c release

run: release
	.build/release/marketgym train quickstart --report $(RUN_ARGS)

test: bootstrap
	$(SWIFT) test

# Benchmarks (docs/benchmarks.md): the peers' venv from the pinned Benchmarks/requirements.txt in
# .venv-bench (git-ignored), then Benchmarks/scripts/run_all.py builds the Swift benchmarks in release,
# runs the side-by-sides and rewrites the generated table of docs/benchmarks.md.
# PYTHON3 makes the venv; BENCH_ARGS passes options to run_all.py (e.g. --only market --no-docs).
PYTHON3 ?= python3
BENCH_VENV ?= .venv-bench
BENCH_ARGS ?=

bench-venv: $(BENCH_VENV)/.installed

$(BENCH_VENV)/.installed: Benchmarks/requirements.txt
	$(PYTHON3) -m venv $(BENCH_VENV) || { echo "make bench-venv: '$(PYTHON3) -m venv' failed; on Debian: apt-get install python3-venv"; exit 1; }
	$(BENCH_VENV)/bin/pip install -r Benchmarks/requirements.txt
	touch $@

bench: bootstrap bench-venv
	$(BENCH_VENV)/bin/python Benchmarks/scripts/run_all.py $(BENCH_ARGS)

bench-quick: bootstrap bench-venv
	$(BENCH_VENV)/bin/python Benchmarks/scripts/run_all.py --quick $(BENCH_ARGS)

clean:
	rm -rf .build
