import MarketGym

extension SpecValue {
    /// Refuses an anchor (`&name`) or an alias (`*name`) in YAML text before Yams reads it.
    ///
    /// `refuseAnchors` checks the composed tree, which is exact but comes too late for one input:
    /// Yams' composer checks every mapping for duplicate keys by hashing the key nodes, and a key
    /// that is an alias of a nested list (`{*h: *h}` after eight levels of `[*g, *g, ...]`) is hashed
    /// through all its 10^8 shared elements: FuzzSpec found that input hanging the parser (session 7).
    /// So the text is scanned first, with YAML's rules for where a node starts: at the start of a
    /// line's content, after the `- `, `? ` and `: ` indicators, after `[`, `{` and `,` in a flow
    /// collection, and after a tag. A `&` or `*` there is an anchor or an alias; elsewhere it is text
    /// (`files: data/*.csv`, `"a*b"`, a comment, a block scalar's lines, the continuation lines of a
    /// plain or quoted scalar). Where it cannot tell (a plain scalar's continuation line less indented
    /// than its first, or holding `: `), it refuses, and the message says to quote the text. Linear
    /// in the text, no allocation but the byte array.
    static func refuseAnchorsInText(_ text: String, source: String) throws(SpecError) {
        var scanner = AnchorScanner(bytes: Array(text.utf8))
        if let (line, column) = scanner.firstAnchor() {
            throw .yamlSyntax(file: source, detail: "line \(line), column \(column): YAML anchors and aliases (&name, *name) are not supported in specs; repeat the value instead (quote text that starts with & or *)")
        }
    }
}

/// The scan behind `SpecValue.refuseAnchorsInText`: one pass over the bytes, line by line.
private struct AnchorScanner {
    let bytes: [UInt8]
    /// The cursor within the line being scanned.
    var i = 0
    var flowDepth = 0
    /// Inside a quoted scalar that continues on the next line: its closing quote.
    var openQuote: UInt8?
    /// Inside a block scalar (`|`, `>`): its lines are those indented more than this.
    var blockScalarParent: Int?
    /// True where the next non-blank byte starts a node.
    var expectNode = true
    /// The previous line ended inside a plain scalar owned by the node at this column (a key, a
    /// `-`, -1 at the root): lines indented more continue the scalar.
    var plainScalarOwner: Int?

    static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    static func isSpace(_ c: UInt8) -> Bool { c == space || c == tab }
    func isBlank(_ at: Int, end: Int) -> Bool { at >= end || Self.isSpace(bytes[at]) }
    func isFlowIndicator(_ c: UInt8) -> Bool { c == UInt8(ascii: ",") || c == UInt8(ascii: "[") || c == UInt8(ascii: "]") || c == UInt8(ascii: "{") || c == UInt8(ascii: "}") }

    /// Line and column (1-based, columns in bytes) of the first anchor or alias, or nil.
    mutating func firstAnchor() -> (Int, Int)? {
        var line = 1, lineStart = 0
        while lineStart <= bytes.count {
            let end = bytes[lineStart...].firstIndex(of: Self.newline) ?? bytes.count
            if let offset = scanLine(start: lineStart, end: end) { return (line, offset - lineStart + 1) }
            lineStart = end + 1
            line += 1
        }
        return nil
    }

    /// Scans bytes[start..<end] (one line, without its newline); returns the offset of an anchor or alias.
    mutating func scanLine(start: Int, end lineEnd: Int) -> Int? {
        var end = lineEnd
        if end > start && bytes[end - 1] == Self.cr { end -= 1 }
        var indent = start
        while indent < end && Self.isSpace(bytes[indent]) { indent += 1 }
        if let parent = blockScalarParent {
            if indent == end || indent - start > parent { return nil }   // a line of the block scalar
            blockScalarParent = nil
        }
        i = start
        let marker = end - start >= 3 && bytes[start] == bytes[start + 1] && bytes[start + 1] == bytes[start + 2]
            && (bytes[start] == UInt8(ascii: "-") || bytes[start] == UInt8(ascii: ".")) && isBlank(start + 3, end: end)
        // A line indented past the owner of a plain scalar that ended the previous line continues
        // that scalar (YAML folds it in): text, not a node start.
        let previousOwner = plainScalarOwner
        var continuation = false
        if let previousOwner, openQuote == nil, flowDepth == 0 {
            if indent == end { return nil }   // a blank line: the scalar may go on after it
            continuation = indent - start > previousOwner && bytes[indent] != UInt8(ascii: "#") && !marker
        }
        plainScalarOwner = nil
        var owner: Int?   // set when this line ends inside a plain scalar that may continue
        if let quote = openQuote {
            openQuote = nil
            guard skipQuoted(quote, end: end) else { return nil }
        } else if continuation {
            expectNode = false
            owner = previousOwner
        } else if flowDepth == 0 {
            expectNode = true
            // Directives and document markers (`%YAML`, `---`, `...`) at column 0.
            if end > start && bytes[start] == UInt8(ascii: "%") { return nil }
            if marker {
                if bytes[start] == UInt8(ascii: ".") { return nil }
                i = start + 3
            }
        }
        defer { if flowDepth == 0, openQuote == nil, blockScalarParent == nil, let owner { plainScalarOwner = owner } }
        var lastNodeColumn: Int?   // where the last node on this line started (its parent for a block scalar)
        while i < end {
            let c = bytes[i]
            if Self.isSpace(c) { i += 1; continue }
            if c == UInt8(ascii: "#") && (i == start || Self.isSpace(bytes[i - 1])) { owner = nil; return nil }
            if expectNode {
                if c == UInt8(ascii: "&") || c == UInt8(ascii: "*") { return i }
                if c == UInt8(ascii: "!") {   // a tag: the node follows it
                    while i < end && !isBlank(i, end: end) && !(flowDepth > 0 && isFlowIndicator(bytes[i])) { i += 1 }
                    continue
                }
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    lastNodeColumn = i - start
                    i += 1
                    expectNode = false
                    guard skipQuoted(c, end: end) else { return nil }
                    continue
                }
                if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
                    flowDepth += 1
                    i += 1
                    continue
                }
                if (c == UInt8(ascii: "-") && flowDepth == 0 || c == UInt8(ascii: "?")) && isBlank(i + 1, end: end) {
                    lastNodeColumn = i - start
                    i += 1
                    continue
                }
                if (c == UInt8(ascii: "|") || c == UInt8(ascii: ">")) && flowDepth == 0 {
                    blockScalarParent = lastNodeColumn ?? (indent - start - 1)
                    expectNode = false
                    return nil
                }
                if (c == UInt8(ascii: "]") || c == UInt8(ascii: "}")) && flowDepth > 0 {
                    flowDepth -= 1
                    i += 1
                    expectNode = false
                    continue
                }
                if c == UInt8(ascii: ",") && flowDepth > 0 {
                    i += 1
                    continue
                }
                // A plain scalar: up to a `: `, a ` #` or, in a flow collection, a flow indicator.
                // Reaching the end of the line, it may go on (its owner: the key or `-` before it).
                owner = lastNodeColumn ?? (indent - start - 1)
                lastNodeColumn = i - start
                expectNode = false
                while i < end {
                    let d = bytes[i]
                    if d == UInt8(ascii: ":") && (isBlank(i + 1, end: end) || (flowDepth > 0 && isFlowIndicator(bytes[i + 1]))) { break }
                    if d == UInt8(ascii: "#") && Self.isSpace(bytes[i - 1]) { break }
                    if flowDepth > 0 && isFlowIndicator(d) { break }
                    i += 1
                }
                if i < end { owner = nil }
                continue
            }
            // After a node: a value indicator, or in a flow collection its separators and ends.
            if c == UInt8(ascii: ":") && (isBlank(i + 1, end: end) || flowDepth > 0) {
                expectNode = true
                owner = nil
            } else if flowDepth > 0 && c == UInt8(ascii: ",") {
                expectNode = true
            } else if flowDepth > 0 && (c == UInt8(ascii: "]") || c == UInt8(ascii: "}")) {
                flowDepth -= 1
            }
            i += 1
        }
        return nil
    }

    /// Skips a quoted scalar's text up to and past its closing quote; false when it goes on past
    /// this line (the next line continues it).
    mutating func skipQuoted(_ quote: UInt8, end: Int) -> Bool {
        while i < end {
            let c = bytes[i]
            if quote == UInt8(ascii: "\"") && c == UInt8(ascii: "\\") { i += 2; continue }
            if c == quote {
                if quote == UInt8(ascii: "'") && i + 1 < end && bytes[i + 1] == quote { i += 2; continue }
                i += 1
                return true
            }
            i += 1
        }
        openQuote = quote
        return false
    }
}
