import MarketGym

/// A parsed spec tree: what a YAML preset, an experiment file or a `--set` override holds before
/// it is decoded into a typed configuration.
///
/// The tree itself is MarketGym's `ConfigValue` (the one tree `StrictDefaultsDecoding` merges and
/// checks, for YAML specs here and for config JSON in checkpoints); Lab adds YAML parsing and
/// writing (`SpecValue+YAML.swift`).
public typealias SpecValue = ConfigValue
