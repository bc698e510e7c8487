import Agents
import CheckpointFormat
import Foundation
import FuzzSupport
import HDF5
import Lab
import MarketGym
import PolicyRuntime

/// The seed files (Fuzz/Corpora/hdf5-seeds): a policy checkpoint, a training checkpoint with a
/// replay buffer, market data with predictions. Their bytes and object paths, read once.
let seeds: [(bytes: [UInt8], objects: [String])] = {
    let folder = FuzzScratch.corpora().appendingPathComponent("hdf5-seeds")
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".h5") }.sorted()
    return names.compactMap { name in
        let url = folder.appendingPathComponent(name)
        guard let data = try? Data(contentsOf: url), let file = try? HDF5File.open(url) else { return nil }
        defer { try? file.close() }
        var objects = ["/"]
        func walk(_ group: HDF5Group, _ path: String) {
            for m in (try? group.members()) ?? [] {
                let child = path == "/" ? "/\(m.name)" : "\(path)/\(m.name)"
                objects.append(child)
                if m.kind == .group, let g = try? group.openGroup(m.name) { walk(g, child) }
            }
        }
        walk(file.root, "/")
        return ([UInt8](data), objects)
    }
}()

/// Names the loaders look for, so mutations hit them (the dictionary holds the same).
let attributeNames = ["format", "formatVersion", "complete", "step", "episodes", "algorithm", "order", "capacity", "size",
                      "position", "observationSize", "actionWidth", "nStep", "prioritized", "alpha", "maxPriority", "version",
                      "assets", "observationNames", "actionShape", "actionLevels", "hidden", "network", "actionKind", "epsilon", "clip",
                      "count", "features", "yaml"]
let datasetNames = ["observations", "nextObservations", "actions", "rewards", "terminated", "truncated", "steps", "priorities",
                    "mean", "variance", "timestamps", "closes", "values", "assets", "features"]

func attributeValue(_ input: inout FuzzInput) -> HDF5AttributeValue {
    let n = input.int(in: 0...6)
    switch input.byte() % 8 {
    case 0: return .int(input.pick([0, 1, -1, 2, Int64.max, Int64.min, 1 << 40, Int64(input.int(in: 0...70000))]))
    case 1: return .double(input.double())
    case 2: return .string(input.pick(["marketgym-checkpoint", "marketgym-replay", "marketgym-market-data", "", input.string()]))
    case 3: return .ints((0..<n).map { _ in Int64(input.int(in: -2...70000)) })
    case 4: return .doubles((0..<n).map { _ in input.double() })
    case 5: return .strings((0..<n).map { _ in input.pick(datasetNames + ["", input.string(limit: 8)]) })
    case 6: return .float(Float(input.double()))
    default: return .floats((0..<n).map { _ in Float(input.double()) })
    }
}

/// Replaces or creates a dataset with a shape and element type from the input (<= 4,096 elements).
func putDataset(_ group: HDF5Group, _ name: String, _ input: inout FuzzInput) throws {
    if (try? group.contains(name)) == true { try group.remove(name) }
    let rank = input.int(in: 0...3)
    var shape = (0..<rank).map { _ in input.int(in: 0...20) }
    if input.byte() == 0 { shape = [input.int(in: 0...4096)] }
    let count = shape.reduce(1, *)
    guard count <= 4096 else { return }
    switch input.byte() % 5 {
    case 0: try group.createDataset(name, values: (0..<count).map { _ in Float(input.double()) }, shape: shape)
    case 1: try group.createDataset(name, values: (0..<count).map { _ in input.double() }, shape: shape)
    case 2: try group.createDataset(name, values: (0..<count).map { _ in Int64(input.int(in: -3...70000)) }, shape: shape)
    case 3: try group.createDataset(name, values: (0..<count).map { _ in input.byte() }, shape: shape)
    default: try group.createDataset(name, values: (0..<count).map { _ in input.string(limit: 6) }, shape: shape)
    }
}

/// Applies mutations from the input to an open copy of a seed, through libhdf5's own writer: the
/// result is a well-formed HDF5 file with hostile contents (what our checks must catch).
func mutate(_ file: HDF5File, objects: [String], _ input: inout FuzzInput) throws {
    for _ in 0..<input.int(in: 1...6) {
        let path = input.pick(objects)
        guard let kind = path == "/" ? .group : try file.kind(of: path) else { continue }
        let object: any HDF5Object = kind == .dataset ? try file.openDataset(path) : (path == "/" ? file.root : try file.openGroup(path))
        switch input.byte() % 6 {
        case 0, 1:
            let existing = (try? object.attributeNames()) ?? []
            try object.setAttribute(input.pick(existing + attributeNames), attributeValue(&input))
        case 2:
            if let name = ((try? object.attributeNames()) ?? []).randomElementFrom(&input) { try object.removeAttribute(name) }
        case 3:
            if path != "/" { try file.remove(String(path.dropFirst())) }
        default:
            let parent = kind == .group ? path : String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
            let group = parent.isEmpty || parent == "/" ? file.root : try file.openGroup(parent)
            let name = kind == .dataset ? String(path.split(separator: "/").last ?? "x") : input.pick(datasetNames)
            try putDataset(group, name, &input)
        }
    }
}

extension Array {
    func randomElementFrom(_ input: inout FuzzInput) -> Element? { isEmpty ? nil : self[input.int(in: 0...(count - 1))] }
}

/// Every loader that reads an HDF5 file a user hands to MarketGym.
func load(_ url: URL) {
    _ = try? Checkpoint.read(from: url)
    _ = try? Policy.load(contentsOf: url)
    if let file = try? HDF5File.open(url) {
        _ = try? ReplayBuffer.read(from: file, availableMemory: 256 << 20)
        try? file.close()
    }
    _ = try? MarketData.load(contentsOf: url)
    _ = try? PredictionTable.load(contentsOf: url)
    _ = try? FileInspector.describe(url)
}

/// HDF5 loaders. First byte 0xFF: the rest is a raw file, through the integrity check and the
/// probe (a child process per input without our header: slow, so rare). Otherwise a seed copy is
/// mutated through libhdf5, re-stamped, and loaded: our own size, shape and value checks are what
/// stand between such a file and a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let mode = input.byte()
    if mode == 0xFF {
        load(FuzzScratch.write(input.rest(), name: "raw.h5"))
        return 0
    }
    guard !seeds.isEmpty else {
        FileHandle.standardError.write(Data("FuzzHDF5: no seeds in Fuzz/Corpora/hdf5-seeds\n".utf8))
        exit(1)
    }
    let seed = seeds[Int(mode) % seeds.count]
    let url = FuzzScratch.write(seed.bytes, name: "mutated.h5")
    do {
        let file = try HDF5File.open(url, mode: .readWrite)
        try? mutate(file, objects: seed.objects, &input)
        try file.close()
        try HDF5Integrity.restamp(url)
    } catch {
        return 0
    }
    load(url)
    return 0
}
