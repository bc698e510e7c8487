# The README's two commands:
#   make run   bootstrap, release build, then the main job (the quickstart demo)
#   make test  bootstrap, then the whole test suite
SWIFT ?= swift
RUN_ARGS ?=

.PHONY: run test bootstrap build release bench clean

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

bench: bootstrap
	cd Benchmarks && $(SWIFT) run -c release

clean:
	rm -rf .build
