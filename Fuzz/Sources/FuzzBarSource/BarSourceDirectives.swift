import MarketGym

/// Splits a FuzzBarSource input into a bar-source spec and files.
///
/// Leading lines starting with `#` are directives, one spec field each (unknown ones are ignored):
/// `#skip N`, `#column ROLE=NAME` (timestamp, date, time, asset, open, high, low, close, volume),
/// `#ignore PATTERN`, `#asset NAME`, `#rename FROM=TO`, `#unit automatic|seconds|milliseconds|microseconds`,
/// `#format PATTERN`, `#dayFirst`, `#stamps open|close`, `#barLength 1h`,
/// `#duplicates refuse|keepFirst|keepLast`, `#tolerance X`, `#accept ISO-TIME`, `#timeframe 2h`,
/// `#file NAME` (the first file's name; default `fuzz.csv`). After them, the first file's bytes
/// until a line starting with `#file NAME`, which starts the next file.
enum BarSourceDirectives {
    static func split(_ bytes: [UInt8]) -> (BarSourceSpec, [(name: String, bytes: [UInt8])]) {
        var spec = BarSourceSpec()
        var name = "fuzz.csv"
        var start = 0
        // Directives: whole lines starting with '#'.
        while start < bytes.count, bytes[start] == UInt8(ascii: "#") {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let line = String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
            start = min(end + 1, bytes.count)
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            let value = parts.count > 1 ? String(parts[1]) : ""
            if key == "file" { name = value } else { apply(key, value, to: &spec) }
        }
        // Files: split at lines starting with "#file ".
        var files: [(name: String, bytes: [UInt8])] = []
        let marker = Array("\n#file ".utf8)
        var k = start
        var fileStart = start
        while k + marker.count <= bytes.count {
            if bytes[k] == marker[0], Array(bytes[k..<(k + marker.count)]) == marker {
                files.append((name, Array(bytes[fileStart...k])))
                let end = bytes[(k + marker.count)...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                name = String(decoding: bytes[(k + marker.count)..<end], as: UTF8.self)
                fileStart = min(end + 1, bytes.count)
                k = fileStart
            } else {
                k += 1
            }
        }
        files.append((name, Array(bytes[fileStart...])))
        return (spec, files)
    }

    /// The `#column ROLE=NAME` roles.
    static var roles: [String: WritableKeyPath<ColumnRoles, String?>] {
        ["timestamp": \.timestamp, "date": \.date, "time": \.time, "asset": \.asset,
         "open": \.open, "high": \.high, "low": \.low, "close": \.close, "volume": \.volume]
    }

    /// Sets the spec field a directive names.
    static func apply(_ key: String, _ value: String, to spec: inout BarSourceSpec) {
        func pair() -> (String, String)? {
            guard let eq = value.firstIndex(of: "=") else { return nil }
            return (String(value[..<eq]), String(value[value.index(after: eq)...]))
        }
        switch key {
        case "skip": spec.skipLines = Int(value)
        case "ignore": spec.ignore.append(value)
        case "asset": spec.asset = value
        case "rename": if let (from, to) = pair() { spec.rename[from] = to }
        case "unit": if let unit = EpochUnit(rawValue: value) { spec.timestampUnit = unit }
        case "format": spec.timestampFormat = value
        case "dayFirst": spec.dayFirst = true
        case "stamps": spec.stamps = BarStamps(rawValue: value)
        case "barLength": spec.barLength = value
        case "duplicates": if let action = DuplicatePolicy.Action(rawValue: value) { spec.duplicates.policy = action }
        case "tolerance": if let x = Double(value) { spec.duplicates.tolerance = x }
        case "accept": spec.duplicates.acceptDisagreementAt.append(value)
        case "timeframe": spec.timeframe = value
        case "column":
            guard let (role, header) = pair(), let field = roles[role] else { return }
            spec.columns[keyPath: field] = header
        default: return
        }
    }
}
