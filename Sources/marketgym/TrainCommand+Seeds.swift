import ArgumentParser
import Foundation
import Lab

/// `marketgym train EXPERIMENT --seeds 0-4 [--workers N] [--report]`: every seed as its own
/// `marketgym train` process (at most `--workers` at once), each into `seed-<k>/` of one group
/// folder, then `aggregate.json` and the aggregated report. Finished seeds are skipped on a rerun
/// (same experiment into the same folder, or `--resume GROUP`), interrupted seeds resume.
extension TrainCommand {
    /// Runs (or continues) `group`: spawns the seeds that are not finished, then aggregates.
    /// - Parameter root: the project root; the seeds run there, so relative data paths resolve as for the parent.
    func runGroup(_ group: SeedGroup, root: URL) throws {
        guard let exe = Bundle.main.executableURL else { throw ValidationError("cannot locate the marketgym executable to start the seeds") }
        var pending: [(seed: UInt64, args: [String])] = []
        for seed in group.seeds {
            switch group.state(seed: seed) {
            case .finished:
                print("seed \(seed): finished already, skipped")
            case .interrupted:
                pending.append((seed, ["train", "--resume", group.runDirectory(seed: seed).path, "--quiet"] + (report ? ["--report"] : [])))
            case .notStarted:
                try group.setAsideIfStarted(seed: seed)
                pending.append((seed, ["train", group.experimentURL.path, "--seed", String(seed), "--single-seed", "--out", group.directory.path,
                                       "--run-name", "seed-\(seed)", "--quiet"] + (report ? ["--report"] : [])))
            }
        }
        var running: [(seed: UInt64, process: Process)] = []
        var failures: [String] = []
        var interrupted = false
        var next = 0
        while next < pending.count || !running.isEmpty {
            while running.count < max(1, workers) && next < pending.count && !StopSignal.isRequested {
                let job = pending[next]
                next += 1
                let p = Process()
                p.executableURL = exe
                p.arguments = job.args
                p.currentDirectoryURL = root
                let log = group.logURL(seed: job.seed)
                // Appends: an earlier attempt's log (before a resume) is kept.
                if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
                let handle = try FileHandle(forWritingTo: log)
                handle.seekToEndOfFile()
                p.standardOutput = handle
                p.standardError = handle
                try p.run()
                print("seed \(job.seed): started (log \(log.path))")
                running.append((job.seed, p))
            }
            if StopSignal.isRequested { next = pending.count }
            Thread.sleep(forTimeInterval: 0.2)
            running.removeAll { job in
                guard !job.process.isRunning else { return false }
                let status = job.process.terminationStatus
                if status == 0 {
                    print("seed \(job.seed): finished")
                } else if status == 130 {
                    interrupted = true
                    print("seed \(job.seed): interrupted; resume with: marketgym train --resume \(group.directory.path)")
                } else {
                    failures.append("seed \(job.seed) exited with status \(status); see \(group.logURL(seed: job.seed).path)")
                }
                return true
            }
        }
        if interrupted || StopSignal.isRequested { throw ExitCode(130) }
        if !failures.isEmpty { throw fail(LabError.badRun(path: group.directory.path, detail: failures.joined(separator: "; "))) }
        let agg = try SeedAggregate.write(group)
        print("aggregate: \(group.aggregateURL.path)")
        if let note = agg.seedNote { print(note) }
        for line in agg.verdict { print(line) }
        if report { print("report: \(try SeedGroupReport.write(group).path)") }
    }
}
