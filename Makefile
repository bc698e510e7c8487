# The README's two commands:
#   make run   bootstrap, release build, then the main job (the quickstart demo)
#   make test  bootstrap, then the whole test suite
SWIFT ?= swift
RUN_ARGS ?=

.PHONY: run test bootstrap build release bench bench-quick bench-venv clean fuzz fuzz-smoke fuzz-reproducers

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build

release: bootstrap
	$(SWIFT) build -c release

run: release
	.build/release/marketgym train quickstart --report $(RUN_ARGS)

# The sweep tests start their own single-node Slurm; munged is started here first (see scripts/slurm-local).
test: bootstrap
	@if [ "$$(id -u)" = 0 ] && command -v munged >/dev/null 2>&1; then scripts/slurm-local munge; fi
	$(SWIFT) test

# libFuzzer harnesses (Fuzz/, docs/reliability.md): FUZZ_SECONDS of fuzzing per harness, or
# FUZZ_RUNS executions each; FUZZ_MODE=release|asan overrides each harness's build mode (default:
# release -O for the Swift-only harnesses, asan for FuzzHDF5); FUZZ_HARNESSES picks some.
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?=
FUZZ_MODE ?=
FUZZ_HARNESSES ?=
fuzz: bootstrap
	FUZZ_MODE=$(FUZZ_MODE) FUZZ_RUNS=$(FUZZ_RUNS) Fuzz/run-fuzz $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

# CI: builds every harness (asan: one debug build, ASan on the C side too) and runs each for 4 s
# from its committed seeds (fixed libFuzzer seed).
fuzz-smoke: bootstrap
	FUZZ_MODE=asan FUZZ_ARGS="-seed=1" Fuzz/run-fuzz 4

# Runs each input of Fuzz/Reproducers/ once (slow inputs kept out of the fuzzing corpora).
fuzz-reproducers: bootstrap
	FUZZ_MODE=$(FUZZ_MODE) Fuzz/run-fuzz --reproducers

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
