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
