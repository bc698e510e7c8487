import Foundation

/// What the Slurm executor asks for, from the sweep file's `slurm:` mapping.
///
/// ```yaml
/// slurm:
///   partition: cpu          # default: the cluster's default partition
///   cpusPerTask: 1          # --cpus-per-task; default 1 (trials run single-threaded)
///   memory: 2G              # --mem per task; default 2G (a quickstart trial peaks well below 1 GB)
///   time: "02:00:00"        # --time per task; default: the partition's limit
///   throttle: 8             # the array's `%` limit: tasks running at once; default: no limit
///   extra: ["--qos=normal", "--account=rl"]   # more #SBATCH lines, verbatim
/// ```
public struct SlurmSettings: Sendable, Equatable {
    public var partition: String?
    public var cpusPerTask: Int = 1
    public var memory: String = "2G"
    public var time: String?
    public var throttle: Int?
    public var extra: [String] = []

    public init() {}

    /// Parses the `slurm:` mapping.
    /// - Throws: `SpecError` naming the key and what it accepts.
    public static func parse(_ tree: SpecValue, file: String) throws(SpecError) -> SlurmSettings {
        let allowed = ["partition", "cpusPerTask", "memory", "time", "throttle", "extra"]
        guard case .mapping = tree else { throw .badValue(file: file, path: "slurm", found: tree.kindName, expected: "a mapping with keys \(allowed.joined(separator: ", "))") }
        for key in tree.keys where !allowed.contains(key) {
            throw .unknownKey(file: file, path: "slurm.\(key)", suggestion: SpecDecoder.closest(key, in: allowed), allowed: allowed)
        }
        var s = SlurmSettings()
        // One token each: these go into #SBATCH lines, where a space or newline would split or inject.
        func word(_ key: String) throws(SpecError) -> String? {
            guard let v = tree[key] else { return nil }
            let text: String
            if case .string(let raw) = v { text = raw } else { text = SpecValue.scalarText(v) }
            guard !text.isEmpty, !text.contains(where: { $0.isWhitespace || $0 == "#" || $0 == "'" || $0 == "\"" }) else {
                throw .badValue(file: file, path: "slurm.\(key)", found: "'\(text)'", expected: "one word without spaces or quotes")
            }
            return text
        }
        s.partition = try word("partition")
        if let m = try word("memory") { s.memory = m }
        s.time = try word("time")
        func positive(_ key: String) throws(SpecError) -> Int? {
            guard let v = tree[key] else { return nil }
            guard case .int(let n) = v, n >= 1, n <= 100_000 else { throw .badValue(file: file, path: "slurm.\(key)", found: SpecValue.scalarText(v), expected: "a positive integer") }
            return n
        }
        if let c = try positive("cpusPerTask") { s.cpusPerTask = c }
        s.throttle = try positive("throttle")
        if let e = tree["extra"] {
            guard case .array(let items) = e else { throw .badValue(file: file, path: "slurm.extra", found: e.kindName, expected: "a list of sbatch options such as [\"--qos=normal\"]") }
            s.extra = try items.enumerated().map { (k, v) throws(SpecError) -> String in
                let t: String
                if case .string(let raw) = v { t = raw } else { t = SpecValue.scalarText(v) }
                guard t.hasPrefix("-"), !t.contains("\n") else {
                    throw .badValue(file: file, path: "slurm.extra[\(k)]", found: "'\(t)'", expected: "an sbatch option starting with '-', one per item, e.g. --qos=normal")
                }
                return t
            }
        }
        return s
    }
}
