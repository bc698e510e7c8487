import Foundation

extension PredictionTable {
    /// Loads predictions from a long CSV (`timestamp,asset,<feature columns...>`, plain or gzip) or
    /// MarketGym HDF5 (docs/data.md).
    ///
    /// The timestamp column may be named `timestamp`, `date`, `time` or `datetime`, the asset column
    /// `asset`, `symbol` or `ticker` (case-insensitive); every other column is a feature. Empty
    /// cells (or `NA`, `NaN`) are missing values. Rows may come in any order.
    /// - Parameters:
    ///   - url: the file.
    ///   - timestampFormat: how timestamps are written (default: ISO or epoch seconds).
    /// - Throws: `DataFileError` for an empty file, a missing column, a ragged row, an unparseable
    ///   timestamp or value, or a (timestamp, asset) pair that repeats.
    public static func load(contentsOf url: URL, timestampFormat: TimestampFormat = .automatic) throws(DataFileError) -> PredictionTable {
        if DataFileReader.isHDF5File(url) { return try readHDF5(file: url.path) }
        let raw = try DataFileReader.rawBytes(url)
        return try parseCSV(raw, source: url.path, timestampFormat: timestampFormat)
    }

    /// Parses predictions from CSV bytes (plain or gzip); see `load(contentsOf:timestampFormat:)`.
    /// - Throws: `DataFileError` on the first problem.
    public static func parseCSV(_ bytes: [UInt8], source: String = "<memory>", timestampFormat: TimestampFormat = .automatic) throws(DataFileError) -> PredictionTable {
        let text = try DataFileReader.textBytes(bytes, file: source)
        try DataFileReader.checkText(text, file: source)
        return try text.withUnsafeBufferPointer { (buf) throws(DataFileError) in
            try parse(ByteCSV(bytes: buf), source: source, timestampFormat: timestampFormat)
        }
    }

    private static func parse(_ csv: ByteCSV, source: String, timestampFormat: TimestampFormat) throws(DataFileError) -> PredictionTable {
        var header: [String]?
        var tsColumn = -1, assetColumn = -1
        var featureColumns: [Int] = []
        var assets: [String] = []
        var assetByName: [String: Int32] = [:]
        var firstLine: [Int] = []
        var timestamps: [Int64] = []
        var assetIndex: [Int32] = []
        var lines: [Int] = []
        var values: [Float] = []
        try csv.forEachRow { (line, cells) throws(DataFileError) in
            guard let names = header else {
                let names = cells.map { csv.string($0) }
                header = names
                var seen = Set<String>()
                for (c, raw) in names.enumerated() {
                    let lower = raw.lowercased()
                    if BarCSVParser.timestampNames.contains(lower) && tsColumn < 0 { tsColumn = c; continue }
                    if BarCSVParser.assetNames.contains(lower) && assetColumn < 0 { assetColumn = c; continue }
                    guard !raw.isEmpty else {
                        throw .badHeader(file: source, line: line, column: c + 1, found: raw, expected: "a feature name")
                    }
                    if let problem = ByteCSV.nameProblem(raw) {
                        throw .badName(file: source, line: line, column: c + 1, name: raw, problem: problem)
                    }
                    guard seen.insert(raw).inserted else { throw .duplicateColumn(file: source, line: line, column: c + 1, name: raw) }
                    featureColumns.append(c)
                }
                if tsColumn < 0 { throw .missingColumn(file: source, line: line, column: "timestamp", header: names) }
                if assetColumn < 0 { throw .missingColumn(file: source, line: line, column: "asset", header: names) }
                if featureColumns.isEmpty { throw .missingColumn(file: source, line: line, column: "<feature>", header: names) }
                return
            }
            guard cells.count == names.count else {
                throw .raggedRow(file: source, line: line, expected: names.count, found: cells.count)
            }
            guard let ts = Timestamp.parse(csv.bytes, cells[tsColumn], format: timestampFormat) else {
                throw .unparseableTimestamp(file: source, line: line, column: tsColumn + 1, value: csv.string(cells[tsColumn]), format: timestampFormat)
            }
            // As for bars: a stamp outside 1800-9999 is a unit mistake, and could not be written back as ISO text (found by FuzzPredictionsCSV).
            guard DataLimits.allows(timestamp: ts) else {
                throw .valueOutOfRange(file: source, line: line, column: tsColumn + 1, columnName: names[tsColumn],
                                       value: DataLimits.excerpt(csv.string(cells[tsColumn])),
                                       range: DataLimits.yearsRange(fix: "write epoch seconds or ISO date-times"))
            }
            let name = csv.string(cells[assetColumn])
            guard !name.isEmpty else {
                throw .unparseableValue(file: source, line: line, column: assetColumn + 1, columnName: names[assetColumn], value: "")
            }
            let a: Int32
            if let known = assetByName[name] { a = known } else {
                if let problem = ByteCSV.nameProblem(name) {
                    throw .badName(file: source, line: line, column: assetColumn + 1, name: name, problem: problem)
                }
                a = Int32(assets.count)
                assetByName[name] = a
                assets.append(name)
                firstLine.append(line)
            }
            for c in featureColumns {
                let cell = cells[c]
                if csv.isMissing(cell) { values.append(.nan); continue }
                guard let v = csv.double(cell) else {
                    throw .unparseableValue(file: source, line: line, column: c + 1, columnName: names[c], value: DataLimits.excerpt(csv.string(cell)))
                }
                // Features are stored as Float: a finite Double beyond Float's range would become infinity.
                guard abs(v) <= Double(Float.greatestFiniteMagnitude) else {
                    throw .valueOutOfRange(file: source, line: line, column: c + 1, columnName: names[c], value: csv.string(cell),
                                           range: "±\(Float.greatestFiniteMagnitude) (features are stored as 32-bit floats)")
                }
                values.append(Float(v))
            }
            timestamps.append(ts)
            assetIndex.append(a)
            lines.append(line)
        }
        guard let names = header else { throw .emptyFile(file: source) }
        guard !timestamps.isEmpty else { throw .noRows(file: source) }
        // Duplicates: sort (timestamp, asset, line) and compare neighbours, to name both lines.
        let order = timestamps.indices.sorted { (timestamps[$0], assetIndex[$0], lines[$0]) < (timestamps[$1], assetIndex[$1], lines[$1]) }
        for (a, b) in zip(order, order.dropFirst()) where timestamps[a] == timestamps[b] && assetIndex[a] == assetIndex[b] {
            throw .duplicateTimestamp(file: source, line: lines[b], firstLine: lines[a],
                                      timestamp: Timestamp.iso(timestamps[a], dateOnly: timestamps[a] % 86_400 == 0),
                                      asset: assets[Int(assetIndex[a])])
        }
        return PredictionTable(featureNames: featureColumns.map { names[$0] }, assets: assets, timestamps: timestamps,
                               assetIndex: assetIndex, values: values, source: source, firstLine: firstLine)
    }

    /// The table as CSV text: `timestamp,asset,<features>`, rows by (timestamp, asset).
    ///
    /// Timestamps are ISO dates when every stamp is a UTC midnight, else ISO date-times with `Z`.
    /// Values use the shortest decimal that reads back as the same `Float` (so a round trip is
    /// exact), or `%.<d>g` with `significantDigits` d (smaller files, e.g. for committed data);
    /// missing values are empty cells.
    /// - Parameter significantDigits: nil for exact round trips, else 1...9 significant digits.
    public func csvBytes(significantDigits: Int? = nil) -> [UInt8] {
        if let d = significantDigits { precondition((1...9).contains(d), "csvBytes: significantDigits \(d) not in 1...9") }
        let pattern = significantDigits.map { "%.\($0)g" }
        let dateOnly = timestamps.allSatisfy { $0 % 86_400 == 0 }
        var out: [UInt8] = []
        out.reserveCapacity(recordCount * (16 + 12 * featureCount))
        out.append(contentsOf: ("timestamp,asset," + featureNames.joined(separator: ",") + "\n").utf8)
        var lastTs = Int64.min
        var tsText: [UInt8] = []
        let k = featureCount
        for r in 0..<recordCount {
            if timestamps[r] != lastTs {
                lastTs = timestamps[r]
                tsText = Array(Timestamp.iso(lastTs, dateOnly: dateOnly).utf8)
            }
            out.append(contentsOf: tsText)
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: assets[Int(assetIndex[r])].utf8)
            for f in 0..<k {
                out.append(UInt8(ascii: ","))
                let v = values[r * k + f]
                guard !v.isNaN else { continue }
                if let pattern { out.append(contentsOf: String(format: pattern, Double(v)).utf8) } else { out.append(contentsOf: v.description.utf8) }
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// Writes the table as CSV, gzip-compressed when the path ends in `.gz`.
    /// - Parameters:
    ///   - url: the file to write (atomically).
    ///   - significantDigits: see `csvBytes(significantDigits:)`; nil for exact round trips.
    /// - Throws: `DataFileError.unwritable` when the file cannot be written.
    public func writeCSV(to url: URL, significantDigits: Int? = nil) throws(DataFileError) {
        var bytes = csvBytes(significantDigits: significantDigits)
        if url.pathExtension == "gz" { bytes = Gzip.compress(bytes, level: 9) }
        do { try Data(bytes).write(to: url, options: .atomic) } catch {
            throw .unwritable(file: url.path, reason: error.localizedDescription)
        }
    }
}
