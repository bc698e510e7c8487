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

    /// The file a spec argument names: an existing path, or `<folder>/<name>.yaml` under the root.
    public func file(for argument: String, folder: String) throws(SpecError) -> URL {
        let fm = FileManager.default
        if fm.fileExists(atPath: argument) { return URL(fileURLWithPath: argument).standardizedFileURL }
        let candidates = [argument, "\(argument).yaml", "\(folder)/\(argument)", "\(folder)/\(argument).yaml"].map { root.appendingPathComponent($0) }
        if let found = candidates.first(where: { fm.fileExists(atPath: $0.path) }) { return found }
        let available = ((try? fm.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
        throw .unreadable(file: argument, detail: "no such file, and no \(folder)/\(argument).yaml under \(root.path). Available: \(available.joined(separator: ", "))")
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
        let url = try file(for: argument, folder: "Experiments")
        var tree = try self.tree(at: url)
        let file = url.path
        for (key, folder) in [("env", "Environments"), ("agent", "Agents")] {
            guard let v = tree[key] else { continue }
            if case .string(let preset) = v {
                tree = tree.setting(key, to: try self.tree(at: try self.file(for: preset, folder: folder)))
            } else if case .mapping = v, case .string(let base)? = v["preset"] {
                // `env: {preset: sp500-neutral, costs: {...}}`: a preset with inline changes.
                let presetTree = try self.tree(at: try self.file(for: base, folder: folder))
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
        return (spec, try spec.tree(), url)
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
