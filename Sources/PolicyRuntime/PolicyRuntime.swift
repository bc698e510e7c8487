// The PolicyRuntime module: inference only, for the trading daemon (docs/policy-runtime.md).
//
// `Policy` loads a checkpoint's policy part and acts; `PolicySnapshot` is the daemon's per-bar
// input; `PolicyWatcher` hot-reloads a checkpoint; `ActServer` speaks the JSON-lines protocol of
// `marketgym act`. The observation and the target weights are computed by MarketGym's own
// `ObservationBuilder`, `ActionScheme` and `NeutralityProjection` — the very code the env runs.
// This module never links training code (Agents, Lab).
