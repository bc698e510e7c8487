import Foundation

/// Runs `python3` (or `$PYTHON`) with a script and arguments, for interop tests against real clients
/// (h5py, numpy). Returns the exit status, standard output and standard error.
public func runPython(script: String, arguments: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
    let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"
    return try runProcess(URL(fileURLWithPath: "/usr/bin/env"), [python, "-c", script] + arguments)
}

/// The repository root (the folder holding Package.swift), found from this source file's path.
public func repositoryRoot(file: String = #filePath) -> URL {
    var url = URL(fileURLWithPath: file).deletingLastPathComponent()
    while url.path != "/" {
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        url = url.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
}

/// A fresh temporary directory, unique per call.
public func makeTemporaryDirectory(prefix: String = "marketgym-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
