import Foundation

extension SlurmExecutor {
    /// Asynchronous successive halving on Slurm: at most `slots` trials are submitted and unfinished
    /// at once. Every poll collects the results that landed (and the tasks that left the queue with
    /// none: died or cancelled), then asks `source` for trials until the slots are full and submits
    /// what it gave as one wave (one job array per budget in the wave). So a promotion is submitted
    /// at the first poll after the result that made it possible, not after its rung.
    /// - Returns: false when a stop signal cancelled the jobs (finished results stay in place).
    public func run(_ source: any TrialSource, say: @escaping @Sendable (String) -> Void) throws -> Bool {
        _ = try which("sbatch")
        var inFlight: [(index: Int, budget: Int?, job: String)] = []
        var cancelled = false
        var last = ""
        var done = 0, died = 0
        say("slurm: at most \(slots) trial(s) submitted at once (slurm.throttle, else --workers)")
        while true {
            if shouldStop() && !cancelled {
                let jobs = Array(Set(inFlight.map(\.job))).sorted()
                say("stopping: scancel \(jobs.joined(separator: " ")) (finished results stay in place)")
                if !jobs.isEmpty { _ = try? call("scancel", jobs) }
                cancelled = true
            }
            // squeue first, results second: a task writes its result before it leaves the queue,
            // so one gone from the queue without a result has died.
            let queued = try queuedTasks(Set(inFlight.map(\.job)))
            inFlight.removeAll { t in
                let landed = FileManager.default.fileExists(atPath: folder.resultURL(t.index, budget: t.budget).path)
                guard landed || !queued.contains("\(t.job)_\(t.index)") else { return false }
                if landed { done += 1 } else { died += 1 }
                source.ended(index: t.index, budget: t.budget)
                return true
            }
            var wave: [(index: Int, budget: Int?)] = []
            var finished = false
            while !cancelled && inFlight.count + wave.count < slots {
                let n = source.next()
                guard case let .run(index, budget) = n else { finished = n == .finished && inFlight.isEmpty && wave.isEmpty; break }
                wave.append((index, budget))
            }
            for budget in Array(Set(wave.map(\.budget))).sorted(by: { ($0 ?? .max) > ($1 ?? .max) }) {
                let indices = wave.filter { $0.budget == budget }.map(\.index)
                let job = try submit(indices, budget: budget)
                say("submitted Slurm job \(job): \(indices.count) task(s), array \(Self.ranges(indices)) \(budget.map { "to \($0) steps" } ?? "to the full budget")")
                inFlight += indices.map { ($0, budget, job) }
            }
            let line = "slurm: \(done) trial(s) ended, \(inFlight.count) submitted, \(died) without result"
            if line != last { say(line); last = line }
            // Once cancelled, the loop only waits for the cancelled tasks to leave the queue.
            if finished || (cancelled && inFlight.isEmpty) { break }
            Thread.sleep(forTimeInterval: pollInterval)
        }
        return !cancelled
    }

    /// `JOB_TASK` of every array task of `jobs` that squeue still lists (pending, running, completing).
    func queuedTasks(_ jobs: Set<String>) throws -> Set<String> {
        guard !jobs.isEmpty else { return [] }
        let r = try call("squeue", ["-h", "-r", "-o", "%F %K"])
        guard r.status == 0 else {
            throw SweepError.schedulerFailed(command: "squeue -h -r", status: r.status, output: r.err, fix: "Is the cluster reachable (`sinfo`)? Submitted jobs keep running; rerun the sweep to collect them.")
        }
        var out: Set<String> = []
        for line in r.out.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count == 2, jobs.contains(String(f[0])) else { continue }
            out.insert("\(f[0])_\(f[1])")
        }
        return out
    }
}
