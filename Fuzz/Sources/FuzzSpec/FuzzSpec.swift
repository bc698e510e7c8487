import Foundation
import FuzzSupport
import Lab

/// Experiment, environment and agent specs through the typed decoders and their validation (the
/// checks `train` runs before reading data), with `--set` overrides: lines of the input starting
/// with `#set ` are passed as `--set` arguments; the whole input is the YAML document. One decoder
/// per input, chosen by the document's keys as `train` would read it (an experiment when it has
/// `env`, `agent`, `training` or `evaluation`; an agent preset when it names an `algorithm`; an
/// environment preset otherwise); an accepted spec is encoded back (what `config.yaml` holds).
/// In memory: no preset or data file is read. The text layer alone is fuzzed faster by FuzzSpecYAML.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard var tree = try? SpecValue.parse(yaml: text, source: "fuzz.yaml") else { return 0 }
    for argument in SpecFuzzText.setArguments(in: text) {
        if let o = try? SpecOverride(parsing: argument) { tree = o.apply(to: tree) }
    }
    let keys = Set(tree.keys)
    if !keys.isDisjoint(with: ["env", "agent", "training", "evaluation", "seed", "seeds", "name"]) {
        if let spec = try? ExperimentSpec.decode(tree, file: "fuzz.yaml") { _ = try? spec.tree() }
    } else if keys.contains("algorithm") {
        if let agent = try? AgentSpec.decode(tree, file: "fuzz.yaml") { _ = try? agent.tree() }
    } else if let env = try? EnvironmentSpec.decode(tree, file: "fuzz.yaml") {
        _ = try? env.tree()
    }
    return 0
}
