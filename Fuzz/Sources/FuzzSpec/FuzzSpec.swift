import Foundation
import FuzzSupport
import Lab

/// Experiment, environment and agent YAML through the spec decoder, with `--set` overrides: lines
/// of the input starting with `#set ` are passed as `--set` arguments (so the dictionary's key
/// paths reach the override parser); the whole input is the YAML document.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var overrides: [SpecOverride] = []
    for line in text.split(separator: "\n") where line.hasPrefix("#set ") {
        if let o = try? SpecOverride(parsing: String(line.dropFirst(5))) { overrides.append(o) }
    }
    guard var tree = try? SpecValue.parse(yaml: text, source: "fuzz.yaml") else { return 0 }
    for o in overrides { tree = o.apply(to: tree) }
    if let spec = try? ExperimentSpec.decode(tree, file: "fuzz.yaml") { _ = try? spec.tree().yamlString() }
    if let env = try? EnvironmentSpec.decode(tree["env"] ?? tree, file: "fuzz.yaml") { _ = try? env.tree() }
    if let agent = try? AgentSpec.decode(tree["agent"] ?? tree, file: "fuzz.yaml") { _ = try? agent.tree() }
    return 0
}
