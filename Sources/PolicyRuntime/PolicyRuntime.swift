// The PolicyRuntime module. See docs/architecture.md for what lives here.
