import Foundation
import HDF5

/// One checkpoint: the policy a daemon acts with, and (for training checkpoints) everything needed
/// to resume training bit-exactly.
///
/// File layout (HDF5, documented in docs/checkpoint-format.md, read by the Python reference reader
/// `scripts/read_checkpoint.py`):
///
/// ```
/// /                      attrs: format, formatVersion, algorithm, step, episodes, complete (written last)
/// /config                attrs: yaml (the resolved experiment configuration)
/// /policy                attrs: the PolicySpec fields
///   parameters/<name>    float32 datasets, e.g. q.layers.0.weight [out, in]
///   normalization/       mean, variance (float64), attrs count, epsilon, clip   (optional)
/// /training              (absent in policy-only exports)
///   networks/<net>/<name>  float32 (e.g. networks/target/q.layers.0.weight)
///   optimizer/<name>       float32 (e.g. optimizer/m.q.layers.0.weight), attrs: scalars
///   rng/<name>             int64 [4] (xoshiro256** state words, bit patterns)
///   attrs                  counters (int64), scalars (float64), texts (str)
///   arrays/<name>          float64 datasets (statistics, env state)
///   integerArrays/<name>   int64 datasets (env cursors, flags)
/// ```
public struct Checkpoint: Sendable, Equatable {
    /// The format's name, stored in the root's `format` attribute.
    public static let formatName = "marketgym-checkpoint"
    /// The format version this code reads and writes. Readers refuse other versions.
    public static let formatVersion = 1

    public var algorithm: String
    /// Environment steps consumed.
    public var step: Int
    /// Episodes completed.
    public var episodes: Int
    /// The resolved experiment configuration, YAML.
    public var configYAML: String
    public var policy: PolicySpec
    /// The network the policy acts with, parameters in order.
    public var policyParameters: [NamedTensor]
    /// Everything else to resume training, or nil for a policy-only export.
    public var training: TrainingState?

    public init(algorithm: String, step: Int, episodes: Int, configYAML: String, policy: PolicySpec,
                policyParameters: [NamedTensor], training: TrainingState? = nil) {
        self.algorithm = algorithm
        self.step = step
        self.episodes = episodes
        self.configYAML = configYAML
        self.policy = policy
        self.policyParameters = policyParameters
        self.training = training
    }
}

/// Training state beyond the policy: other networks, optimizer, generators, counters.
public struct TrainingState: Sendable, Equatable {
    /// Other networks by role (`target`, `critic`), parameters in order.
    public var networks: [String: [NamedTensor]] = [:]
    /// Optimizer moments and buffers, by name.
    public var optimizer: [NamedTensor] = []
    /// Generator states (xoshiro256** words) by role: `agent`, `env.0`, `env.1`, ...
    public var rng: [String: [UInt64]] = [:]
    /// Integer counters (updates, schedule positions, env cursors).
    public var counters: [String: Int64] = [:]
    /// Real-valued state (current ε, running statistics' scalars, best validation metric).
    public var scalars: [String: Double] = [:]
    /// Text state (JSON of an env's episode state, for example).
    public var texts: [String: String] = [:]
    /// Real arrays (normalizer statistics, episode-return windows), by name.
    public var arrays: [String: [Double]] = [:]
    /// Integer arrays (environment cursors and flags, generator words), by name.
    public var integerArrays: [String: [Int64]] = [:]

    public init() {}
}

/// Problems reading a checkpoint, each naming the file and what to do.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    case notACheckpoint(file: String, found: String)
    case versionMismatch(file: String, found: Int, supported: Int)
    case incomplete(file: String)
    case missing(file: String, path: String)
    case malformed(file: String, path: String, detail: String)
    case storage(String)

    public var description: String {
        switch self {
        case let .notACheckpoint(file, found):
            return "\(file) is not a MarketGym checkpoint (format attribute: \(found)). Pass a file written by `marketgym train` (runs/<name>/checkpoints/*.h5)."
        case let .versionMismatch(file, found, supported):
            return "\(file) has checkpoint format version \(found); this MarketGym reads version \(supported). Re-export the policy with a matching MarketGym, or upgrade."
        case let .incomplete(file):
            return "\(file) is incomplete (its `complete` mark is missing: the write was interrupted). Use the previous checkpoint in the same folder."
        case let .missing(file, path):
            return "\(file): missing \(path). The checkpoint is damaged or from another tool; use another checkpoint."
        case let .malformed(file, path, detail):
            return "\(file): \(path) is malformed: \(detail)."
        case let .storage(detail):
            return detail
        }
    }
}
