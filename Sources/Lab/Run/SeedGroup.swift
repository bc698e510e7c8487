import Foundation

/// The folder of a multi-seed run: one ordinary run folder per seed, then one aggregate.
///
/// ```
/// runs/<name>-seeds-<timestamp>/
///   experiment.yaml     the resolved experiment, without its seed (written first)
///   group.json          name and seeds (written first)
///   seed-<k>/           an ordinary run folder per seed (config.yaml, checkpoints, summary.json, ...)
///   logs/seed-<k>.log   each seed's output (the seeds run as separate processes)
///   aggregate.json      across-seed statistics (`SeedAggregate`), written when every seed has finished
///   report.html         the aggregated report (`SeedGroupReport`)
/// ```
/// Resumable like sweeps: running the same experiment into the same folder again, or
/// `marketgym train --resume <folder>`, skips finished seeds and resumes interrupted ones.
public struct SeedGroup: Sendable {
    public let directory: URL
    public let name: String
    public let seeds: [UInt64]

    public var experimentURL: URL { directory.appendingPathComponent("experiment.yaml") }
    public var groupURL: URL { directory.appendingPathComponent("group.json") }
    public var aggregateURL: URL { directory.appendingPathComponent("aggregate.json") }
    public func runDirectory(seed: UInt64) -> URL { directory.appendingPathComponent("seed-\(seed)") }
    public func logURL(seed: UInt64) -> URL { directory.appendingPathComponent("logs/seed-\(seed).log") }

    /// Whether `directory` holds a seed group.
    public static func isGroup(_ directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("group.json").path)
    }

    /// Creates the group folder (or reopens it when it holds the same experiment and seeds).
    /// - Parameters:
    ///   - experimentYAML: the resolved experiment without a seed; compared on reopen, so a folder
    ///     is never continued with a different configuration.
    /// - Throws: `LabError` when the folder holds another experiment or other seeds, or cannot be written.
    public static func create(name: String, seeds: [UInt64], experimentYAML: String, parent: URL, runName: String?, now: Date = Date()) throws(LabError) -> SeedGroup {
        let dir = parent.absoluteURL.appendingPathComponent(runName ?? "\(name)-seeds-\(TrainingRun.folderStamp(now))")
        let group = SeedGroup(directory: dir, name: name, seeds: seeds)
        let fm = FileManager.default
        if isGroup(dir) {
            let existing = try open(dir)
            let yaml = (try? String(contentsOf: group.experimentURL, encoding: .utf8)) ?? ""
            guard existing.seeds == seeds, yaml == experimentYAML else {
                throw .io(path: dir.path, detail: "a multi-seed run of another configuration or other seeds (\(existing.seeds.map(String.init).joined(separator: ","))) is here already. Continue it with `marketgym train --resume \(dir.path)`, or choose another --run-name.")
            }
            return existing
        }
        if fm.fileExists(atPath: dir.appendingPathComponent("config.yaml").path) {
            throw .io(path: dir.path, detail: "a single-seed run is here already; choose another --out/--run-name for the multi-seed run.")
        }
        do {
            try fm.createDirectory(at: dir.appendingPathComponent("logs"), withIntermediateDirectories: true)
            try experimentYAML.write(to: group.experimentURL, atomically: true, encoding: .utf8)
            let json: [String: Any] = ["name": name, "seeds": seeds.map { Int($0) }]
            try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys]).write(to: group.groupURL, options: .atomic)
        } catch {
            throw .io(path: dir.path, detail: "cannot create the multi-seed run folder: \(error.localizedDescription)")
        }
        return group
    }

    /// Opens an existing group folder.
    public static func open(_ directory: URL) throws(LabError) -> SeedGroup {
        let url = directory.appendingPathComponent("group.json")
        guard let data = try? Data(contentsOf: url), let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let name = json["name"] as? String, let seeds = json["seeds"] as? [Int], !seeds.isEmpty, seeds.allSatisfy({ $0 >= 0 }) else {
            throw .badRun(path: url.path, detail: "not a multi-seed run folder (expected group.json with \"name\" and \"seeds\"); start one with `marketgym train EXPERIMENT --seeds 0-4`")
        }
        return SeedGroup(directory: directory, name: name, seeds: seeds.map { UInt64($0) })
    }

    /// Where one seed stands.
    public enum SeedState: Equatable, Sendable {
        /// summary.json written: nothing to do.
        case finished
        /// A checkpoint exists: resume it.
        case interrupted
        /// Nothing usable yet: start it (an empty folder left by a crash is moved aside first).
        case notStarted
    }

    /// The state of `seed`'s run folder.
    public func state(seed: UInt64) -> SeedState {
        let dir = runDirectory(seed: seed)
        let fm = FileManager.default
        if fm.fileExists(atPath: dir.appendingPathComponent("summary.json").path) { return .finished }
        let checkpoints = (try? fm.contentsOfDirectory(atPath: dir.appendingPathComponent("checkpoints").path)) ?? []
        if checkpoints.contains(where: { $0.hasPrefix("step-") && $0.hasSuffix(".h5") }) { return .interrupted }
        return .notStarted
    }

    /// Moves a seed folder that holds no checkpoint aside (`seed-<k>.aborted-<n>`), so the seed can
    /// start again without overwriting anything.
    public func setAsideIfStarted(seed: UInt64) throws(LabError) {
        let dir = runDirectory(seed: seed)
        let fm = FileManager.default
        guard fm.fileExists(atPath: dir.path) else { return }
        var n = 1
        while fm.fileExists(atPath: dir.path + ".aborted-\(n)") { n += 1 }
        do { try fm.moveItem(atPath: dir.path, toPath: dir.path + ".aborted-\(n)") } catch {
            throw .io(path: dir.path, detail: "cannot move the unfinished seed folder aside: \(error.localizedDescription)")
        }
    }
}
