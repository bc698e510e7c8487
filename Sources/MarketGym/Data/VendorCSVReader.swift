import Foundation

/// Reads one vendor bar file into `BarRows` as a `BarSourceSpec` says (banner, roles, units, clocks).
///
/// Every cell of a role column is parsed and checked; nothing is skipped silently: a problem is a
/// `BarSourceError` naming file, line and column, and what was merely unusual (banner, descending
/// rows, epoch units, missing cells) is counted in the returned summary.
struct VendorCSVReader {
    let spec: BarSourceSpec
    /// Default header names per role (lowercase), in priority order.
    static let defaultNames: [String: [String]] = [
        "timestamp": ["timestamp", "datetime", "date", "time", "unix", "open time"],
        "asset": ["asset", "symbol", "ticker"],
        "open": ["open"], "high": ["high"], "low": ["low"], "close": ["close"], "volume": ["volume"],
    ]
    /// How many leading lines the banner detection looks at.
    static let bannerSearchLines = 20

    /// Reads `file` and appends its rows to `rows`.
    func read(file: String, into rows: inout BarRows) throws(BarSourceError) -> FileReadSummary {
        let raw: [UInt8]
        do throws(DataFileError) { raw = try DataFileReader.rawBytes(URL(fileURLWithPath: file)) } catch { throw .file(error) }
        return try read(bytes: raw, file: file, into: &rows)
    }

    /// Reads a file's bytes (plain or gzip) named `file` in messages and for the asset stem.
    func read(bytes raw: [UInt8], file: String, into rows: inout BarRows) throws(BarSourceError) -> FileReadSummary {
        let text: [UInt8]
        do throws(DataFileError) {
            text = try DataFileReader.textBytes(raw, file: file)
            try DataFileReader.checkText(text, file: file)
        } catch { throw .file(error) }
        return try text.withUnsafeBufferPointer { (buf) throws(BarSourceError) in
            try parse(buf, file: file, into: &rows)
        }
    }

    private struct Layout {
        var timestamp = -1, date = -1, time = -1, asset = -1
        var field = [Int](repeating: -1, count: 5)
        var ignored: [String] = []
        var width = 0
    }

    private func parse(_ buf: UnsafeBufferPointer<UInt8>, file: String, into rows: inout BarRows) throws(BarSourceError) -> FileReadSummary {
        let csv = ByteCSV(bytes: buf)
        let fileIndex = Int32(rows.fileNames.count)
        rows.fileNames.append(file)
        var layout: Layout? = nil
        var seen = 0
        var skipped = 0
        var detected = false
        var pending: [(line: Int, cells: [String])] = []  // lines before the header, for banner detection
        var units = [0, 0, 0]
        var missing = 0
        var descending = 0
        var previous: Int64? = nil
        var count = 0
        let fixedAsset = spec.asset ?? Self.stem(of: file)
        var assetIndex: [String: Int32] = Dictionary(uniqueKeysWithValues: rows.assetNames.enumerated().map { ($1, Int32($0)) })
        var values = [Double](repeating: .nan, count: 5)
        try csv.forEachRow { (line, cells) throws(BarSourceError) in
            seen += 1
            guard let layout else {
                if let skip = spec.skipLines {
                    if seen <= skip { skipped += 1; return }
                    layout = try columns(cells.map { csv.string($0) }, file: file, line: line)
                    return
                }
                let names = cells.map { csv.string($0) }
                if let found = try? columns(names, file: file, line: line) {
                    layout = found
                    skipped = pending.count
                    detected = skipped > 0
                    return
                }
                pending.append((line, names))
                if pending.count >= Self.bannerSearchLines {
                    // Report the header problem of the likeliest header (the widest line), else no header.
                    if let widest = Self.widest(pending) { _ = try columns(widest.cells, file: file, line: widest.line) }
                    throw .noHeader(file: file, looked: pending.count, timestampNames: timestampNames)
                }
                return
            }
            guard cells.count == layout.width else {
                throw .file(.raggedRow(file: file, line: line, expected: layout.width, found: cells.count))
            }
            let ts = try timestamp(csv, cells, layout, file: file, line: line, units: &units)
            if let previous, ts < previous { descending += 1 }
            previous = ts
            let name: String
            if layout.asset >= 0 {
                let raw = csv.string(cells[layout.asset])
                guard !raw.isEmpty else {
                    throw .file(.unparseableValue(file: file, line: line, column: layout.asset + 1, columnName: "asset", value: ""))
                }
                name = spec.rename[raw] ?? raw
            } else {
                name = fixedAsset
            }
            let a: Int32
            if let k = assetIndex[name] { a = k } else {
                if let problem = ByteCSV.nameProblem(name) {
                    let origin = layout.asset >= 0 ? "column \(layout.asset + 1)" + (spec.rename[csv.string(cells[layout.asset])] != nil ? " after rename" : "")
                        : spec.asset != nil ? "the spec's asset" : "the file name"
                    throw .badSpec(key: "asset", found: "the asset name \(DataLimits.excerpt(name).debugDescription) (from \(origin), \(file):\(line)), which \(problem)",
                                   expected: "a name a CSV cell holds as is (panels are written as CSV and read back). Fix: set asset: NAME, or map it under rename")
                }
                a = Int32(rows.assetNames.count)
                assetIndex[name] = a
                rows.assetNames.append(name)
            }
            for f in 0..<5 {
                values[f] = .nan
                let c = layout.field[f]
                guard c >= 0 else { continue }
                let cell = cells[c]
                if csv.isMissing(cell) { missing += 1; continue }
                do throws(DataFileError) {
                    values[f] = try DataLimits.checkedValue(csv, cell, field: f, file: file, line: line, column: c + 1,
                                                            columnName: BarRows.fields[f])
                } catch { throw .file(error) }
            }
            rows.timestamps.append(ts)
            rows.assets.append(a)
            rows.files.append(fileIndex)
            rows.lines.append(Int32(truncatingIfNeeded: line))
            rows.values.append(contentsOf: values)
            count += 1
        }
        guard let layout else {
            if pending.isEmpty && spec.skipLines == nil { throw .file(.emptyFile(file: file)) }
            if let widest = Self.widest(pending) { _ = try columns(widest.cells, file: file, line: widest.line) }
            throw .noHeader(file: file, looked: pending.count, timestampNames: timestampNames)
        }
        if count == 0 { throw .file(.noRows(file: file)) }
        for f in 0..<5 where layout.field[f] >= 0 { rows.present[f] = true }
        return FileReadSummary(file: file, skippedLines: skipped, bannerDetected: detected, rows: count,
                               descendingSteps: descending, epochUnits: units, missingCells: missing, ignoredColumns: layout.ignored)
    }

    private var timestampNames: [String] {
        if let t = spec.columns.timestamp { return [t] }
        if let d = spec.columns.date { return [d] }
        return Self.defaultNames["timestamp"] ?? []
    }

    /// Maps header names to roles; throws for a named role that is absent or a column without a role.
    private func columns(_ names: [String], file: String, line: Int) throws(BarSourceError) -> Layout {
        var layout = Layout()
        layout.width = names.count
        let lower = names.map { $0.lowercased() }
        func find(_ role: String, _ configured: String?) throws(BarSourceError) -> Int {
            if let configured {
                guard let c = lower.firstIndex(of: configured.lowercased()) else {
                    throw .missingRole(file: file, line: line, role: role, name: configured, header: names)
                }
                return c
            }
            for candidate in Self.defaultNames[role] ?? [] {
                if let c = lower.firstIndex(of: candidate) { return c }
            }
            return -1
        }
        let roles = spec.columns
        if roles.date != nil || roles.time != nil {
            guard let d = roles.date, let t = roles.time else {
                throw .badSpec(key: "columns.date/columns.time", found: "only one of them", expected: "both (a date column and a time-of-day column), or columns.timestamp")
            }
            layout.date = try find("date", d)
            layout.time = try find("time", t)
        } else {
            layout.timestamp = try find("timestamp", roles.timestamp)
            if layout.timestamp < 0 {
                throw .missingRole(file: file, line: line, role: "timestamp", name: timestampNames.joined(separator: " or "), header: names)
            }
        }
        layout.asset = try find("asset", roles.asset)
        let configured = [roles.close, roles.open, roles.high, roles.low, roles.volume]
        for f in 0..<5 { layout.field[f] = try find(BarRows.fields[f], configured[f]) }
        if layout.field[0] < 0 {
            throw .missingRole(file: file, line: line, role: "close", name: roles.close ?? "close", header: names)
        }
        let used = Set([layout.timestamp, layout.date, layout.time, layout.asset] + layout.field)
        for (c, name) in names.enumerated() where !used.contains(c) {
            if spec.ignore.contains(where: { Self.matches(pattern: $0.lowercased(), name: lower[c]) }) {
                layout.ignored.append(name)
            } else {
                throw .unknownColumn(file: file, line: line, column: c + 1, name: name)
            }
        }
        return layout
    }

    /// The bar's timestamp in epoch seconds as written in the file (stamps are moved later).
    private func timestamp(_ csv: ByteCSV, _ cells: [Range<Int>], _ layout: Layout, file: String, line: Int,
                           units: inout [Int]) throws(BarSourceError) -> Int64 {
        let column: Int
        let ts: Int64?
        if layout.timestamp >= 0 {
            column = layout.timestamp
            let cell = cells[column]
            // With a pattern every cell is text (`20200102` under `%Y%m%d` is a date, not epoch seconds).
            if spec.timestampFormat == nil, let epoch = EpochNumber(csv.bytes, cell) {
                guard let (seconds, unit) = epoch.seconds(unit: spec.timestampUnit) else {
                    throw .timestampOutOfRange(file: file, line: line, column: column + 1, value: csv.string(cell), year: nil)
                }
                units[unit] += 1
                ts = seconds
            } else {
                ts = try text(csv.string(cell), file: file, line: line, column: column + 1)
            }
        } else {
            column = layout.date
            ts = try text(csv.string(cells[layout.date]) + " " + csv.string(cells[layout.time]), file: file, line: line, column: column + 1)
        }
        guard let ts else {
            let value = layout.timestamp >= 0 ? csv.string(cells[column]) : csv.string(cells[layout.date]) + " " + csv.string(cells[layout.time])
            throw .file(.unparseableTimestamp(file: file, line: line, column: column + 1, value: DataLimits.excerpt(value),
                                              format: spec.timestampFormat.map { .pattern($0) } ?? .automatic))
        }
        let year = Timestamp.year(of: ts)
        guard DataLimits.years.contains(year) else {
            throw .timestampOutOfRange(file: file, line: line, column: column + 1, value: csv.string(cells[column]), year: year)
        }
        return ts
    }

    /// A text timestamp: the spec's pattern, else ISO, else a slash or dot date with an optional
    /// time and AM/PM (month first unless `dayFirst`).
    private func text(_ value: String, file: String, line: Int, column: Int) throws(BarSourceError) -> Int64? {
        if let pattern = spec.timestampFormat { return Timestamp.parse(value, format: .pattern(pattern)) }
        if let iso = Timestamp.parse(value) { return iso }
        switch Timestamp.parseSlashDate(value, dayFirst: spec.dayFirst) {
        case .parsed(let ts): return ts
        case .needsDayFirst: throw .ambiguousDate(file: file, line: line, column: column, value: value)
        case .invalid: return nil
        }
    }

    /// The first of the widest lines (the likeliest header), when it has more than one cell.
    static func widest(_ lines: [(line: Int, cells: [String])]) -> (line: Int, cells: [String])? {
        var best: (line: Int, cells: [String])? = nil
        for l in lines where l.cells.count > (best?.cells.count ?? 1) { best = l }
        return best
    }

    /// `Binance_BTCUSDT_1h` for `/data/Binance_BTCUSDT_1h.csv.gz`.
    static func stem(of file: String) -> String {
        var name = URL(fileURLWithPath: file).lastPathComponent
        for suffix in [".csv.gz", ".csv", ".txt.gz", ".txt", ".gz"] where name.lowercased().hasSuffix(suffix) {
            name = String(name.dropLast(suffix.count))
            break
        }
        return name
    }

    /// Glob-style match of a lowercase name against a lowercase pattern with `*` wildcards.
    static func matches(pattern: String, name: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1 { return pattern == name }
        var rest = Substring(name)
        guard let first = parts.first, rest.hasPrefix(first) else { return false }
        rest = rest.dropFirst(first.count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let r = rest.range(of: part) else { return false }
            rest = rest[r.upperBound...]
        }
        guard let last = parts.last else { return true }
        return rest.hasSuffix(last)
    }
}
