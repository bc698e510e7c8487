import Foundation
import FuzzSupport
import Lab

/// The spec reader's text layer, in memory: YAML through `SpecValue.parse` (anchor and alias
/// refusal, the node budget, duplicate keys, number ranges), `#set key=value` lines through
/// `SpecOverride(parsing:)` and `apply`, the merge presets use (`merging`), and the writer of
/// resolved configs (`yamlString`, what a run's `config.yaml` holds and `--resume` reads back).
/// Oracle: a tree written with `yamlString` parses back equal (else `--resume` would read a
/// different config than the run was trained with).
/// FuzzSpec runs the typed decoders and validation on top of this; it is ~100x slower per input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let overrides = SpecFuzzText.setArguments(in: text).compactMap { try? SpecOverride(parsing: $0) }
    guard var tree = try? SpecValue.parse(yaml: text, source: "fuzz.yaml") else { return 0 }
    let base = tree
    for o in overrides {
        tree = o.apply(to: tree)
        _ = o.description
    }
    tree = base.merging(tree)
    let written = tree.yamlString()
    do {
        let back = try SpecValue.parse(yaml: written, source: "config.yaml")
        // An empty mapping is written as `{}` and an empty document reads as an empty mapping.
        if back != tree && !(tree == .null && back == .mapping([])) {
            fatalError("FuzzSpecYAML: the written tree reads back different:\n\(written)")
        }
    } catch {
        fatalError("FuzzSpecYAML: the written tree does not parse: \(error)\n\(written)")
    }
    return 0
}
