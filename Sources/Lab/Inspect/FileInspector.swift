import Foundation
import CheckpointFormat
import HDF5

/// `marketgym inspect FILE.h5`: what is in a checkpoint, replay buffer or market-data file, in words,
/// followed by the full tree (groups, datasets with shape, type, chunking and filters, attributes).
public enum FileInspector {
    public static func describe(_ url: URL) throws(LabError) -> String {
        let file: HDF5File
        do { file = try HDF5File.open(url) } catch { throw .io(path: url.path, detail: "\(error)") }
        defer { try? file.close() }
        var out = ""
        let format = (try? file.stringAttribute("format")) ?? ""
        do {
            switch format {
            case Checkpoint.formatName: out += try checkpointSummary(file, url: url)
            case "marketgym-market-data": out += marketDataSummary(file)
            default: out += unknownFormatSummary(file, format: format)
            }
            if (try? file.contains("replay")) == true, let g = try? file.openGroup("replay") {
                let size = (try? g.intAttribute("size")) ?? (try? g.intAttribute("count")) ?? -1
                let capacity = (try? g.intAttribute("capacity")) ?? -1
                out += "replay buffer: \(size) of \(capacity) transitions stored\n"
            }
            out += "\ncontents:\n"
            try tree(file.root, path: "/", depth: 0, into: &out)
        } catch let e as LabError {
            throw e
        } catch {
            throw .io(path: url.path, detail: "\(error)")
        }
        return out
    }

    /// Words for a file whose `format` attribute names no MarketGym format. A checkpoint also holds
    /// a replay buffer in `/replay`, so the checkpoint's own groups are looked at first: a file with
    /// `/policy` and `/config` is a checkpoint whose `format` was changed, never "a replay buffer".
    static func unknownFormatSummary(_ file: HDF5File, format: String) -> String {
        let has = { (name: String) in (try? file.contains(name)) == true }
        let found = format.isEmpty ? "no format attribute" : "format attribute '\(format)'"
        if has("policy") && has("config") {
            return "looks like a MarketGym checkpoint (it has /policy and /config), but has \(found) instead of '\(Checkpoint.formatName)': "
                + "it was changed or damaged and will not load (evaluate, act and --resume refuse it). Use another checkpoint of the run.\n"
        }
        if has("replay") && !format.isEmpty {
            return "an HDF5 file with \(found), which is no MarketGym format; it has a /replay group.\n"
        }
        if has("replay") { return "replay buffer (in /replay)\n" }
        return format.isEmpty ? "an HDF5 file without a MarketGym format attribute\n" : "an HDF5 file with \(found), which is no MarketGym format\n"
    }

    static func checkpointSummary(_ file: HDF5File, url: URL) throws -> String {
        let c: Checkpoint
        do { c = try Checkpoint.read(from: file, url: url) } catch { return "a MarketGym checkpoint that does not load: \(error.description)\n" }
        let p = c.policy
        var s = "MarketGym checkpoint (format version \(Checkpoint.formatVersion)): \(c.algorithm) agent after \(c.step) environment steps, \(c.episodes) episodes.\n"
        s += "environment: \(p.environment)"
        if !p.assets.isEmpty { s += ", \(p.assets.count) assets (\(p.assets.prefix(6).joined(separator: ", "))\(p.assets.count > 6 ? ", ..." : ""))" }
        s += "\nobservation: \(p.observationSize) inputs (\(p.observationNames.prefix(3).joined(separator: ", ")), ...)"
        s += p.normalization == nil ? ", not normalized\n" : ", normalized with running statistics over \(Int(p.normalization?.count ?? 0)) samples\n"
        s += "action: \(p.actionKind.rawValue) \(p.actionShape)"
        if !p.actionScheme.isEmpty { s += ", scheme \(p.actionScheme)" }
        if !p.actionLevels.isEmpty { s += ", levels \(p.actionLevels)" }
        s += "\nnetwork: \(p.network.rawValue), hidden \(p.hidden) \(p.activation)\(p.dueling ? ", dueling" : ""); \(c.policyParameters.reduce(0) { $0 + $1.values.count }) parameters\n"
        if !p.trainDataStart.isEmpty { s += "trained on data from \(p.trainDataStart) to \(p.trainDataEnd)\n" }
        if !p.provenance.isEmpty { s += "provenance: " + p.provenance.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + "\n" }
        if let t = c.training {
            s += "training state: \(t.networks.keys.sorted().joined(separator: ", ")) networks, \(t.optimizer.count) optimizer buffers, generators \(t.rng.keys.sorted().joined(separator: ", "))\n"
        } else {
            s += "policy only (no training state)\n"
        }
        return s
    }

    static func marketDataSummary(_ file: HDF5File) -> String {
        var s = "MarketGym market data"
        if let assets = try? file.openDataset("bars/assets").read(as: String.self).values,
           let ts = try? file.openDataset("bars/timestamps").read(as: Int64.self).values, let first = ts.first, let last = ts.last {
            s += ": \(ts.count) bars of \(assets.count) assets, \(CivilDate(epochSeconds: first)) to \(CivilDate(epochSeconds: last))"
        }
        if let features = try? file.openDataset("predictions/features").read(as: String.self).values {
            s += "; predictions \(features.joined(separator: ", "))"
        }
        return s + "\n"
    }

    static func tree(_ group: HDF5Group, path: String, depth: Int, into out: inout String) throws {
        let pad = String(repeating: "  ", count: depth + 1)
        for name in try group.attributeNames() {
            let v = try group.attribute(name)
            var text = v.description
            if text.count > 80 { text = String(text.prefix(77)) + "..." }
            out += "\(pad)@\(name) = \(text.replacingOccurrences(of: "\n", with: "\\n"))\n"
        }
        for m in try group.members() {
            switch m.kind {
            case .group:
                out += "\(pad)\(m.name)/\n"
                try tree(try group.openGroup(m.name), path: path + m.name + "/", depth: depth + 1, into: &out)
            case .dataset:
                let d = try group.openDataset(m.name)
                var line = "\(pad)\(m.name)  \(d.storedType) \(try d.shape)"
                if let chunks = try d.chunkShape { line += " chunks \(chunks)" }
                if let o = try? d.creationOptions() {
                    var filters: [String] = []
                    if let g = o.gzipLevel { filters.append("gzip \(g)") }
                    if o.shuffle { filters.append("shuffle") }
                    if o.fletcher32 { filters.append("fletcher32") }
                    if !filters.isEmpty { line += " [" + filters.joined(separator: ", ") + "]" }
                }
                out += line + "\n"
            default:
                out += "\(pad)\(m.name) (\(m.kind))\n"
            }
        }
    }
}
