import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// A file without MarketGym's integrity header on which libhdf5 1.10.8 loops forever (FuzzHDF5,
/// session 8: a timeout after 53,000 executions). MarketGym opens such files only after a child
/// process has walked them; these tests hold the two things that finding showed: the child's time
/// limit is a setting (`MARKETGYM_HDF5_PROBE_SECONDS`, default 60 s), and the child dies with its
/// parent instead of spinning on a core forever when the parent is killed while it waits.
@Suite(.serialized) struct HDF5ProbeCommandTests {
    /// The raw file: the committed fuzz input without its first byte (the harness's mode byte, 0xFF).
    static func loopingFile(in folder: URL) throws -> URL {
        let input = repositoryRoot().appendingPathComponent("Fuzz/Reproducers/hdf5/libhdf5-loops-forever.fuzz")
        let url = folder.appendingPathComponent("loops-\(getpid()).h5")
        try Data(try Data(contentsOf: input).dropFirst()).write(to: url)
        return url
    }

    @Test func theProbeTimeIsASettingAndTheErrorNamesIt() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try Self.loopingFile(in: folder)
        let start = Date()
        let r = try runProduct("marketgym", ["inspect", file.path], environment: ["MARKETGYM_HDF5_PROBE_SECONDS": "1"])
        let seconds = Date().timeIntervalSince(start)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("is damaged and was not opened") && r.stderr.contains("did not finish in 1 s"), "\(r.stderr)")
        #expect(r.stderr.contains("MARKETGYM_HDF5_PROBE_SECONDS") && r.stderr.contains(file.path), "\(r.stderr)")
        #expect(seconds < 30, "took \(seconds) s with a 1 s probe")
    }

    @Test func theProbeChildDiesWithItsParent() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try Self.loopingFile(in: folder)
        let process = Process()
        process.executableURL = productURL("marketgym")
        process.arguments = ["inspect", file.path]
        process.environment = ProcessInfo.processInfo.environment.merging(["MARKETGYM_HDF5_PROBE_SECONDS": "120"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let parent = process.processIdentifier
        var child: Int32?
        for _ in 0..<400 where child == nil {  // up to ~20 s for the parent to fork its probe
            child = Self.children(of: parent).first
            if child == nil { usleep(50_000) }
        }
        guard let child else {
            process.terminate()
            Issue.record("marketgym inspect started no probe child")
            return
        }
        kill(parent, SIGKILL)
        // Not waitUntilExit: Foundation may wait for the whole family, which would hang this test
        // on the very orphan it looks for. The parent is dead once it is a zombie or gone.
        for _ in 0..<100 where Self.isRunning(parent) { usleep(50_000) }
        var alive = true
        for _ in 0..<100 where alive {  // up to ~5 s
            alive = Self.isRunning(child)
            if alive { usleep(50_000) }
        }
        if alive { kill(child, SIGKILL) }
        #expect(!alive, "the probe child \(child) kept running after its parent \(parent) was killed")
    }

    /// Process ids whose parent is `pid` (Linux /proc).
    static func children(of pid: Int32) -> [Int32] {
        let ids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return ids.compactMap(Int32.init).filter { id in
            guard let status = try? String(contentsOfFile: "/proc/\(id)/status", encoding: .utf8) else { return false }
            return status.split(separator: "\n").contains { $0.hasPrefix("PPid:") && $0.split(separator: "\t").last.map(String.init) == String(pid) }
        }
    }

    /// True while `pid` exists and is not a zombie (an orphan's zombie may stay unreaped in a container).
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }
}
