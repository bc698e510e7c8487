import Foundation
import Testing
import Yams
@testable import Lab

/// FuzzSpecYAML's finding of session 8 (Fuzz/Corpora/spec/sexagesimal-int-overflow.yaml, 6,784,919
/// executions into its run): `--set a=[1000000333300333333:3]` killed the process. YAML 1.1 reads
/// `1:30` as the integer 90 (base 60), and Yams' construction of such an integer multiplies without
/// overflow checks. `SpecValue.integer` computes them itself: too large is "integer out of range",
/// in range is Yams' own value.
@Suite struct SexagesimalIntegerTests {
    @Test(arguments: ["a=[1000000333300333333:3]", "a=1000000333300333333:3", "a=-1000000333300333333:3",
                      "a=1:0:0:0:0:0:0:0:0:0:0:0", "a=153722867280912930:8", "a=9_223_372_036_854_775_807:0"])
    func tooLargeIsRefusedNotATrap(_ argument: String) throws {
        let message = Self.errorText { _ = try SpecOverride(parsing: argument) }
        #expect(message?.contains("integer out of range") == true, "\(argument): \(message ?? "accepted")")
        let yaml = argument.replacingOccurrences(of: "=", with: ": ")
        #expect(throws: SpecError.self) { try SpecValue.parse(yaml: yaml, source: "s.yaml") }
    }

    static func errorText(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return String(describing: error)
        }
    }

    /// The committed fuzz input itself, as the harness reads it.
    @Test func theFuzzInputIsRefused() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/Corpora/spec/sexagesimal-int-overflow.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.hasPrefix("#set a=[1000000333300333333:3]"))
        #expect(throws: SpecError.self) { try SpecOverride(parsing: "a=[1000000333300333333:3]") }
        _ = try? SpecValue.parse(yaml: text, source: "fuzz.yaml")  // comments only: no trap, whatever it reads
    }

    @Test(arguments: ["1:30", "-1:30", "+1:30", "190:20:30", "1_000:00", "2:0:0:0:0:0:0:0:0:0", "153722867280912930:7",
                      "-153722867280912930:7", "59:59:59"])
    func inRangeValuesAreYamsOwn(_ text: String) throws {
        let tree = try SpecValue.parse(yaml: "a: \(text)", source: "s.yaml")
        let yams = try Yams.compose(yaml: "a: \(text)")?.mapping?["a"]?.int
        #expect(yams != nil)
        #expect(tree == .mapping([(key: "a", value: .int(yams ?? 0))]), "\(text): \(tree)")
    }
}

/// FuzzSpecYAML's finding of session 8 (Fuzz/Corpora/spec/set-path-deeper-than-libyaml-reads.yaml,
/// 3,427,442 executions into a run): `--set` paths of hundreds of parts nested the config over
/// libyaml's 1,000 levels, and the written `config.yaml` did not read back ("Maximum nesting level
/// reached"). Specs and overrides are bounded at `SpecValue.maxDepth` levels.
@Suite struct SpecDepthTests {
    @Test func aSetPathDeeperThanTheBoundIsRefused() throws {
        let deep = (0..<SpecValue.maxDepth).map { "k\($0)" }.joined(separator: ".")
        #expect(throws: SpecError.self) { try SpecOverride(parsing: deep + ".x=1") }
        #expect(throws: SpecError.self) { try SpecOverride(parsing: deep + "=[1]") }
        let o = try SpecOverride(parsing: deep + "=1")  // exactly the bound
        let tree = o.apply(to: .mapping([]))
        #expect(tree.depth == SpecValue.maxDepth)
        #expect(try SpecValue.parse(yaml: tree.yamlString(), source: "config.yaml") == tree)
    }

    @Test func aFileDeeperThanTheBoundIsRefused() throws {
        let within = String(repeating: "[", count: SpecValue.maxDepth) + String(repeating: "]", count: SpecValue.maxDepth)
        #expect(try SpecValue.parse(yaml: within, source: "s.yaml").depth == SpecValue.maxDepth)
        let beyond = "[" + within + "]"
        #expect(throws: SpecError.self) { try SpecValue.parse(yaml: beyond, source: "s.yaml") }
    }

    @Test func theFuzzInputNoLongerWritesAnUnreadableConfig() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/Corpora/spec/set-path-deeper-than-libyaml-reads.yaml")
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        guard var tree = try? SpecValue.parse(yaml: text, source: "fuzz.yaml") else { return }
        let base = tree
        // The harness's `#set ` lines (Fuzz/Sources/FuzzSupport/SpecFuzzText.swift).
        for argument in text.split(separator: "\n").filter({ $0.hasPrefix("#set ") }).map({ String($0.dropFirst(5)) }) {
            if let o = try? SpecOverride(parsing: argument) { tree = o.apply(to: tree) }
        }
        tree = base.merging(tree)
        #expect(tree.depth <= SpecValue.maxDepth)
        #expect(try SpecValue.parse(yaml: tree.yamlString(), source: "config.yaml") == tree)
    }
}
