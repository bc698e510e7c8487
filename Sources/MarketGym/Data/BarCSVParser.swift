/// Parses the three CSV bar layouts (docs/data.md) from decompressed bytes into `MarketData`.
///
/// Byte-level: fields are ranges into the buffer and numbers are parsed in place (`ByteCSV`), which
/// is what makes loading the bundled 8,313 x 20 file faster than pandas. Rows may come in any order
/// (they are sorted); a missing cell means the asset is not tradable at that bar.
struct BarCSVParser {
    /// Field order inside the parser; `close` first because it is required.
    static let fieldNames = ["close", "open", "high", "low", "volume"]
    static let timestampNames: Set<String> = ["timestamp", "date", "time", "datetime"]
    static let assetNames: Set<String> = ["asset", "symbol", "ticker"]
    static let volumeField = 4

    let file: String
    let options: BarLoadOptions

    /// Detects the layout from the header cells.
    static func layout(header: [String]) -> BarLayout {
        let lower = header.map { $0.lowercased() }
        if lower.contains(where: { assetNames.contains($0) }) { return .long }
        if header.dropFirst().contains(where: { $0.contains(":") }) { return .wideFields }
        return .wideCloses
    }

    /// Where a column's values go: which field, which asset (wide layouts; asset is -1 in long layouts).
    private struct Target {
        var field: Int
        var asset: Int
    }

    /// Parses a whole CSV. Returns nil only in collecting mode when errors prevent building the data.
    func parse(_ buffer: UnsafeBufferPointer<UInt8>, sink: inout IssueSink) throws(DataFileError) -> (MarketData, BarLayout)? {
        let csv = ByteCSV(bytes: buffer)
        var header: [String]? = nil
        var headerLine = 0
        var layout = BarLayout.wideCloses
        var assets: [String] = []
        var assetIndex: [String: Int] = [:]
        var targets: [Target] = []
        var timestampColumn = 0
        var assetColumn = -1
        var presentFields = [Bool](repeating: false, count: 5)
        var headerOK = true

        // Rows as read (file order): timestamp, line, asset (long only), and values.
        var rowTimestamps: [Int64] = []
        var rowLines: [Int] = []
        var rowAssets: [Int32] = []
        // Values per field, row-major, written in place: one buffer per field sized for every line of
        // the file (an upper bound on the rows), so no per-row append or copy-on-write check.
        var buffers = [UnsafeMutableBufferPointer<Double>](repeating: UnsafeMutableBufferPointer(start: nil, count: 0), count: 5)
        defer { for b in buffers where b.count > 0 { b.deallocate() } }
        var lineCount = 1
        for byte in buffer { lineCount &+= byte == UInt8(ascii: "\n") ? 1 : 0 }  // wrapping add: vectorizes
        var rowCount = 0
        var capacityRows = 0
        var width = 0  // values per row per field: N for wide, 1 for long

        try csv.forEachRow { (line, cells) throws(DataFileError) in
            guard header != nil else {
                let names = cells.map { csv.string($0) }
                header = names
                headerLine = line
                layout = Self.layout(header: names)
                headerOK = try setUpColumns(names, line: line, layout: layout, assets: &assets, assetIndex: &assetIndex,
                                            targets: &targets, timestampColumn: &timestampColumn, assetColumn: &assetColumn,
                                            present: &presentFields, sink: &sink)
                width = layout == .long ? 1 : assets.count
                // Sized from the rows actually read: start at min(lines, 4096) rows and double, so a
                // wide header over many short lines cannot request lines x assets up front.
                capacityRows = min(max(1, lineCount), 4096)
                for f in 0..<5 where presentFields[f] {
                    buffers[f] = .allocate(capacity: capacityRows * max(1, width))
                    buffers[f].initialize(repeating: .nan)
                }
                return
            }
            guard headerOK else { return }
            if rowCount == capacityRows {
                let grown = capacityRows * 2
                for f in 0..<5 where presentFields[f] {
                    let bigger = UnsafeMutableBufferPointer<Double>.allocate(capacity: grown * max(1, width))
                    bigger.initialize(repeating: .nan)
                    _ = UnsafeMutableBufferPointer(rebasing: bigger[0..<(capacityRows * max(1, width))]).update(fromContentsOf: buffers[f])
                    buffers[f].deallocate()
                    buffers[f] = bigger
                }
                capacityRows = grown
            }
            let expected = targets.count
            guard cells.count == expected else {
                try sink.report(.raggedRow(file: file, line: line, expected: expected, found: cells.count))
                return
            }
            guard let ts = Timestamp.parse(csv.bytes, cells[timestampColumn], format: options.timestampFormat) else {
                try sink.report(.unparseableTimestamp(file: file, line: line, column: timestampColumn + 1,
                                                      value: csv.string(cells[timestampColumn]), format: options.timestampFormat))
                return
            }
            if !DataLimits.allows(timestamp: ts) {
                try sink.report(.valueOutOfRange(file: file, line: line, column: timestampColumn + 1, columnName: "timestamp",
                                                 value: csv.string(cells[timestampColumn]),
                                                 range: DataLimits.yearsRange(fix: "convert them, or load with a bar spec and timestampUnit: milliseconds")))
                return
            }
            if layout == .long {
                let name = csv.string(cells[assetColumn])
                if name.isEmpty {
                    try sink.report(.unparseableValue(file: file, line: line, column: assetColumn + 1, columnName: "asset", value: ""))
                    return
                }
                if let k = assetIndex[name] {
                    rowAssets.append(Int32(k))
                } else {
                    if let problem = ByteCSV.nameProblem(name) {
                        try sink.report(.badName(file: file, line: line, column: assetColumn + 1, name: name, problem: problem))
                        return
                    }
                    assetIndex[name] = assets.count
                    rowAssets.append(Int32(assets.count))
                    assets.append(name)
                }
            }
            let base = rowCount * width
            for c in 0..<cells.count {
                let target = targets[c]
                guard target.field >= 0 else { continue }
                let cell = cells[c]
                if csv.isMissing(cell) { continue }
                guard let v = csv.double(cell) else {
                    try sink.report(.unparseableValue(file: file, line: line, column: c + 1, columnName: header?[c] ?? "", value: DataLimits.excerpt(csv.string(cell))))
                    continue
                }
                if target.field == Self.volumeField ? v < 0 : v <= 0 {
                    try sink.report(.nonPositivePrice(file: file, line: line, column: c + 1, columnName: header?[c] ?? "", value: csv.string(cell)))
                    continue
                }
                if !DataLimits.isAcceptable(v, field: target.field) {
                    try sink.report(.valueOutOfRange(file: file, line: line, column: c + 1, columnName: header?[c] ?? "", value: csv.string(cell),
                                                     range: target.field == Self.volumeField ? "0 to \(DataLimits.maxVolume)" : "\(DataLimits.minPrice) to \(DataLimits.maxPrice)"))
                    continue
                }
                buffers[target.field][base + max(target.asset, 0)] = v
            }
            rowTimestamps.append(ts)
            rowLines.append(line)
            rowCount += 1
        }
        guard header != nil else {
            try sink.report(.emptyFile(file: file))
            return nil
        }
        guard headerOK else { return nil }
        if rowTimestamps.isEmpty {
            try sink.report(.noRows(file: file))
            return nil
        }
        _ = headerLine
        let fields = (0..<5).map { presentFields[$0] ? Array(buffers[$0].prefix(rowCount * width)) : nil }
        let built: (timestamps: [Int64], fields: [[Double]?])?
        if layout == .long {
            built = try assembleLong(timestamps: rowTimestamps, lines: rowLines, rowAssets: rowAssets, assets: &assets, fields: fields, sink: &sink)
        } else {
            built = try assembleWide(timestamps: rowTimestamps, lines: rowLines, width: width, fields: fields, sink: &sink)
        }
        guard let built, sink.errorCount == 0 else { return nil }
        var lowered: [String: String] = [:]
        for a in assets {
            if let other = lowered[a.lowercased()], other != a {
                try sink.report(.caseOnlyAssetNames(file: file, first: other, second: a))
                return nil
            }
            lowered[a.lowercased()] = a
        }
        do {
            let data = try MarketData(assets: assets, timestamps: built.timestamps, close: built.fields[0] ?? [],
                                      open: built.fields[1], high: built.fields[2], low: built.fields[3],
                                      volume: built.fields[4], source: file)
            return (data, layout)
        } catch {
            try sink.report(.badLayout(file: file, path: "/", expected: "consistent bars", found: error.description))
            return nil
        }
    }

    /// Maps header cells to fields and assets; reports header errors. Returns false when rows cannot be read.
    private func setUpColumns(
        _ names: [String], line: Int, layout: BarLayout, assets: inout [String], assetIndex: inout [String: Int],
        targets: inout [Target], timestampColumn: inout Int, assetColumn: inout Int, present: inout [Bool],
        sink: inout IssueSink
    ) throws(DataFileError) -> Bool {
        var ok = true
        targets = Array(repeating: Target(field: -1, asset: -1), count: names.count)
        switch layout {
        case .long:
            var seen: [String: Int] = [:]
            timestampColumn = -1
            for (c, raw) in names.enumerated() {
                let name = raw.lowercased()
                if let first = seen[name] {
                    _ = first
                    try sink.report(.duplicateColumn(file: file, line: line, column: c + 1, name: raw)); ok = false; continue
                }
                seen[name] = c
                if Self.timestampNames.contains(name) && timestampColumn < 0 { timestampColumn = c }
                else if Self.assetNames.contains(name) && assetColumn < 0 { assetColumn = c }
                else if let f = Self.fieldNames.firstIndex(of: name) { targets[c].field = f; present[f] = true }
                else {
                    try sink.report(.badHeader(file: file, line: line, column: c + 1, found: raw,
                                               expected: "timestamp, asset, open, high, low, close or volume (case-insensitive)"))
                    ok = false
                }
            }
            if timestampColumn < 0 {
                try sink.report(.missingColumn(file: file, line: line, column: "timestamp", header: names)); ok = false
            }
            if !present[0] {
                try sink.report(.missingColumn(file: file, line: line, column: "close", header: names)); ok = false
            }
        case .wideCloses, .wideFields:
            timestampColumn = 0
            let fieldLike = names.dropFirst().filter { Self.fieldNames.contains($0.lowercased()) || $0.lowercased() == "adj close" }
            if layout == .wideCloses && fieldLike.count >= 2 {
                try sink.report(.fieldNamesAsAssets(file: file, line: line, columns: fieldLike))
                return false
            }
            var seenPairs: Set<String> = []
            for (c, raw) in names.enumerated().dropFirst() {
                var assetName = raw
                var field = 0
                if layout == .wideFields {
                    guard let colon = raw.lastIndex(of: ":") else {
                        try sink.report(.badHeader(file: file, line: line, column: c + 1, found: raw, expected: "ASSET:field, with field one of open, high, low, close, volume"))
                        ok = false; continue
                    }
                    assetName = String(raw[..<colon])
                    let fieldName = raw[raw.index(after: colon)...].lowercased()
                    guard let f = Self.fieldNames.firstIndex(of: fieldName) else {
                        try sink.report(.badHeader(file: file, line: line, column: c + 1, found: raw, expected: "ASSET:field, with field one of open, high, low, close, volume"))
                        ok = false; continue
                    }
                    field = f
                }
                guard !assetName.isEmpty else {
                    try sink.report(.badHeader(file: file, line: line, column: c + 1, found: raw, expected: "an asset name"))
                    ok = false; continue
                }
                if let problem = ByteCSV.nameProblem(assetName) {
                    try sink.report(.badName(file: file, line: line, column: c + 1, name: assetName, problem: problem))
                    ok = false; continue
                }
                guard seenPairs.insert(assetName + "\u{0}" + String(field)).inserted else {
                    try sink.report(.duplicateColumn(file: file, line: line, column: c + 1, name: raw)); ok = false; continue
                }
                let a: Int
                if let k = assetIndex[assetName] { a = k } else {
                    a = assets.count
                    assetIndex[assetName] = a
                    assets.append(assetName)
                }
                targets[c] = Target(field: field, asset: a)
                present[field] = true
            }
            if assets.isEmpty {
                try sink.report(.missingColumn(file: file, line: line, column: layout == .wideFields ? "ASSET:close" : "asset", header: names))
                ok = false
            }
            if layout == .wideFields {
                var hasClose = [Bool](repeating: false, count: assets.count)
                for t in targets where t.field == 0 && t.asset >= 0 { hasClose[t.asset] = true }
                for (a, has) in hasClose.enumerated() where !has {
                    try sink.report(.missingColumn(file: file, line: line, column: assets[a] + ":close", header: names)); ok = false
                }
            }
        case .hdf5:
            preconditionFailure("BarCSVParser: HDF5 is not a CSV layout")
        }
        return ok
    }

    /// Sorts wide rows by time and rejects duplicate timestamps.
    private func assembleWide(timestamps: [Int64], lines: [Int], width: Int, fields: [[Double]?],
                              sink: inout IssueSink) throws(DataFileError) -> (timestamps: [Int64], fields: [[Double]?])? {
        var sorted = true
        for k in timestamps.indices.dropFirst() where timestamps[k] <= timestamps[k - 1] { sorted = false; break }
        if sorted { return (timestamps, fields) }
        let order = timestamps.indices.sorted { (timestamps[$0], lines[$0]) < (timestamps[$1], lines[$1]) }
        var keep: [Int] = []
        keep.reserveCapacity(order.count)
        for r in order {
            if let last = keep.last, timestamps[last] == timestamps[r] {
                try sink.report(.duplicateTimestamp(file: file, line: lines[r], firstLine: lines[last], timestamp: isoText(timestamps[r]), asset: nil))
                continue
            }
            keep.append(r)
        }
        let newFields = fields.map { field in
            field.map { f in keep.flatMap { r in f[(r * width)..<((r + 1) * width)] } }
        }
        return (keep.map { timestamps[$0] }, newFields)
    }

    /// Builds the T x N matrices of a long file: unique sorted timestamps, assets sorted by name.
    private func assembleLong(timestamps: [Int64], lines: [Int], rowAssets: [Int32], assets: inout [String],
                              fields: [[Double]?], sink: inout IssueSink) throws(DataFileError) -> (timestamps: [Int64], fields: [[Double]?])? {
        let unique = Array(Set(timestamps)).sorted()
        var barOf: [Int64: Int] = [:]
        barOf.reserveCapacity(unique.count)
        for (b, ts) in unique.enumerated() { barOf[ts] = b }
        let byName = assets.indices.sorted { assets[$0] < assets[$1] }
        var column = [Int](repeating: 0, count: assets.count)
        for (newIndex, old) in byName.enumerated() { column[old] = newIndex }
        let n = assets.count, t = unique.count
        let cells = n.multipliedReportingOverflow(by: t)
        if cells.overflow || cells.partialValue > DataLimits.maxPanelCells {
            try sink.report(.panelTooLarge(file: file, bars: t, assets: n, limit: DataLimits.maxPanelCells))
            return nil
        }
        var out = fields.map { $0 == nil ? [] : [Double](repeating: .nan, count: n * t) }
        var lineAt = [Int](repeating: 0, count: n * t)
        for r in timestamps.indices {
            guard let b = barOf[timestamps[r]] else { continue }
            let cell = b * n + column[Int(rowAssets[r])]
            if lineAt[cell] != 0 {
                try sink.report(.duplicateTimestamp(file: file, line: lines[r], firstLine: lineAt[cell],
                                                    timestamp: isoText(timestamps[r]), asset: assets[Int(rowAssets[r])]))
                continue
            }
            lineAt[cell] = lines[r]
            for f in 0..<5 {
                if let src = fields[f] { out[f][cell] = src[r] }
            }
        }
        assets = byName.map { assets[$0] }
        return (unique, out.indices.map { fields[$0] == nil ? nil : out[$0] })
    }

    private func isoText(_ ts: Int64) -> String { Timestamp.iso(ts, dateOnly: ts % 86_400 == 0) }
}
