# The README's two commands:
#   make run   bootstrap, release build, then the main job (the quickstart demo)
#   make test  bootstrap, then the whole test suite
SWIFT ?= swift
RUN_ARGS ?=

.PHONY: run test bootstrap build release bench clean fuzz fuzz-smoke fuzz-reproducers

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

# libFuzzer harnesses (Fuzz/, docs/reliability.md): FUZZ_SECONDS of fuzzing per harness.
FUZZ_SECONDS ?= 60
fuzz: bootstrap
	Fuzz/run-fuzz $(FUZZ_SECONDS)

# CI: builds every harness and runs each for 5 s from its committed seeds (fixed libFuzzer seed).
fuzz-smoke: bootstrap
	FUZZ_ARGS="-seed=1" Fuzz/run-fuzz 5

# Runs each known-crash input of Fuzz/Reproducers/ once (inputs whose fix belongs to another area).
fuzz-reproducers: bootstrap
	Fuzz/run-fuzz --reproducers

bench: bootstrap
	cd Benchmarks && $(SWIFT) run -c release

clean:
	rm -rf .build
