import Foundation
import Testing
@testable import Lab

/// FuzzSpecYAML's finding (Fuzz/Corpora/spec/set-key-with-cr.yaml): a `--set` key holding a carriage
/// return was written into `config.yaml` inside double quotes unescaped; reading it back failed
/// ("mapping values are not allowed in this context"), and a value holding one came back with the CR
/// folded to a space, so `--resume` would read another config than the run was trained with.
/// The noncharacters U+FFFE and U+FFFF (session 8, Fuzz/Corpora/spec/noncharacter-in-quoted-string.yaml)
/// were written raw inside double quotes, which Yams' reader refuses ("control characters are not
/// allowed"); they are escaped now. (Not covered: a byte-order mark U+FEFF, which Yams drops when it
/// reads an escaped one.)
@Suite struct SpecWriterFuzzFindingsTests {
    @Test(arguments: ["a\rb", "x\u{01}y", "tab\tand # hash", "nel\u{85}", "ls\u{2028}ps\u{2029}", "del\u{7F}", "c1\u{9B}", "nonchar\u{FFFF}", "\u{FFFE}first", "plain"])
    func stringsWithControlCharactersRoundTripAsKeysAndValues(_ text: String) throws {
        let tree = SpecValue.mapping([(key: text, value: .string(text)), (key: "list", value: .array([.string(text)]))])
        let written = tree.yamlString()
        #expect(try SpecValue.parse(yaml: written, source: "config.yaml") == tree, "\(written.debugDescription)")
    }

    @Test func theFuzzInputsSetKeyIsWrittenSoItReadsBack() throws {
        let argument = "alctionA configuration, wr\u{FFFD}itten by # RL Zoo's tuned PPO hyperparameters ma\rrketgym before training starte#set env.unnor Civersu=[AAA, AAA]"
        let o = try SpecOverride(parsing: argument)
        let tree = o.apply(to: .mapping([]))
        #expect(try SpecValue.parse(yaml: tree.yamlString(), source: "config.yaml") == tree)
    }

    /// Fuzz/Corpora/spec/config-key-over-1024-chars.yaml (FuzzSpecYAML, 501,672 executions into its
    /// second run): a key over YAML's 1,024-character limit for implicit keys was written as
    /// `key: value` and did not parse back. Such keys are written in explicit form (`? key`).
    @Test(arguments: [999, 1000, 1001, 1024, 1025, 5000])
    func keysOverTheImplicitKeyLimitRoundTrip(_ length: Int) throws {
        let long = String(repeating: "k", count: length)
        let quoted = String(repeating: "é:", count: length / 2)
        let nested = SpecValue.mapping([(key: long, value: .mapping([(key: quoted, value: .int(1))]))])
        let tree = SpecValue.mapping([
            (key: long, value: .string("v")), (key: quoted, value: .array([.int(1), .int(2)])),
            (key: "nested", value: nested), (key: "items", value: .array([nested, .mapping([(key: long, value: .null)])])),
        ])
        let written = tree.yamlString()
        #expect(try SpecValue.parse(yaml: written, source: "config.yaml") == tree)
    }

    @Test func theFuzzInputWithAKeyOver1024CharactersRoundTrips() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpora/spec/config-key-over-1024-chars.yaml")
        let text = try String(decoding: Data(contentsOf: url), as: UTF8.self)
        let tree = try SpecValue.parse(yaml: text, source: url.path)
        #expect(try SpecValue.parse(yaml: tree.yamlString(), source: "config.yaml") == tree)
    }

    /// FuzzSpecYAML (Fuzz/Corpora/spec/document-end-marker.yaml, the input ` ...`): a root scalar
    /// `...` was written plain at column 0, where it ends the document, and `config.yaml` did not
    /// parse. Text starting with a document marker is quoted, as a root scalar, a key and a value.
    @Test(arguments: ["...", "---", "... x", "--- x", "...a", "---a"])
    func documentMarkersRoundTrip(_ text: String) throws {
        for tree in [SpecValue.string(text), .mapping([(text, .string(text))]), .array([.string(text)])] {
            #expect(try SpecValue.parse(yaml: tree.yamlString(), source: "config.yaml") == tree, "\(tree.yamlString())")
        }
    }

    /// FuzzSpecYAML (release, 1,022,393 executions into its session-7 run): `- - -` then `  - -`, a
    /// list of lists of lists. The writer padded the first element of a list nested in a list, so it
    /// started two columns right of the next one and `config.yaml` did not parse ("while parsing a
    /// block collection"). Lists nested in lists, with mappings and scalars, at several depths:
    @Test func listsNestedInListsRoundTrip() throws {
        let inner = SpecValue.array([.null])
        let trees: [SpecValue] = [
            .array([.array([inner, inner])]),
            .array([.array([.array([inner, .int(1)]), .string("x")]), .array([.mapping([("k", .array([inner]))])])]),
            .mapping([("k", .array([.array([inner, .mapping([("a", .int(1)), ("b", .array([inner]))])])]))]),
            .array([.array([.mapping([("a", .int(1))]), .mapping([("b", .int(2))])])]),
        ]
        for tree in trees {
            #expect(try SpecValue.parse(yaml: tree.yamlString(), source: "config.yaml") == tree, "\(tree.yamlString())")
        }
        let found = try SpecValue.parse(yaml: "- - - \n  - -", source: "fuzz.yaml")
        #expect(try SpecValue.parse(yaml: found.yamlString(), source: "config.yaml") == found)
    }
}
