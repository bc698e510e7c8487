import Foundation

/// Runs a built executable of this package (e.g. `marketgym`) the way a user would, for CLI tests.
///
/// The executable is looked up next to the test bundle (SwiftPM puts products and the test bundle in
/// the same build folder). Standard input is `stdin` (empty by default, never the terminal).
public func runProduct(
    _ name: String, _ arguments: [String], stdin: String = "", environment: [String: String]? = nil,
    currentDirectory: URL? = nil
) throws -> (status: Int32, stdout: String, stderr: String) {
    try runProcess(productURL(name), arguments, stdin: stdin, environment: environment, currentDirectory: currentDirectory)
}

/// Runs an executable to completion with `stdin` as its standard input, collecting both outputs.
public func runProcess(
    _ executable: URL, _ arguments: [String], stdin: String = "", environment: [String: String]? = nil,
    currentDirectory: URL? = nil
) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    let input = Pipe(), out = Pipe(), err = Pipe()
    process.standardInput = input
    process.standardOutput = out
    process.standardError = err
    try process.run()
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try input.fileHandleForWriting.close()
    // Drain stderr on another thread so neither pipe can fill up and block the child.
    let errBox = DataBox()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errBox.data = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errBox.data, as: UTF8.self))
}

/// The path of a built product of this package.
public func productURL(_ name: String) -> URL {
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var dir = testBinary.deletingLastPathComponent()
    // On Linux the runner is `<build>/debug/<Package>PackageTests.xctest`; on macOS it sits inside a bundle.
    while dir.path != "/" {
        let candidate = dir.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return repositoryRoot().appendingPathComponent(".build/debug/\(name)")
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}
