/// Conversions between UTC epoch seconds and proleptic Gregorian calendar dates, without Foundation.
///
/// Algorithms from H. Hinnant, "chrono-Compatible Low-Level Date Algorithms" (days_from_civil,
/// civil_from_days), exact for every date in range.
public struct CivilDate: Sendable, Equatable, Hashable, Comparable, CustomStringConvertible {
    /// Calendar year, month (1-12) and day (1-31).
    public var year: Int
    public var month: Int
    public var day: Int

    /// - Precondition: `month` in 1...12 and `day` in 1...31.
    public init(year: Int, month: Int, day: Int) {
        precondition((1...12).contains(month) && (1...31).contains(day), "CivilDate: month \(month), day \(day)")
        self.year = year
        self.month = month
        self.day = day
    }

    /// The UTC date of an epoch timestamp (seconds).
    public init(epochSeconds: Int64) {
        let (y, m, d) = Timestamp.civil(days: floorDiv(epochSeconds, 86_400))
        self.init(year: y, month: m, day: d)
    }

    /// Parses `YYYY-MM-DD`; nil when malformed.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= CivilDate.daysIn(month: m, year: y) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Days in a month of the proleptic Gregorian calendar.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z at this date's midnight UTC.
    public var epochSeconds: Int64 {
        Timestamp.days(year: year, month: month, day: day) * 86_400
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        func pad(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Chronological order.
    public static func < (a: CivilDate, b: CivilDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
}

@inline(__always)
private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// Seconds in the year used for annualizing rates (365.25 days, the Julian year).
public let secondsPerYear: Double = 365.25 * 86_400
