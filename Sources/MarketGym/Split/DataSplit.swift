/// An inclusive range of calendar dates, `YYYY-MM-DD` in UTC.
public struct DateRange: Codable, Sendable, Equatable {
    /// First date included. Default `1900-01-01`.
    public var from: String = "1900-01-01"
    /// Last date included. Default `2999-12-31`.
    public var to: String = "2999-12-31"

    /// A range of `YYYY-MM-DD` dates, both ends included.
    public init(from: String = "1900-01-01", to: String = "2999-12-31") {
        self.from = from
        self.to = to
    }
}

/// How the data's timeline is split into train / valid / test.
///
/// Either three named date ranges, or (when `walkForwardTestYear` is set) one walk-forward fold:
/// test = that calendar year, valid = the `walkForwardValidYears` years before it, train = everything
/// earlier. Iterate folds with `DataSplit.walkForward(timestamps:testYears:validYears:)`.
public struct SplitConfig: Codable, Sendable, Equatable {
    /// Training dates. Default 1990-01-01 to 2014-12-31 (25 years of the bundled S&P data).
    public var train = DateRange(from: "1990-01-01", to: "2014-12-31")
    /// Validation dates (model selection). Default 2015-01-01 to 2018-12-31.
    public var valid = DateRange(from: "2015-01-01", to: "2018-12-31")
    /// Test dates (reported once). Default 2019-01-01 to 2022-12-31.
    public var test = DateRange(from: "2019-01-01", to: "2022-12-31")
    /// When nonzero, the walk-forward fold whose test year this is replaces the ranges above. Default 0 (off).
    public var walkForwardTestYear: Int = 0
    /// Years of validation before a walk-forward test year. Default 1; 0 means no validation bars
    /// (for data that start mid-year, like the bundled crypto bars from 2017-08).
    public var walkForwardValidYears: Int = 1

    /// Every field at its documented default.
    public init() {}
}

extension SplitConfig {
    /// Calendar years a walk-forward test year may name (`CivilDate` covers 0001 to 9999).
    public static let walkForwardYears = 1...9999

    /// Checks the dates and the walk-forward fold before any data is read.
    ///
    /// Dates must be `YYYY-MM-DD` with `from <= to`; the train, valid and test ranges must not
    /// overlap (a bar in two of them would be both trained on and used to select or test);
    /// `walkForwardTestYear` is 0 (off) or a year in 1...9999, with `walkForwardValidYears` in
    /// 0...100 leaving at least year 1 for training.
    /// - Throws: `ConfigError.invalidValue` naming `splits.<key>`, the value and the fix.
    public func validate() throws(ConfigError) {
        guard (0...100).contains(walkForwardValidYears) else {
            throw .invalidValue(path: "splits.walkForwardValidYears", found: String(walkForwardValidYears), expected: "years in 0...100 (default 1)")
        }
        if walkForwardTestYear != 0 {
            guard Self.walkForwardYears.contains(walkForwardTestYear) else {
                throw .invalidValue(path: "splits.walkForwardTestYear", found: String(walkForwardTestYear),
                                    expected: "0 (off) or a calendar year in 1...9999, e.g. 2020")
            }
            guard walkForwardTestYear - walkForwardValidYears >= 2 else {
                throw .invalidValue(path: "splits.walkForwardValidYears", found: String(walkForwardValidYears),
                                    expected: "years in 0...100 that leave earlier years to train on (test year \(walkForwardTestYear)). Fix: fewer validation years")
            }
            return
        }
        let named = [("train", train), ("valid", valid), ("test", test)]
        var parsed: [(name: String, range: DateRange, from: CivilDate, to: CivilDate)] = []
        for (name, r) in named {
            guard let from = CivilDate(iso: r.from) else {
                throw .invalidValue(path: "splits.\(name).from", found: "'\(r.from)'", expected: "a date YYYY-MM-DD")
            }
            guard let to = CivilDate(iso: r.to) else {
                throw .invalidValue(path: "splits.\(name).to", found: "'\(r.to)'", expected: "a date YYYY-MM-DD")
            }
            guard from.epochSeconds <= to.epochSeconds else {
                throw .invalidValue(path: "splits.\(name)", found: "\(r.from) to \(r.to)", expected: "from <= to. Fix: swap the dates")
            }
            parsed.append((name, r, from, to))
        }
        for i in 0..<parsed.count {
            for j in (i + 1)..<parsed.count {
                let a = parsed[i], b = parsed[j]
                if a.from.epochSeconds <= b.to.epochSeconds && b.from.epochSeconds <= a.to.epochSeconds {
                    throw .invalidValue(path: "splits.\(b.name)", found: "\(b.range.from) to \(b.range.to), which overlaps splits.\(a.name) (\(a.range.from) to \(a.range.to))",
                                        expected: "date ranges that do not overlap, so no bar is both trained on and \(b.name == "test" ? "tested" : "validated") on. Fix: move one of the ranges")
                }
            }
        }
    }
}

/// Errors resolving splits against a timeline.
public enum SplitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A split date is not `YYYY-MM-DD`.
    case badDate(path: String, found: String)
    /// No bar falls inside the split.
    case empty(split: String, from: String, to: String, dataFrom: String, dataTo: String)
    /// The split name is not train, valid, test or all.
    case unknownSplit(String)
    /// A walk-forward fold outside the calendar `CivilDate` covers (years 1 to 9999).
    case yearOutOfRange(testYear: Int, validYears: Int)

    /// The problem and the fix.
    public var description: String {
        switch self {
        case let .badDate(path, found):
            return "splits.\(path): '\(found)' is not a date; expected YYYY-MM-DD."
        case let .empty(split, from, to, dataFrom, dataTo):
            return "split '\(split)' (\(from) to \(to)) holds no bars; the data runs from \(dataFrom) to \(dataTo). Move the split inside the data's dates."
        case let .unknownSplit(name):
            return "unknown split '\(name)'; expected train, valid, test or all."
        case let .yearOutOfRange(testYear, validYears):
            return "splits.walkForwardTestYear \(testYear) with \(validYears) validation years is outside the calendar (years 1...9999). Use a year of the data, e.g. 2020."
        }
    }
}

/// A named range of bar indices resolved from dates.
public struct DataSplit: Sendable, Equatable {
    /// `train`, `valid`, `test`, `all`, or a fold name.
    public var name: String
    /// Bar indices inside the split (decision bars).
    public var bars: Range<Int>

    /// A split over `bars`.
    public init(name: String, bars: Range<Int>) {
        self.name = name
        self.bars = bars
    }

    /// The bars whose UTC date lies in `range` (inclusive).
    /// - Throws: `SplitError.badDate` for a malformed date, `.empty` when no bar falls inside.
    public static func resolve(_ range: DateRange, name: String, timestamps: [Int64]) throws(SplitError) -> DataSplit {
        guard let from = CivilDate(iso: range.from) else { throw .badDate(path: "\(name).from", found: range.from) }
        guard let to = CivilDate(iso: range.to) else { throw .badDate(path: "\(name).to", found: range.to) }
        return try resolve(from: from.epochSeconds, toExclusive: to.epochSeconds + 86_400, name: name,
                           label: (range.from, range.to), timestamps: timestamps)
    }

    static func resolve(from: Int64, toExclusive: Int64, name: String, label: (String, String), timestamps: [Int64]) throws(SplitError) -> DataSplit {
        let lo = lowerBound(timestamps, from)
        let hi = lowerBound(timestamps, toExclusive)
        guard lo < hi else {
            let df = timestamps.first.map { CivilDate(epochSeconds: $0).description } ?? "-"
            let dt = timestamps.last.map { CivilDate(epochSeconds: $0).description } ?? "-"
            throw .empty(split: name, from: label.0, to: label.1, dataFrom: df, dataTo: dt)
        }
        return DataSplit(name: name, bars: lo..<hi)
    }

    /// Resolves a split by name (`train`, `valid`, `test`, `all`) under `config`.
    /// - Throws: `SplitError`.
    public static func named(_ name: String, config: SplitConfig, timestamps: [Int64]) throws(SplitError) -> DataSplit {
        if name == "all" { return DataSplit(name: "all", bars: 0..<timestamps.count) }
        if config.walkForwardTestYear != 0 {
            let fold = try walkForwardFold(testYear: config.walkForwardTestYear, validYears: config.walkForwardValidYears, timestamps: timestamps)
            switch name {
            case "train": return fold.train
            case "valid": return fold.valid
            case "test": return fold.test
            default: throw .unknownSplit(name)
            }
        }
        switch name {
        case "train": return try resolve(config.train, name: name, timestamps: timestamps)
        case "valid": return try resolve(config.valid, name: name, timestamps: timestamps)
        case "test": return try resolve(config.test, name: name, timestamps: timestamps)
        default: throw .unknownSplit(name)
        }
    }

    /// One year-by-year walk-forward fold.
    public struct Fold: Sendable, Equatable {
        /// The calendar year tested.
        public var testYear: Int
        /// Everything before the validation years; the validation years; the test year.
        public var train: DataSplit
        public var valid: DataSplit
        public var test: DataSplit
    }

    /// The fold testing on `testYear`: valid = the `validYears` years before, train = all earlier bars
    /// (`validYears` 0: no validation bars, train = every bar before the test year).
    /// - Throws: `SplitError.empty` when a part holds no bars, `.yearOutOfRange` outside years 1...9999.
    public static func walkForwardFold(testYear: Int, validYears: Int, timestamps: [Int64]) throws(SplitError) -> Fold {
        // Guard before any date arithmetic: a year like 10^14 overflows the epoch-seconds conversion.
        guard SplitConfig.walkForwardYears.contains(testYear), validYears <= SplitConfig.walkForwardYears.upperBound,
              testYear - max(0, validYears) >= 1 else { throw .yearOutOfRange(testYear: testYear, validYears: validYears) }
        func start(_ y: Int) -> Int64 { CivilDate(year: y, month: 1, day: 1).epochSeconds }
        let vy = testYear - max(0, validYears)
        let train = try resolve(from: Int64.min, toExclusive: start(vy), name: "train",
                                label: ("start", "\(vy - 1)-12-31"), timestamps: timestamps)
        // validYears 0: no validation years (data that start mid-year, such as crypto from 2017-08,
        // have no full year before the first test year); the valid split is empty, at the test start.
        let valid = validYears <= 0
            ? DataSplit(name: "valid", bars: train.bars.upperBound..<train.bars.upperBound)
            : try resolve(from: start(vy), toExclusive: start(testYear), name: "valid",
                          label: ("\(vy)-01-01", "\(testYear - 1)-12-31"), timestamps: timestamps)
        let test = try resolve(from: start(testYear), toExclusive: start(testYear + 1), name: "test",
                               label: ("\(testYear)-01-01", "\(testYear)-12-31"), timestamps: timestamps)
        return Fold(testYear: testYear, train: train, valid: valid, test: test)
    }

    /// Every walk-forward fold for the given test years, in order.
    public static func walkForward(timestamps: [Int64], testYears: ClosedRange<Int>, validYears: Int = 1) throws(SplitError) -> [Fold] {
        var folds: [Fold] = []
        for y in testYears { folds.append(try walkForwardFold(testYear: y, validYears: validYears, timestamps: timestamps)) }
        return folds
    }
}

private func lowerBound(_ a: [Int64], _ x: Int64) -> Int {
    var lo = 0, hi = a.count
    while lo < hi {
        let mid = (lo + hi) / 2
        if a[mid] < x { lo = mid + 1 } else { hi = mid }
    }
    return lo
}
