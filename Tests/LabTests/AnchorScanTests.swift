import Foundation
import Testing
import Yams
import TestSupport
@testable import Lab

/// Anchors and aliases are refused in the text, before Yams composes them: FuzzSpec (session 7)
/// found a mutated alias bomb whose mapping key is an alias of a list of 10^8 shared elements, and
/// Yams' duplicate-key check hashed all of them (over libFuzzer's 10 s timeout; the input is in the
/// corpus as `alias-key-bomb.yaml`).
@Suite struct AnchorScanTests {
    static func scan(_ text: String) -> String? {
        do { try SpecValue.refuseAnchorsInText(text, source: "s.yaml"); return nil } catch { return "\(error)" }
    }

    @Test(arguments: [
        ("a: &x 1\nb: *x\n", "line 1, column 4"),
        ("b: *x\n", "line 1, column 4"),
        ("- &a x\n", "line 1, column 3"),
        ("k:\n  - - *a\n", "line 2, column 7"),
        ("k: [a, *b]\n", "line 1, column 8"),
        ("k: [a,\n  *b]\n", "line 2, column 3"),
        ("{k: *a}\n", "line 1, column 5"),
        ("{*a: 1}\n", "line 1, column 2"),
        ("{\"a\":*b}\n", "line 1, column 6"),
        ("? *a\n: 1\n", "line 1, column 3"),
        ("--- &a x\n", "line 1, column 5"),
        ("k: !!str &a x\n", "line 1, column 10"),
        ("k: \"multi\n  line\" \n  x: &a 1\n", "line 3, column 6"),
        ("k: |\n  text\nj: *a\n", "line 3, column 4"),
        ("<<: *base\n", "line 1, column 5"),
        ("k: a\n  b: *c\n", "line 2, column 6"),
        ("k: a\nj: *c\n", "line 2, column 4"),
    ])
    func anchorsAndAliasesAreRefusedWithTheirPlace(_ text: String, _ place: String) throws {
        let message = try #require(Self.scan(text))
        #expect(message.contains(place), "\(message)")
        #expect(message.contains("not supported in specs"))
        #expect(throws: SpecError.self) { try SpecValue.parse(yaml: text, source: "s.yaml") }
    }

    @Test(arguments: [
        "files: data/*.csv\n", "x: \"a*b\"\n", "x: '*a'\n", "x: 'it''s *a'\n", "x: \"\\\"*a\"\n", "# *a &b\n",
        "x: a # *b\n", "x: a&b\n", "x: [a*b, c&d, 'e']\n", "x: {k: v*w}\n", "x: 3*4\n",
        "note: |\n  * bullet\n  & more\nnext: 1\n", "- |\n  *x\n- y\n", "k:\n  - j: >\n      *folded\n  - 2\n",
        "x: \"line one\n  *still text\"\n", "%YAML 1.1\n---\nk: v\n...\n",
        "- x\n  *y\n", "k: a\n\n  &b\nj: 1\n", ".\n\n..\n..\n &\n", "na:v \n*\n nxAe!!!k edn\n",
    ])
    func textWithAsterisksAndAmpersandsIsNotRefused(_ text: String) throws {
        #expect(Self.scan(text) == nil, "\(text)")
        _ = try SpecValue.parse(yaml: text, source: "s.yaml")
    }

    /// Every shipped spec and every committed fuzz seed: the text scan refuses exactly the files in
    /// which Yams' composed tree has an anchor or alias.
    @Test func theScanAgreesWithTheComposedTreeOnEveryShippedSpecAndSeed() throws {
        let root = repositoryRoot()
        var files: [URL] = []
        for folder in ["Experiments", "Environments", "Agents", "Fuzz/Corpora/spec"] {
            let dir = root.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            files += names.filter { $0.hasSuffix(".yaml") }.sorted().map { dir.appendingPathComponent($0) }
        }
        #expect(files.count > 40)
        var compared = 0
        for url in files {
            let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
            guard !text.contains("*b,*b") else { continue }   // the bombs: composing them is what the scan prevents
            let composed: Bool
            do {
                let parser = try Yams.Parser(yaml: text, encoding: .utf8)
                guard let node = try parser.singleRoot() else { continue }
                composed = (try? withExtendedLifetime(parser) { try SpecValue.refuseAnchors(node, source: "x") }) == nil
            } catch { continue }   // not YAML: Yams' own error
            #expect((Self.scan(text) != nil) == composed, "\(url.lastPathComponent)")
            compared += 1
        }
        #expect(compared > 40)
    }

    @Test func theFuzzInputIsRefusedAtOnce() throws {
        let url = repositoryRoot().appendingPathComponent("Fuzz/Corpora/spec/alias-key-bomb.yaml")
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        let start = ContinuousClock.now
        #expect(throws: SpecError.self) { try SpecValue.parse(yaml: text, source: "alias-key-bomb.yaml") }
        #expect(ContinuousClock.now - start < .seconds(1))
    }
}
