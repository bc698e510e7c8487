import Foundation
import MarketGym
import Yams

extension SpecValue {
    /// Parses YAML text into a spec tree.
    /// - Parameter source: the file name (or `--set`) used in error messages.
    /// - Throws: `SpecError.yamlSyntax` with the line and column of the problem.
    public static func parse(yaml text: String, source: String) throws(SpecError) -> SpecValue {
        do {
            // The parser owns the anchors (nodes hold them weakly): keep it alive while checking.
            // UTF-8 named: Yams' default encoding reads the process environment on every parser
            // (`YAMS_DEFAULT_ENCODING`), which was a sixth of the spec decoder's time under perf.
            // Anchors and aliases are refused before Yams composes them (one shape hangs its
            // duplicate-key check: `refuseAnchorsInText`), and again on the tree, exactly.
            try refuseAnchorsInText(text, source: source)
            let parser = try Yams.Parser(yaml: text, encoding: .utf8)
            guard let node = try parser.singleRoot() else { return .mapping([]) }
            try withExtendedLifetime(parser) { () throws(SpecError) in try refuseAnchors(node, source: source) }
            var budget = maxNodes
            let tree = try SpecValue(node: node, source: source, budget: &budget)
            try tree.refuseDepth(beyond: maxDepth, source: source)
            return tree
        } catch let error as SpecError {
            throw error
        } catch {
            throw .yamlSyntax(file: source, detail: "\(error)")
        }
    }

    /// Largest number of values (scalars, lists, mappings) a spec may hold: 10^6. Shipped specs
    /// hold about 150; the budget bounds the work of converting any YAML that slips past the
    /// anchor check (docs/reliability.md).
    public static let maxNodes = 1_000_000

    /// Deepest nesting of lists and mappings a spec, a `--set` (path and value together) and so a
    /// resolved config may have: 100 levels (shipped specs nest 4). libyaml refuses to read YAML
    /// nested over 1,000 levels, so without a bound a `--set` with a 1,000-part path wrote a
    /// `config.yaml` that `--resume` could not read (FuzzSpecYAML, session 8). Overrides and merges
    /// of trees within the bound stay within it.
    public static let maxDepth = 100

    /// How many lists and mappings deep the tree goes (a scalar: 0).
    var depth: Int {
        switch self {
        case .array(let items): 1 + (items.map(\.depth).max() ?? 0)
        case .mapping(let pairs): 1 + (pairs.map(\.value.depth).max() ?? 0)
        default: 0
        }
    }

    /// Throws when the tree nests deeper than `limit` (see ``maxDepth``).
    func refuseDepth(beyond limit: Int, source: String, extra: Int = 0) throws(SpecError) {
        let d = depth + extra
        guard d <= limit else {
            throw .yamlSyntax(file: source, detail: "lists and mappings nested \(d) levels deep; at most \(limit) are read (docs/reliability.md)")
        }
    }

    /// Refuses the first anchor (`&name`) in document order. Yams resolves every alias (`*name`)
    /// to its anchored node while composing, sharing storage, so the composed tree is small even
    /// for the "billion laughs" nesting; walking or converting it would not be. An anchor always
    /// precedes its aliases in document order, so this depth-first walk stops before any repeat.
    static func refuseAnchors(_ node: Node, source: String) throws(SpecError) {
        let anchored: Bool, mark: Mark?
        switch node {
        case .scalar(let s): anchored = s.anchor != nil; mark = s.mark
        case .mapping(let m): anchored = m.anchor != nil; mark = m.mark
        case .sequence(let q): anchored = q.anchor != nil; mark = q.mark
        case .alias(let a): anchored = true; mark = a.mark
        }
        if anchored {
            let at = mark.map { "line \($0.line), column \($0.column): " } ?? ""
            throw .yamlSyntax(file: source, detail: "\(at)YAML anchors and aliases (&name, *name) are not supported in specs; repeat the value instead")
        }
        switch node {
        case .mapping(let m):
            for (k, v) in m { try refuseAnchors(k, source: source); try refuseAnchors(v, source: source) }
        case .sequence(let q):
            for v in q { try refuseAnchors(v, source: source) }
        case .scalar, .alias: break
        }
    }

    init(node: Node, source: String, budget: inout Int) throws(SpecError) {
        budget -= 1
        guard budget >= 0 else {
            throw .yamlSyntax(file: source, detail: "more than \(SpecValue.maxNodes) values; a spec this large is refused (docs/reliability.md)")
        }
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.description) {
            case .null: self = .null
            case .bool: self = .bool(node.bool ?? false)
            case .int:
                guard let i = SpecValue.integer(node, text: scalar.string) else {
                    throw .yamlSyntax(file: source, detail: "integer out of range: \(scalar.string)")
                }
                self = .int(i)
            case .float:
                guard let d = node.float else { throw .yamlSyntax(file: source, detail: "bad number: \(scalar.string)") }
                self = .double(d)
            default: self = .string(scalar.string)
            }
        case .sequence(let seq):
            var items: [SpecValue] = []
            for n in seq { items.append(try SpecValue(node: n, source: source, budget: &budget)) }
            self = .array(items)
        case .mapping(let map):
            var pairs: [(key: String, value: SpecValue)] = []
            for (k, v) in map {
                guard let key = k.string else { throw .yamlSyntax(file: source, detail: "mapping keys must be strings") }
                if pairs.contains(where: { $0.key == key }) {
                    let line = k.mark.map { " (line \($0.line))" } ?? ""
                    throw .yamlSyntax(file: source, detail: "duplicate key '\(key)'\(line)")
                }
                pairs.append((key, try SpecValue(node: v, source: source, budget: &budget)))
            }
            self = .mapping(pairs)
        case .alias:
            throw .yamlSyntax(file: source, detail: "YAML aliases are not supported in specs; repeat the value")
        }
    }

    /// The value of a scalar Yams resolved as an integer, or nil when it does not fit in `Int`.
    /// Yams' own construction traps on a sexagesimal integer (YAML 1.1: `1:30` is 90) whose value
    /// or place value passes `Int.max` (FuzzSpecYAML, session 8: `--set a=[1000000333300333333:3]`
    /// killed the process), so those are computed here, with overflow checks, to the same values;
    /// the other forms (decimal, `0x`, `0o`, `0b`) Yams reads with `Int(_:radix:)`, which returns nil.
    static func integer(_ node: Node, text: String) -> Int? {
        guard text.contains(":") else { return node.int }
        var digits = Substring(text.replacingOccurrences(of: "_", with: ""))
        var negative = false
        if digits.first == "-" || digits.first == "+" {
            negative = digits.first == "-"
            digits = digits.dropFirst()
        }
        var value = 0
        for part in digits.split(separator: ":", omittingEmptySubsequences: false) {
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && $0.isNumber }), let digit = Int(part) else { return nil }
            let (shifted, o1) = value.multipliedReportingOverflow(by: 60)
            let (sum, o2) = shifted.addingReportingOverflow(digit)
            if o1 || o2 { return nil }
            value = sum
        }
        return negative ? -value : value
    }

    /// Block-style YAML with readable numbers (`0.99`, not `9.9e-1`), keys in tree order.
    public func yamlString() -> String {
        var out = ""
        emit(into: &out, indent: 0, inSequence: false)
        if out.isEmpty || out.last != "\n" { out += "\n" }
        return out
    }

    private var isScalarLike: Bool {
        switch self {
        case .array(let a): return a.isEmpty
        case .mapping(let m): return m.isEmpty
        default: return true
        }
    }

    private func emit(into out: inout String, indent: Int, inSequence: Bool) {
        let pad = String(repeating: " ", count: indent)
        switch self {
        case .mapping(let pairs) where !pairs.isEmpty:
            for (n, (key, value)) in pairs.enumerated() {
                let lead = (inSequence && n == 0) ? "" : pad
                let keyText = Self.scalarText(.string(key))
                // YAML limits an implicit key to 1,024 characters: a longer one (a `--set` key can be
                // anything) is written in explicit form, `? key` then `: value` (found by FuzzSpecYAML).
                let keyLead = keyText.utf8.count > Self.implicitKeyLimit ? "\(lead)? \(keyText)\n\(pad)" : "\(lead)\(keyText)"
                if value.isScalarLike || value.isFlowArray {
                    out += "\(keyLead): \(value.inlineText)\n"
                } else {
                    out += "\(keyLead):\n"
                    value.emit(into: &out, indent: indent + 2, inSequence: false)
                }
            }
        case .array(let items) where !items.isEmpty:
            for (n, item) in items.enumerated() {
                // A list that is an element of a list starts on its parent's dash line (`- - a`), as a
                // mapping does: padding its first element too put it two columns right of the next
                // (found by FuzzSpecYAML: `- - -` then `  - -`).
                let lead = (inSequence && n == 0) ? "" : pad
                if item.isScalarLike || item.isFlowArray {
                    out += "\(lead)- \(item.inlineText)\n"
                } else {
                    out += "\(lead)- "
                    item.emit(into: &out, indent: indent + 2, inSequence: true)
                }
            }
        default:
            out += "\(inSequence ? "" : pad)\(inlineText)\n"
        }
    }

    /// Words YAML 1.1 (Yams' default resolver) reads as booleans or null, compared lowercased.
    private static let resolvedWords: Set<String> = ["yes", "no", "true", "false", "on", "off", "null"]

    /// True for the text most keys and values are (`learningRate`, `dqn-sizing`, `h2.pred_h20`,
    /// `Experiments/data/x.csv`): an ASCII letter, then letters, digits, `_`, `-`, `.` and `/`, and
    /// not a word YAML resolves to a boolean or null. Such text reads back as the same string: the
    /// resolver's int, float, timestamp, merge and value patterns all start with a digit, a sign, a dot,
    /// `<` or `=`, and none of the characters starts a flow, comment, anchor, tag, quote or block
    /// indicator. `quoteIfNeeded` takes this shortcut before `quoteByParsing` (which is slow); a test checks
    /// that both give the same text.
    static func isPlainIdentifier(_ s: String) -> Bool {
        guard let first = s.utf8.first, (first | 0x20) >= UInt8(ascii: "a"), (first | 0x20) <= UInt8(ascii: "z") else { return false }
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"):
                continue
            default:
                return false
            }
        }
        return !resolvedWords.contains(s.lowercased())
    }

    /// Keys whose text is longer (in bytes, so never over YAML's 1,024 characters) use the explicit form.
    static let implicitKeyLimit = 1000

    /// Lists of scalars are written inline: `[0.1, 0.2]`.
    private var isFlowArray: Bool {
        guard case .array(let items) = self else { return false }
        return items.allSatisfy { if case .array = $0 { return false }; if case .mapping = $0 { return false }; return true }
    }

    private var inlineText: String {
        switch self {
        case .array(let items): return "[" + items.map(\.inlineText).joined(separator: ", ") + "]"
        case .mapping(let m) where m.isEmpty: return "{}"
        case .mapping: return "{...}"
        default: return Self.scalarText(self)
        }
    }

    static func scalarText(_ value: SpecValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return formatDouble(d)
        case .string(let s): return quoteIfNeeded(s)
        case .array, .mapping: return value.inlineText
        }
    }

    /// Shortest round-tripping decimal, always in a form YAML 1.1 resolves as a float.
    static func formatDouble(_ d: Double) -> String { ConfigCheck.format(d) }

    static func quoteIfNeeded(_ s: String) -> String {
        writesPlain(s) ? s : doubleQuoted(s)
    }

    /// True when the writer puts `s` plain: it reads back as the same string (the shortcut for
    /// identifier-like text, else asking the parser). `yamlNode()` builds its scalars by the same rule.
    static func writesPlain(_ s: String) -> Bool { isPlainIdentifier(s) || readsBackPlain(s) }

    /// Plain when it would read back as the same string (asking the parser); otherwise double-quoted with escapes.
    static func quoteByParsing(_ s: String) -> String {
        readsBackPlain(s) ? s : doubleQuoted(s)
    }

    /// Asks the parser whether `s`, written plain after a key, reads back as the same string.
    private static func readsBackPlain(_ s: String) -> Bool {
        // `...` at the start of a line ends the document (a root scalar or a root key is written at
        // column 0; found by FuzzSpecYAML); `---`, like any leading `-`, is quoted below.
        guard !s.isEmpty, !s.hasPrefix("..."), let back = try? SpecValue.parse(yaml: "k: \(s)", source: "-")["k"], back == .string(s) else { return false }
        return !s.contains(where: { "#:{}[],&*!|>'\"%@`\n\t".contains($0) }) && s.first != " " && s.last != " " && s.first != "-" && s.first != "?"
    }

    /// `s` double-quoted, with YAML escapes.
    private static func doubleQuoted(_ s: String) -> String {
        var q = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": q += "\\\""
            case "\\": q += "\\\\"
            case "\n": q += "\\n"
            case "\t": q += "\\t"
            case "\r": q += "\\r"
            // Other control characters and YAML's extra line breaks (NEL, LS, PS) would be folded or
            // refused when read back, and the noncharacters U+FFFE and U+FFFF are outside YAML's
            // printable set ("control characters are not allowed"): escape them (found by FuzzSpecYAML).
            case _ where c.value < 0x20 || (0x7F...0x9F).contains(c.value) || c.value == 0x2028 || c.value == 0x2029
                || c.value == 0xFFFE || c.value == 0xFFFF:
                q += c.value <= 0xFF ? "\\x" + String(format: "%02X", c.value) : "\\u" + String(format: "%04X", c.value)
            default: q.unicodeScalars.append(c)
            }
        }
        return q + "\""
    }
}
