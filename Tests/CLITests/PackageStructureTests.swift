import Foundation
import Testing
import TestSupport

/// Issue 15 item 6, kept true by a check rather than by review: every Swift target's dependencies in
/// Package.swift are exactly the modules its files import, and every error type is a `LocalizedError`.
@Suite struct PackageStructureTests {
    /// Modules of the toolchain and the platform; every other import must be a declared dependency.
    static let platformModules: Set<String> = [
        "Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationXML", "Glibc", "Musl", "Darwin",
        "Dispatch", "XCTest", "Testing", "Synchronization", "os", "CoreFoundation", "_Concurrency", "PackageDescription",
    ]

    struct Target {
        var name: String
        var kind: String
        var path: String?
        var dependencies: Set<String>
        var executables: Set<String> = []
    }

    /// The targets declared in Package.swift: name, kind, explicit path and dependencies (target
    /// names, and the module name of each `.product(name:)`).
    static func targets(_ manifest: String) -> [Target] {
        var result: [Target] = []
        let text = Array(manifest)
        var i = 0
        while i < text.count {
            guard text[i] == ".", let open = text[i...].firstIndex(of: "("), open - i < 20 else { i += 1; continue }
            let kind = String(text[(i + 1)..<open])
            guard ["target", "testTarget", "executableTarget", "systemLibrary"].contains(kind) else { i += 1; continue }
            var depth = 0, j = open
            repeat {
                if text[j] == "(" { depth += 1 } else if text[j] == ")" { depth -= 1 }
                j += 1
            } while depth > 0 && j < text.count
            let body = String(text[open..<j])
            i = j
            guard let name = firstCapture(#"name:\s*"([^"]+)""#, in: body) else { continue }
            var deps: Set<String> = []
            if let list = firstCapture(#"dependencies:\s*\[([^\]]*)\]"#, in: body) {
                var rest = list
                for product in allCaptures(#"\.product\(\s*name:\s*"([^"]+)"[^)]*\)"#, in: list) { deps.insert(product) }
                rest = rest.replacingOccurrences(of: #"\.product\([^)]*\)"#, with: "", options: .regularExpression)
                for dep in allCaptures(#""([^"]+)""#, in: rest) { deps.insert(dep) }
            }
            result.append(Target(name: name, kind: kind, path: firstCapture(#"path:\s*"([^"]+)""#, in: body), dependencies: deps))
        }
        return result
    }

    static func firstCapture(_ pattern: String, in text: String) -> String? { allCaptures(pattern, in: text).first }

    static func allCaptures(_ pattern: String, in text: String) -> [String] {
        guard let re = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else { return [] }
        let ns = text as NSString
        return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).compactMap { m in
            m.numberOfRanges > 1 && m.range(at: 1).location != NSNotFound ? ns.substring(with: m.range(at: 1)) : nil
        }
    }

    /// Every `.swift` file under `folder`, recursively.
    static func swiftFiles(_ folder: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
    }

    /// Modules named by `import` lines (attributes such as `@testable` and kinds such as `import struct` allowed).
    /// Multi-line string literals (embedded Python scripts) are skipped: their `import sys` is not Swift.
    static func imports(_ source: String) -> Set<String> {
        let code = source.replacingOccurrences(of: ##"#*"""[\s\S]*?"""#*"##, with: "", options: .regularExpression)
        return Set(allCaptures(#"(?m)^\s*(?:@\w+(?:\([^)]*\))?\s+)*import\s+(?:(?:struct|class|enum|func|protocol|typealias|var|let)\s+)?(\w+)"#, in: code))
    }

    @Test func everyTargetDependsOnExactlyWhatItImports() throws {
        let root = repositoryRoot()
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let targets = Self.targets(manifest)
        let names = Set(targets.map(\.name))
        #expect(names.isSuperset(of: ["MarketGym", "Lab", "PolicyRuntime", "LabTests", "TestSupport"]), "parsed \(names.sorted())")
        let executables = Set(targets.filter { $0.kind == "executableTarget" }.map(\.name))
        var checked = 0
        for t in targets where t.kind != "systemLibrary" {
            let folder = root.appendingPathComponent(t.path ?? (t.kind == "testTarget" ? "Tests/\(t.name)" : "Sources/\(t.name)"))
            let files = Self.swiftFiles(folder)
            guard !files.isEmpty else { continue }  // a C target: its dependencies are headers, not imports
            var imported: Set<String> = []
            for file in files { imported.formUnion(Self.imports(try String(contentsOf: file, encoding: .utf8))) }
            imported.subtract(Self.platformModules)
            imported.remove(t.name)
            // A test target depends on an executable to build the binary it runs, not to import it.
            let declared = t.dependencies.subtracting(executables)
            #expect(imported.subtracting(declared).isEmpty, "\(t.name) imports \(imported.subtracting(declared).sorted()) without declaring them in Package.swift")
            #expect(declared.subtracting(imported).isEmpty, "\(t.name) declares \(declared.subtracting(imported).sorted()) in Package.swift but never imports them")
            checked += 1
        }
        #expect(checked >= 20)
    }

    @Test func everyErrorTypeIsALocalizedError() throws {
        let root = repositoryRoot()
        let sources = Self.swiftFiles(root.appendingPathComponent("Sources")).map { try? String(contentsOf: $0, encoding: .utf8) }.compactMap { $0 }
        let declaration = #"(?m)^\s*(?:@\w+\s+)*(?:(?:public|internal|package|fileprivate|private|final|indirect)\s+)*(?:enum|struct|class|actor)\s+(\w+)(?:<[^>{]*>)?\s*:\s*([^{]*)\{"#
        let extensionDecl = #"(?m)^\s*(?:(?:public|internal|package|fileprivate|private)\s+)?extension\s+([\w.]+)\s*:\s*([^{]*)\{"#
        var errors: Set<String> = [], localized: Set<String> = []
        func record(_ name: String, _ inherits: String) {
            let list = inherits.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            if list.contains("Error") || list.contains("Swift.Error") { errors.insert(name) }
            if list.contains("LocalizedError") || list.contains("Foundation.LocalizedError") { localized.insert(name) }
        }
        for text in sources {
            let ns = text as NSString
            for pattern in [declaration, extensionDecl] {
                let re = try NSRegularExpression(pattern: pattern)
                for m in re.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                    let name = ns.substring(with: m.range(at: 1)).split(separator: ".").last.map(String.init) ?? ""
                    record(name, ns.substring(with: m.range(at: 2)))
                }
            }
        }
        #expect(errors.count >= 20 && errors.contains("ConfigError") && errors.contains("SpecError"), "found \(errors.sorted())")
        #expect(errors.subtracting(localized).isEmpty, "error types that are not LocalizedError: \(errors.subtracting(localized).sorted())")
    }
}
