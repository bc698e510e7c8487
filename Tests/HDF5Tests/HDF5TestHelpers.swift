import Foundation
import HDF5
import Testing
import TestSupport

/// Runs a Python script (h5py + numpy) and fails the test with its stderr when it exits non-zero.
/// Returns standard output.
@discardableResult
func python(_ script: String, _ arguments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let result = try runPython(script: script, arguments: arguments)
    #expect(result.status == 0, "python failed (\(result.status)):\n\(result.stderr)\nstdout:\n\(result.stdout)", sourceLocation: sourceLocation)
    return result.stdout
}

/// Runs an executable (h5dump) and returns its exit status and standard output.
func runTool(_ path: String, _ arguments: [String]) throws -> (status: Int32, stdout: String) {
    let r = try runProcess(URL(fileURLWithPath: path), arguments)
    return (r.status, r.stdout)
}

/// A fresh folder for one test, removed afterwards.
func withTemporaryFolder<R>(_ body: (URL) throws -> R) throws -> R {
    let folder = try makeTemporaryDirectory(prefix: "hdf5-test")
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder)
}

/// The HDF5Error a throwing expression produced, or nil (and a test failure) when it threw nothing
/// or something else.
func hdf5Error<R>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> R) -> HDF5Error? {
    do {
        _ = try body()
        Issue.record("expected an HDF5Error, nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as HDF5Error {
        return error
    } catch {
        Issue.record("expected an HDF5Error, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Deterministic test values: a fixed formula, distinct per index, exact in Float.
func sampleFloats(_ count: Int, offset: Float = 0) -> [Float] {
    (0..<count).map { Float($0 % 1000) * 0.25 - 17.5 + offset + Float($0 / 1000) }
}
