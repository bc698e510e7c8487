#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte-level CSV reader over a whole in-memory buffer: no `String` per field, no allocation per row.
///
/// Rows end at `\n` (a preceding `\r` is dropped); fields are split at `,`. A field wrapped in double
/// quotes has them removed (embedded `""` is kept as is; quoted newlines are not supported — market
/// files have none). Blank lines are skipped. Line numbers are 1-based, as editors show them.
struct ByteCSV {
    let bytes: UnsafeBufferPointer<UInt8>

    /// Calls `body` for each non-blank line with its 1-based line number and the field ranges
    /// (reused between calls, so copy what must outlive the call).
    func forEachRow<E: Error>(_ body: (_ line: Int, _ fields: [Range<Int>]) throws(E) -> Void) throws(E) {
        var fields: [Range<Int>] = []
        fields.reserveCapacity(64)
        var line = 0
        var position = 0
        let count = bytes.count
        // Skip a UTF-8 byte-order mark (Excel writes one).
        if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
        while position < count {
            line += 1
            fields.removeAll(keepingCapacity: true)
            var fieldStart = position
            var end = position
            while end < count {
                let byte = bytes[end]
                if byte == UInt8(ascii: "\n") { break }
                if byte == UInt8(ascii: ",") {
                    fields.append(fieldStart..<end)
                    fieldStart = end + 1
                }
                end += 1
            }
            var lastEnd = end
            if lastEnd > fieldStart, bytes[lastEnd - 1] == UInt8(ascii: "\r") { lastEnd -= 1 }
            fields.append(fieldStart..<lastEnd)
            position = end + 1
            if fields.count == 1 && isBlank(fields[0]) { continue }
            for k in fields.indices { fields[k] = unquoted(trimmed(fields[k])) }
            try body(line, fields)
        }
    }

    /// Why `name` (an asset or feature name) cannot be written as a CSV cell and read back the same,
    /// or nil when it can. Panels and prediction tables are written as CSV (`data load --out`,
    /// `features build`) and read back by these readers, which split on commas, strip quotes, blanks
    /// and one CR. Checked on Unicode scalars, not Characters: a comma followed by a combining mark
    /// is one Character that is not `","` (found by FuzzBarSource).
    static func nameProblem(_ name: String) -> String? {
        let s = name.unicodeScalars
        guard let first = s.first, let last = s.last else { return "is empty" }
        if s.contains(",") { return "holds a comma" }
        if s.contains("\"") { return "holds a double quote" }
        if s.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029 }) {
            return "holds a control character or line break"
        }
        if first.properties.isWhitespace || last.properties.isWhitespace { return "starts or ends with a blank" }
        return nil
    }

    /// The field's text, for headers and error messages.
    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    func isBlank(_ range: Range<Int>) -> Bool {
        for k in range where bytes[k] != UInt8(ascii: " ") && bytes[k] != UInt8(ascii: "\t") && bytes[k] != UInt8(ascii: "\r") { return false }
        return true
    }

    private func trimmed(_ range: Range<Int>) -> Range<Int> {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi, bytes[lo] == UInt8(ascii: " ") || bytes[lo] == UInt8(ascii: "\t") { lo += 1 }
        while hi > lo, bytes[hi - 1] == UInt8(ascii: " ") || bytes[hi - 1] == UInt8(ascii: "\t") { hi -= 1 }
        return lo..<hi
    }

    private func unquoted(_ range: Range<Int>) -> Range<Int> {
        if range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "\""), bytes[range.upperBound - 1] == UInt8(ascii: "\"") {
            return (range.lowerBound + 1)..<(range.upperBound - 1)
        }
        return range
    }

    /// True when the field is a missing-value marker: empty, `NA`, `NaN`, `nan`, `null`, `N/A`.
    func isMissing(_ range: Range<Int>) -> Bool {
        switch range.count {
        case 0: return true
        case 2: return lower(range.lowerBound) == "n" && lower(range.lowerBound + 1) == "a"
        case 3:
            let a = lower(range.lowerBound), b = lower(range.lowerBound + 1), c = lower(range.lowerBound + 2)
            return (a == "n" && b == "a" && c == "n") || (a == "n" && b == "/" && c == "a")
        case 4:
            return lower(range.lowerBound) == "n" && lower(range.lowerBound + 1) == "u"
                && lower(range.lowerBound + 2) == "l" && lower(range.lowerBound + 3) == "l"
        default: return false
        }
    }

    private func lower(_ k: Int) -> Character {
        let b = bytes[k]
        return Character(Unicode.Scalar(b >= 65 && b <= 90 ? b + 32 : b))
    }

    /// Parses a decimal number (`-12.5`, `3e-4`, `.5`); nil when the field is not a finite number.
    ///
    /// Fast path (Clinger 1990): when the decimal significand is below 2^53 and the decimal exponent
    /// is within ±22, both are exact doubles and one IEEE multiply or divide rounds correctly, so
    /// the result equals `strtod`'s. Anything else goes to `strtod`.
    func double(_ range: Range<Int>) -> Double? {
        var k = range.lowerBound
        let end = range.upperBound
        if k == end { return nil }
        var negative = false
        if bytes[k] == UInt8(ascii: "-") { negative = true; k += 1 } else if bytes[k] == UInt8(ascii: "+") { k += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        let integerStart = k
        while k < end, bytes[k] &- 48 < 10 {
            mantissa = mantissa &* 10 &+ UInt64(bytes[k] &- 48)
            k += 1
        }
        digits = k - integerStart
        if k < end, bytes[k] == UInt8(ascii: ".") {
            k += 1
            let fractionStart = k
            while k < end, bytes[k] &- 48 < 10 {
                mantissa = mantissa &* 10 &+ UInt64(bytes[k] &- 48)
                k += 1
            }
            exponent = fractionStart - k
            digits += k - fractionStart
        }
        let sawDigit = digits > 0
        if !sawDigit { return nil }
        if k < end, bytes[k] == UInt8(ascii: "e") || bytes[k] == UInt8(ascii: "E") {
            k += 1
            var expNegative = false
            if k < end, bytes[k] == UInt8(ascii: "-") { expNegative = true; k += 1 } else if k < end, bytes[k] == UInt8(ascii: "+") { k += 1 }
            var e = 0
            var expDigits = 0
            while k < end, bytes[k] &- 48 < 10 {
                if e < 100_000 { e = e * 10 + Int(bytes[k] &- 48) }
                expDigits += 1; k += 1
            }
            if expDigits == 0 { return nil }
            exponent += expNegative ? -e : e
        }
        if k != end { return nil }
        // More than 19 digits may have wrapped the 64-bit mantissa: leave those to strtod.
        if digits <= 19 && mantissa < (1 << 53) && exponent >= -22 && exponent <= 22 {
            var value = Double(mantissa)
            if exponent < 0 { value /= powerOfTen(-exponent) } else if exponent > 0 { value *= powerOfTen(exponent) }
            return negative ? -value : value
        }
        return slowDouble(range)
    }

    private func slowDouble(_ range: Range<Int>) -> Double? {
        var text = [CChar](repeating: 0, count: range.count + 1)
        for (j, k) in range.enumerated() { text[j] = CChar(bitPattern: bytes[k]) }
        return text.withUnsafeBufferPointer { buf -> Double? in
            guard let base = buf.baseAddress else { return nil }
            var endPointer: UnsafeMutablePointer<CChar>?
            let value = strtod(base, &endPointer)
            guard let endPointer, endPointer - UnsafeMutablePointer(mutating: base) == range.count, value.isFinite else { return nil }
            return value
        }
    }

    /// 10^e for 0 <= e <= 22, all exact in binary64 (a switch, not a global table: no lazy-init check per call).
    @inline(__always)
    private func powerOfTen(_ e: Int) -> Double {
        switch e {
        case 0: return 1
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        case 15: return 1e15
        case 16: return 1e16
        case 17: return 1e17
        case 18: return 1e18
        case 19: return 1e19
        case 20: return 1e20
        case 21: return 1e21
        default: return 1e22
        }
    }
}
