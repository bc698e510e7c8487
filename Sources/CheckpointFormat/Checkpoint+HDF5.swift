import Foundation
import HDF5

extension Checkpoint {
    /// Writes the checkpoint atomically (temporary file, fsync, rename, fsync folder); the
    /// `complete` mark is the last thing written. An existing file at `url` is replaced only when
    /// the whole new file is on disk.
    /// - Parameter extra: writes more groups into the same file before it is marked complete (the replay buffer).
    /// - Throws: `CheckpointError.storage` with the HDF5 error.
    public func write(to url: URL, extra: ((HDF5File) throws -> Void)? = nil) throws(CheckpointError) {
        do {
            try HDF5File.atomicSave(to: url) { file in
                try file.setAttribute("format", .string(Checkpoint.formatName))
                try file.setAttribute("formatVersion", .int(Int64(Checkpoint.formatVersion)))
                try file.setAttribute("algorithm", .string(algorithm))
                try file.setAttribute("step", .int(Int64(step)))
                try file.setAttribute("episodes", .int(Int64(episodes)))
                let config = try file.createGroup("config")
                try config.setAttribute("yaml", .string(configYAML))
                let policyGroup = try file.createGroup("policy")
                try policy.write(to: policyGroup)
                let params = try policyGroup.createGroup("parameters")
                try params.setAttribute("order", .strings(policyParameters.map(\.name)))
                for t in policyParameters { try params.createDataset(t.name, values: t.values, shape: t.shape) }
                if let training { try training.write(to: try file.createGroup("training")) }
                try extra?(file)
                try file.setAttribute("complete", .int(1))
            }
        } catch let e as CheckpointError {
            throw e
        } catch {
            throw .storage("cannot write checkpoint \(url.path): \(error)")
        }
    }

    /// Reads a whole checkpoint (policy and training state).
    /// - Throws: `CheckpointError` for a non-checkpoint, another format version, an incomplete
    ///   write, or missing and mis-shaped parts.
    public static func read(from url: URL) throws(CheckpointError) -> Checkpoint {
        try withFile(url) { (file) throws(CheckpointError) -> Checkpoint in try read(from: file, url: url) }
    }

    /// Reads the checkpoint in `file`, already open (`url` names it in errors).
    public static func read(from file: HDF5File, url: URL) throws(CheckpointError) -> Checkpoint {
        var c = try readPolicyPart(file, url: url)
        if try exists(file, "training", url) {
            c.training = try TrainingState.read(from: try group(file, "training", url), url: url)
        }
        return c
    }

    /// Reads only what a policy needs (header, config, policy spec and parameters) — never the
    /// training state or the replay buffer, so loading stays fast for a daemon.
    public static func readPolicy(from url: URL) throws(CheckpointError) -> Checkpoint {
        try withFile(url) { (file) throws(CheckpointError) -> Checkpoint in try readPolicyPart(file, url: url) }
    }

    /// Opens `url` read-only and runs `body`, mapping HDF5 failures to `CheckpointError`.
    public static func withFile<R>(_ url: URL, _ body: (HDF5File) throws(CheckpointError) -> R) throws(CheckpointError) -> R {
        let file: HDF5File
        do { file = try HDF5File.open(url) } catch {
            throw .storage("cannot open checkpoint \(url.path): \(error)")
        }
        defer { try? file.close() }
        return try body(file)
    }

    static func readPolicyPart(_ file: HDF5File, url: URL) throws(CheckpointError) -> Checkpoint {
        let path = url.path
        let format = (try? file.stringAttribute("format")) ?? "none"
        guard format == Checkpoint.formatName else { throw .notACheckpoint(file: path, found: format) }
        let version = (try? file.intAttribute("formatVersion")) ?? -1
        guard version == Checkpoint.formatVersion else { throw .versionMismatch(file: path, found: version, supported: Checkpoint.formatVersion) }
        guard (try? file.intAttribute("complete")) == 1 else { throw .incomplete(file: path) }
        do {
            let policyGroup = try file.openGroup("policy")
            let spec = try PolicySpec.read(from: policyGroup, file: path)
            let params = try policyGroup.openGroup("parameters")
            let order = try params.stringsAttribute("order")
            var tensors: [NamedTensor] = []
            for name in order {
                try checkTensorName(name, file: path, path: "/policy/parameters@order")
                let (values, shape) = try params.openDataset(name).read(as: Float.self)
                tensors.append(NamedTensor(name: name, shape: shape, values: values))
            }
            return Checkpoint(
                algorithm: try file.stringAttribute("algorithm"), step: try file.intAttribute("step"),
                episodes: try file.intAttribute("episodes"), configYAML: try file.openGroup("config").stringAttribute("yaml"),
                policy: spec, policyParameters: tensors)
        } catch let e as CheckpointError {
            throw e
        } catch {
            throw .malformed(file: path, path: "/policy", detail: "\(error)")
        }
    }

    static func exists(_ file: HDF5File, _ path: String, _ url: URL) throws(CheckpointError) -> Bool {
        do { return try file.contains(path) } catch { throw .storage("\(url.path): \(error)") }
    }

    static func group(_ file: HDF5File, _ path: String, _ url: URL) throws(CheckpointError) -> HDF5Group {
        do { return try file.openGroup(path) } catch { throw .missing(file: url.path, path: "/\(path)") }
    }
}

extension PolicySpec {
    func write(to g: HDF5Group) throws {
        try g.setAttribute("algorithm", .string(algorithm))
        try g.setAttribute("environment", .string(environment))
        try g.setAttribute("assets", .strings(assets))
        try g.setAttribute("observationNames", .strings(observationNames))
        try g.setAttribute("actionKind", .string(actionKind.rawValue))
        try g.setAttribute("actionShape", .ints(actionShape.map(Int64.init)))
        try g.setAttribute("actionScheme", .string(actionScheme))
        try g.setAttribute("actionLevels", .doubles(actionLevels))
        try g.setAttribute("actionLow", .doubles(actionLow))
        try g.setAttribute("actionHigh", .doubles(actionHigh))
        try g.setAttribute("continuousBound", .string(continuousBound))
        try g.setAttribute("network", .string(network.rawValue))
        try g.setAttribute("hidden", .ints(hidden.map(Int64.init)))
        try g.setAttribute("activation", .string(activation))
        try g.setAttribute("dueling", .int(dueling ? 1 : 0))
        try g.setAttribute("trainDataStart", .string(trainDataStart))
        try g.setAttribute("trainDataEnd", .string(trainDataEnd))
        try g.setAttribute("environmentConfig", .string(environmentConfig))
        let keys = provenance.keys.sorted()
        try g.setAttribute("provenanceKeys", .strings(keys))
        try g.setAttribute("provenanceValues", .strings(keys.map { provenance[$0] ?? "" }))
        if let n = normalization {
            let ng = try g.createGroup("normalization")
            try ng.createDataset("mean", values: n.mean)
            try ng.createDataset("variance", values: n.variance)
            try ng.setAttribute("count", .double(n.count))
            try ng.setAttribute("epsilon", .double(n.epsilon))
            try ng.setAttribute("clip", .double(n.clip))
        }
    }

    static func read(from g: HDF5Group, file: String) throws -> PolicySpec {
        func enumValue<E: RawRepresentable>(_ name: String, _: E.Type) throws -> E where E.RawValue == String {
            let raw = try g.stringAttribute(name)
            guard let v = E(rawValue: raw) else { throw CheckpointError.malformed(file: file, path: "/policy@\(name)", detail: "unknown value '\(raw)'") }
            return v
        }
        var normalization: Normalization?
        if try g.contains("normalization") {
            let ng = try g.openGroup("normalization")
            normalization = Normalization(
                mean: try ng.openDataset("mean").read(as: Double.self).values,
                variance: try ng.openDataset("variance").read(as: Double.self).values,
                count: try ng.doubleAttribute("count"), epsilon: try ng.doubleAttribute("epsilon"), clip: try ng.doubleAttribute("clip"))
        }
        let keys = try g.stringsAttribute("provenanceKeys"), values = try g.stringsAttribute("provenanceValues")
        guard keys.count == values.count else { throw CheckpointError.malformed(file: file, path: "/policy@provenance", detail: "\(keys.count) keys, \(values.count) values") }
        let spec = PolicySpec(
            algorithm: try g.stringAttribute("algorithm"), environment: try g.stringAttribute("environment"),
            assets: try g.stringsAttribute("assets"), observationNames: try g.stringsAttribute("observationNames"),
            actionKind: try enumValue("actionKind", ActionKind.self), actionShape: try g.intsAttribute("actionShape").map { Int($0) },
            actionScheme: try g.stringAttribute("actionScheme"), actionLevels: try g.doublesAttribute("actionLevels"),
            actionLow: try g.doublesAttribute("actionLow"), actionHigh: try g.doublesAttribute("actionHigh"),
            continuousBound: try g.stringAttribute("continuousBound"), network: try enumValue("network", NetworkKind.self),
            hidden: try g.intsAttribute("hidden").map { Int($0) }, activation: try g.stringAttribute("activation"),
            dueling: try g.intAttribute("dueling") != 0, normalization: normalization,
            trainDataStart: try g.stringAttribute("trainDataStart"), trainDataEnd: try g.stringAttribute("trainDataEnd"),
            environmentConfig: try g.stringAttribute("environmentConfig"),
            provenance: try namedValues(keys, values, file: file, path: "/policy@provenanceKeys"))
        if let n = spec.normalization, n.mean.count != spec.observationSize || n.variance.count != spec.observationSize {
            throw CheckpointError.malformed(file: file, path: "/policy/normalization", detail: "statistics for \(n.mean.count) inputs, observation has \(spec.observationSize)")
        }
        return spec
    }
}

extension TrainingState {
    func write(to g: HDF5Group) throws {
        let nets = try g.createGroup("networks")
        for (role, tensors) in networks.sorted(by: { $0.key < $1.key }) {
            let ng = try nets.createGroup(role)
            try ng.setAttribute("order", .strings(tensors.map(\.name)))
            for t in tensors { try ng.createDataset(t.name, values: t.values, shape: t.shape) }
        }
        let opt = try g.createGroup("optimizer")
        try opt.setAttribute("order", .strings(optimizer.map(\.name)))
        for t in optimizer { try opt.createDataset(t.name, values: t.values, shape: t.shape) }
        let rngGroup = try g.createGroup("rng")
        for (name, words) in rng.sorted(by: { $0.key < $1.key }) {
            try rngGroup.createDataset(name, values: words.map { Int64(bitPattern: $0) })
        }
        let arr = try g.createGroup("arrays")
        for (name, values) in arrays.sorted(by: { $0.key < $1.key }) { try arr.createDataset(name, values: values) }
        let ints = try g.createGroup("integerArrays")
        for (name, values) in integerArrays.sorted(by: { $0.key < $1.key }) { try ints.createDataset(name, values: values) }
        let counterKeys = counters.keys.sorted(), scalarKeys = scalars.keys.sorted(), textKeys = texts.keys.sorted()
        try g.setAttribute("counterNames", .strings(counterKeys))
        try g.setAttribute("counterValues", .ints(counterKeys.map { counters[$0] ?? 0 }))
        try g.setAttribute("scalarNames", .strings(scalarKeys))
        try g.setAttribute("scalarValues", .doubles(scalarKeys.map { scalars[$0] ?? 0 }))
        try g.setAttribute("textNames", .strings(textKeys))
        try g.setAttribute("textValues", .strings(textKeys.map { texts[$0] ?? "" }))
    }

    static func read(from g: HDF5Group, url: URL) throws(CheckpointError) -> TrainingState {
        do {
            var s = TrainingState()
            let nets = try g.openGroup("networks")
            for role in try nets.memberNames() {
                let ng = try nets.openGroup(role)
                s.networks[role] = try ng.stringsAttribute("order").map { name in
                    try checkTensorName(name, file: url.path, path: "/training/networks/\(role)@order")
                    let (v, shape) = try ng.openDataset(name).read(as: Float.self)
                    return NamedTensor(name: name, shape: shape, values: v)
                }
            }
            let opt = try g.openGroup("optimizer")
            s.optimizer = try opt.stringsAttribute("order").map { name in
                try checkTensorName(name, file: url.path, path: "/training/optimizer@order")
                let (v, shape) = try opt.openDataset(name).read(as: Float.self)
                return NamedTensor(name: name, shape: shape, values: v)
            }
            let rngGroup = try g.openGroup("rng")
            for name in try rngGroup.memberNames() {
                s.rng[name] = try rngGroup.openDataset(name).read(as: Int64.self).values.map { UInt64(bitPattern: $0) }
            }
            let arr = try g.openGroup("arrays")
            for name in try arr.memberNames() { s.arrays[name] = try arr.openDataset(name).read(as: Double.self).values }
            let ints = try g.openGroup("integerArrays")
            for name in try ints.memberNames() { s.integerArrays[name] = try ints.openDataset(name).read(as: Int64.self).values }
            func pairs<V>(_ names: String, _ values: [V]) throws -> [String: V] {
                let keys = try g.stringsAttribute(names)
                guard keys.count == values.count else {
                    throw CheckpointError.malformed(file: url.path, path: "/training@\(names)", detail: "\(keys.count) names, \(values.count) values")
                }
                return try namedValues(keys, values, file: url.path, path: "/training@\(names)")
            }
            s.counters = try pairs("counterNames", try g.intsAttribute("counterValues"))
            s.scalars = try pairs("scalarNames", try g.doublesAttribute("scalarValues"))
            s.texts = try pairs("textNames", try g.stringsAttribute("textValues"))
            return s
        } catch let e as CheckpointError {
            throw e
        } catch {
            throw .malformed(file: url.path, path: "/training", detail: "\(error)")
        }
    }
}

/// `names[i]: values[i]` for a checkpoint's parallel name and value lists (the counts already
/// checked). A name listed twice is a malformed file, refused by name: `Dictionary(uniqueKeysWithValues:)`
/// traps on it (found by FuzzHDF5: a `provenanceKeys` attribute with a repeated key crashed
/// `inspect`, `evaluate` and `act`).
func namedValues<V>(_ names: [String], _ values: [V], file: String, path: String) throws(CheckpointError) -> [String: V] {
    var result: [String: V] = [:]
    result.reserveCapacity(names.count)
    for (name, value) in zip(names, values) {
        guard result.updateValue(value, forKey: name) == nil else {
            throw .malformed(file: file, path: path, detail: "the name '\(shortened(name))' is listed twice (each name once)")
        }
    }
    return result
}

/// Refuses a tensor name read from a file that `NamedTensor` would trap on: empty, or with a `/`
/// (an absolute or nested path such as `/policy/parameters/x` opens a dataset elsewhere in the
/// file, under a name no network has).
func checkTensorName(_ name: String, file: String, path: String) throws(CheckpointError) {
    guard name.isEmpty || name.contains("/") else { return }
    throw .malformed(file: file, path: path, detail: "'\(shortened(name))' is no tensor name (names are non-empty, without '/')")
}

/// A name read from a file, cut to 60 characters for an error message (attributes may hold megabytes).
private func shortened(_ name: String) -> String {
    name.count > 60 ? String(name.prefix(57)) + "..." : name
}
