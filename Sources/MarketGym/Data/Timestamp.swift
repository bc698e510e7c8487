/// How timestamps in a data file are written.
///
/// `.automatic` accepts, per field: ISO dates (`2020-01-02`), ISO date-times with `T` or a space,
/// optional seconds and fraction, and an optional zone (`Z`, `+01:00`, `-0500`; UTC when absent),
/// and integer epoch seconds (`1577923200`). `.pattern` takes a strftime-like pattern for anything
/// else: `%Y` (4-digit year), `%y` (2-digit year, 1969-2068), `%m`, `%d`, `%H`, `%M`, `%S`, `%b`
/// (month abbreviation, `Jan`), `%I` (12-hour clock, 01-12, needs `%p`), `%p` (`AM`/`PM`, any case), `%z` (`Z`, `+HH:MM`, `+HHMM`), `%%`; other characters must match.
/// Timestamps are whole UTC seconds; fractions of a second are dropped.
public enum TimestampFormat: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// ISO date, ISO date-time (optional zone, UTC otherwise) or epoch seconds, detected per field.
    case automatic
    /// An explicit strftime-like pattern, e.g. `%d/%m/%Y` or `%Y%m%d %H%M`.
    case pattern(String)

    public var description: String {
        switch self {
        case .automatic: return "automatic (ISO date, ISO date-time with optional zone, or epoch seconds)"
        case let .pattern(p): return "pattern '\(p)'"
        }
    }
}

/// Conversions between civil UTC dates and epoch seconds, and timestamp parsing from raw bytes.
public enum Timestamp {
    /// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's `days_from_civil`).
    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01 (Hinnant's `civil_from_days`).
    public static func civil(days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
    }

    /// The calendar year (UTC) of epoch seconds.
    public static func year(of seconds: Int64) -> Int {
        civil(days: floorDiv(seconds, 86_400)).year
    }

    /// ISO 8601 text for epoch seconds: `YYYY-MM-DD` when `dateOnly`, else `YYYY-MM-DDTHH:MM:SSZ`.
    public static func iso(_ seconds: Int64, dateOnly: Bool = false) -> String {
        let days = floorDiv(seconds, 86_400)
        let (y, m, d) = civil(days: days)
        var s = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
        if !dateOnly {
            let rest = seconds - days * 86_400
            s += "T" + pad(Int(rest / 3600), 2) + ":" + pad(Int(rest % 3600 / 60), 2) + ":" + pad(Int(rest % 60), 2) + "Z"
        }
        return s
    }

    /// Parses a timestamp given as text (see `TimestampFormat`); nil when it does not parse.
    public static func parse(_ text: String, format: TimestampFormat = .automatic) -> Int64? {
        var utf8 = Array(text.utf8)
        return utf8.withUnsafeMutableBufferPointer { buf in
            parse(UnsafeBufferPointer(buf), 0..<buf.count, format: format)
        }
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func parse(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, format: TimestampFormat) -> Int64? {
        switch format {
        case .automatic: return parseAutomatic(b, range)
        case let .pattern(p): return parsePattern(b, range, pattern: Array(p.utf8))
        }
    }

    private static func digit(_ b: UnsafeBufferPointer<UInt8>, _ k: Int) -> Int? {
        let d = b[k] &- 48
        return d < 10 ? Int(d) : nil
    }

    /// Reads exactly `count` digits at `k`.
    private static func number(_ b: UnsafeBufferPointer<UInt8>, _ k: Int, _ count: Int, _ end: Int) -> Int? {
        guard k + count <= end else { return nil }
        var v = 0
        for j in k..<(k + count) {
            guard let d = digit(b, j) else { return nil }
            v = v * 10 + d
        }
        return v
    }

    private static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func seconds(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int, offset: Int) -> Int64? {
        guard (1...12).contains(mo), d >= 1, d <= daysInMonth(y, mo), h <= 23, mi <= 59, s <= 60 else { return nil }
        return days(year: y, month: mo, day: d) * 86_400 + Int64(h * 3600 + mi * 60 + s) - Int64(offset)
    }

    private static func parseAutomatic(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int64? {
        let start = range.lowerBound, end = range.upperBound
        guard start < end else { return nil }
        // ISO: YYYY-MM-DD...
        if end - start >= 10, b[start + 4] == UInt8(ascii: "-"), b[start + 7] == UInt8(ascii: "-") {
            guard let y = number(b, start, 4, end), let mo = number(b, start + 5, 2, end), let d = number(b, start + 8, 2, end) else { return nil }
            var k = start + 10
            if k == end { return seconds(y, mo, d, 0, 0, 0, offset: 0) }
            guard b[k] == UInt8(ascii: "T") || b[k] == UInt8(ascii: " ") || b[k] == UInt8(ascii: "t") else { return nil }
            k += 1
            guard let h = number(b, k, 2, end), k + 2 < end, b[k + 2] == UInt8(ascii: ":"), let mi = number(b, k + 3, 2, end) else { return nil }
            k += 5
            var s = 0
            if k < end, b[k] == UInt8(ascii: ":") {
                guard let sec = number(b, k + 1, 2, end) else { return nil }
                s = sec
                k += 3
                if k < end, b[k] == UInt8(ascii: ".") || b[k] == UInt8(ascii: ",") {
                    k += 1
                    let fracStart = k
                    while k < end, digit(b, k) != nil { k += 1 }
                    if k == fracStart { return nil }
                }
            }
            guard let (offset, next) = zone(b, k, end), next == end else { return nil }
            return seconds(y, mo, d, h, mi, s, offset: offset)
        }
        // Epoch seconds: an optional sign and digits.
        var k = start
        var negative = false
        if b[k] == UInt8(ascii: "-") { negative = true; k += 1 }
        guard k < end, end - k <= 12 else { return nil }
        var v: Int64 = 0
        while k < end {
            guard let d = digit(b, k) else { return nil }
            v = v * 10 + Int64(d)
            k += 1
        }
        return negative ? -v : v
    }

    /// A zone suffix at `k`: nothing (UTC), `Z`, `+HH`, `+HH:MM` or `+HHMM`. Returns seconds east of UTC.
    private static func zone(_ b: UnsafeBufferPointer<UInt8>, _ k: Int, _ end: Int) -> (Int, Int)? {
        if k == end { return (0, k) }
        if b[k] == UInt8(ascii: "Z") || b[k] == UInt8(ascii: "z") { return (0, k + 1) }
        guard b[k] == UInt8(ascii: "+") || b[k] == UInt8(ascii: "-") else { return nil }
        let sign = b[k] == UInt8(ascii: "-") ? -1 : 1
        guard let hh = number(b, k + 1, 2, end) else { return nil }
        var j = k + 3
        var mm = 0
        if j < end, b[j] == UInt8(ascii: ":") { j += 1 }
        if j < end {
            guard let m = number(b, j, 2, end) else { return nil }
            mm = m
            j += 2
        }
        guard hh <= 23, mm <= 59 else { return nil }
        return (sign * (hh * 3600 + mm * 60), j)
    }

    private static let monthNames: [[UInt8]] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map { Array($0.utf8) }

    private static func parsePattern(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, pattern: [UInt8]) -> Int64? {
        var y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0, offset = 0
        var hour12 = false, pm: Bool? = nil
        var k = range.lowerBound
        let end = range.upperBound
        var p = 0
        while p < pattern.count {
            let c = pattern[p]
            if c == UInt8(ascii: "%"), p + 1 < pattern.count {
                let spec = pattern[p + 1]
                p += 2
                switch spec {
                case UInt8(ascii: "Y"): guard let v = number(b, k, 4, end) else { return nil }; y = v; k += 4
                case UInt8(ascii: "y"): guard let v = number(b, k, 2, end) else { return nil }; y = v < 69 ? 2000 + v : 1900 + v; k += 2
                case UInt8(ascii: "m"): guard let v = number(b, k, 2, end) else { return nil }; mo = v; k += 2
                case UInt8(ascii: "d"): guard let v = number(b, k, 2, end) else { return nil }; d = v; k += 2
                case UInt8(ascii: "H"): guard let v = number(b, k, 2, end) else { return nil }; h = v; k += 2
                case UInt8(ascii: "I"): guard let v = number(b, k, 2, end), (1...12).contains(v) else { return nil }; h = v; hour12 = true; k += 2
                case UInt8(ascii: "p"):
                    guard k + 2 <= end, b[k + 1] | 0x20 == UInt8(ascii: "m") else { return nil }
                    switch b[k] | 0x20 {
                    case UInt8(ascii: "a"): pm = false
                    case UInt8(ascii: "p"): pm = true
                    default: return nil
                    }
                    k += 2
                case UInt8(ascii: "M"): guard let v = number(b, k, 2, end) else { return nil }; mi = v; k += 2
                case UInt8(ascii: "S"): guard let v = number(b, k, 2, end) else { return nil }; s = v; k += 2
                case UInt8(ascii: "b"):
                    guard k + 3 <= end else { return nil }
                    let word = (k..<(k + 3)).map { b[$0] >= 65 && b[$0] <= 90 ? b[$0] + 32 : b[$0] }
                    guard let index = monthNames.firstIndex(of: word) else { return nil }
                    mo = index + 1; k += 3
                case UInt8(ascii: "z"):
                    guard let (o, next) = zone(b, k, end) else { return nil }
                    offset = o; k = next
                case UInt8(ascii: "%"):
                    guard k < end, b[k] == UInt8(ascii: "%") else { return nil }
                    k += 1
                default: return nil
                }
            } else {
                guard k < end, b[k] == c else { return nil }
                k += 1; p += 1
            }
        }
        guard k == end else { return nil }
        if hour12 {
            guard let pm else { return nil }  // %I without %p is ambiguous
            h = h % 12 + (pm ? 12 : 0)
        }
        return seconds(y, mo, d, h, mi, s, offset: offset)
    }
}

/// The outcome of reading a slash or dot date.
enum SlashDate: Equatable {
    case parsed(Int64)
    /// Month first failed, day first would work: the caller asks for `dayFirst`.
    case needsDayFirst
    case invalid
}

extension Timestamp {
    /// Reads `M/D/YYYY` (or `D/M/YYYY` when `dayFirst`), `/`, `.` or `-` separated, with an optional
    /// time `H:MM[:SS]` and optional `AM`/`PM` after a space.
    static func parseSlashDate(_ text: String, dayFirst: Bool) -> SlashDate {
        let pieces = text.split(separator: " ", omittingEmptySubsequences: true)
        guard let datePart = pieces.first, pieces.count <= 3 else { return .invalid }
        let parts = datePart.split(whereSeparator: { $0 == "/" || $0 == "." || $0 == "-" }).map { Int($0) }
        guard parts.count == 3, let p0 = parts[0], let p1 = parts[1], let p2 = parts[2], p2 >= 1000 else { return .invalid }
        var h = 0, mi = 0, s = 0
        if pieces.count >= 2 {
            let clock = pieces[1].split(separator: ":").map { Int($0) }
            guard clock.count >= 2, clock.count <= 3, clock.allSatisfy({ $0 != nil }) else { return .invalid }
            h = clock[0] ?? 0; mi = clock[1] ?? 0; s = clock.count == 3 ? (clock[2] ?? 0) : 0
            if pieces.count == 3 {
                let marker = pieces[2].uppercased()
                guard (marker == "AM" || marker == "PM"), (1...12).contains(h) else { return .invalid }
                h = h % 12 + (marker == "PM" ? 12 : 0)
            }
        }
        func make(_ month: Int, _ day: Int) -> Int64? {
            guard (1...12).contains(month), day >= 1, day <= 31, h <= 23, mi <= 59, s <= 60 else { return nil }
 return Timestamp.parse(String(p2) + "-" + two(month) + "-" + two(day) + "T" + two(h) + ":" + two(mi) + ":" + two(s) + "Z")
        }
        if dayFirst { return make(p1, p0).map { .parsed($0) } ?? .invalid }
        if let ts = make(p0, p1) { return .parsed(ts) }
        return make(p1, p0) == nil ? .invalid : .needsDayFirst
    }

    private static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
