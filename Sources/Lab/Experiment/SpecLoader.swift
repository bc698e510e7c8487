import Foundation

/// Finds and reads specs: experiments, environment and agent presets, sweeps.
///
/// A spec argument is a path to a YAML file, or a bare name looked up in the project's folders
/// (`quickstart` → `Experiments/quickstart.yaml`, an env preset `sp500-neutral` →
/// `Environments/sp500-neutral.yaml`). The project root is the nearest folder, from the spec file
/// (or the working directory) upward, that holds `Experiments/`; relative data paths resolve
/// against it, so commands work from any folder inside the project.
public struct SpecLoader: Sendable {
    /// The project root.
    public let root: URL

    public init(root: URL) { self.root = root }

    /// The project root above `start` (a file or folder), or nil.
    public static func findRoot(from start: URL) -> URL? {
        var dir = start.hasDirectoryPath ? start : start.deletingLastPathComponent()
        let fm = FileManager.default
        while true {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: dir.appendingPathComponent("Experiments").path, isDirectory: &isDir), isDir.boolValue { return dir }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }

    /// A loader for the project around the working directory (or around `spec` when it is a path).
    public static func locate(spec: String? = nil) -> SpecLoader {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        if let spec, FileManager.default.fileExists(atPath: spec), let r = findRoot(from: URL(fileURLWithPath: spec, relativeTo: cwd).standardizedFileURL) {
            return SpecLoader(root: r)
        }
        return SpecLoader(root: findRoot(from: cwd) ?? cwd)
    }

    /// The file a spec argument names, resolved without ambiguity.
    ///
    /// A bare name (no `/`, no `.yaml`/`.yml` ending) is always a preset: `<root>/<folder>/<name>.yaml`,
    /// whatever files the working directory holds (a file there named `dqn-sizing` does not replace
    /// `Agents/dqn-sizing.yaml`). Anything else is a path: as given (relative to the working
    /// directory) when `fromCommandLine` and it exists, else relative to the project root. A path
    /// written inside a spec file must stay inside the project root.
    /// - Throws: `SpecError.unreadable` naming what was looked for, the presets available, and,
    ///   for a bare name matching a file in the working directory, how to use that file instead.
    public func file(for argument: String, folder: String, fromCommandLine: Bool = true) throws(SpecError) -> URL {
        let fm = FileManager.default
        let shown = SpecError.excerpt(argument, limit: 120)
        let isPath = argument.contains("/") || argument.hasSuffix(".yaml") || argument.hasSuffix(".yml")
        if !isPath {
            let preset = root.appendingPathComponent(folder).appendingPathComponent("\(argument).yaml")
            if !argument.isEmpty, argument != ".", argument != "..", fm.fileExists(atPath: preset.path) { return preset }
            let available = ((try? fm.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? [])
                .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
            var detail = "no preset \(folder)/\(shown).yaml under \(root.path). Available: \(available.isEmpty ? "(none)" : available.joined(separator: ", "))."
            if fromCommandLine, !argument.isEmpty, fm.fileExists(atPath: argument) {
                detail += " To use the file '\(shown)' in the working directory, write it as a path: ./\(shown)"
            }
            throw .unreadable(file: shown, detail: detail)
        }
        if fromCommandLine, fm.fileExists(atPath: argument) { return URL(fileURLWithPath: argument).standardizedFileURL }
        let base = root.standardizedFileURL.path
        let inside = { (u: URL) in u.path.hasPrefix(base.hasSuffix("/") ? base : base + "/") }
        let candidates = [argument, "\(argument).yaml", "\(folder)/\(argument)", "\(folder)/\(argument).yaml"]
            .map { root.appendingPathComponent($0).standardizedFileURL }
        guard candidates.allSatisfy(inside) else {
            throw .unreadable(file: shown, detail: "a preset path must stay inside the project (\(base)); this one leads outside it. Copy the file into \(folder)/ and name it there")
        }
        guard let url = candidates.first(where: { fm.fileExists(atPath: $0.path) }) else {
            throw .unreadable(file: shown, detail: "no such file\(fromCommandLine ? " in the working directory or" : "") under the project root \(base)")
        }
        return url
    }

    /// Reads and parses a YAML file.
    public func tree(at url: URL) throws(SpecError) -> SpecValue {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .unreadable(file: url.path, detail: error.localizedDescription)
        }
        return try SpecValue.parse(yaml: text, source: url.path)
    }

    /// Loads an experiment: inlines its env and agent presets, applies its `overrides` and then
    /// `extra` (the command line's `--set`), and decodes it strictly.
    /// - Returns: the typed spec and the resolved tree (what `config.yaml` holds).
    public func experiment(_ argument: String, overrides extra: [SpecOverride] = []) throws(SpecError) -> (spec: ExperimentSpec, tree: SpecValue, file: URL) {
        let loaded = try load(argument, overrides: extra)
        return (loaded.spec, loaded.tree, loaded.file)
    }

    /// An experiment as `experiment(_:overrides:)` loads it, with the files it was read from.
    public struct LoadedExperiment: Sendable {
        public var spec: ExperimentSpec
        public var tree: SpecValue
        /// The experiment file.
        public var file: URL
        /// The preset files inlined, by key (`env`, `agent`).
        public var presets: [(key: String, file: URL)]

        /// One line naming every file used, relative to `root` when inside it.
        public func sourcesLine(root: URL) -> String {
            let base = root.standardizedFileURL.path + "/"
            func show(_ u: URL) -> String { u.path.hasPrefix(base) ? String(u.path.dropFirst(base.count)) : u.path }
            let parts = ["experiment \(show(file))"] + presets.map { "\($0.key) preset \(show($0.file))" }
            return "using " + parts.joined(separator: ", ")
        }
    }

    /// Loads an experiment and records which files it came from (printed by `train`).
    public func load(_ argument: String, overrides extra: [SpecOverride] = []) throws(SpecError) -> LoadedExperiment {
        let url = try file(for: argument, folder: "Experiments")
        var tree = try self.tree(at: url)
        let file = url.path
        try SpecDecoder.requireMapping(tree, file: file, path: "(top level)")
        if tree == .null { tree = .mapping([]) }
        var presets: [(key: String, file: URL)] = []
        for (key, folder) in [("env", "Environments"), ("agent", "Agents")] {
            guard let v = tree[key] else { continue }
            if case .string(let preset) = v {
                let presetURL = try self.file(for: preset, folder: folder, fromCommandLine: false)
                presets.append((key, presetURL))
                tree = tree.setting(key, to: try self.tree(at: presetURL))
            } else if case .mapping = v, case .string(let base)? = v["preset"] {
                // `env: {preset: sp500-neutral, costs: {...}}`: a preset with inline changes.
                let presetURL = try self.file(for: base, folder: folder, fromCommandLine: false)
                presets.append((key, presetURL))
                let presetTree = try self.tree(at: presetURL)
                tree = tree.setting(key, to: presetTree.merging(v.removing("preset")))
            }
        }
        var overrides: [SpecOverride] = []
        if let o = tree["overrides"] {
            guard case .mapping(let pairs) = o else {
                throw .badValue(file: file, path: "overrides", found: o.kindName, expected: "a mapping of key paths to values")
            }
            for (k, v) in pairs { overrides.append(try SpecOverride(path: k, value: v)) }
            tree = tree.removing("overrides")
        }
        if tree["name"] == nil { tree = tree.setting("name", to: .string(url.deletingPathExtension().lastPathComponent)) }
        for o in overrides + extra { tree = o.apply(to: tree) }
        let spec = try ExperimentSpec.decode(tree, file: file)
        return LoadedExperiment(spec: spec, tree: try spec.tree(), file: url, presets: presets)
    }
}

extension SpecOverride {
    /// An override from a key path and an already parsed value.
    public init(path: String, value: SpecValue) throws(SpecError) {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !path.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else { throw .badOverride("\(path)=\(SpecValue.scalarText(value))") }
        self.init(path: parts, value: value)
    }
}
