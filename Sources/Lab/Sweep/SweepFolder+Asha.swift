import Foundation

extension SweepFolder {
    /// `asha.jsonl`: the successive-halving jobs in the order they were decided, one JSON line each
    /// (`{"configuration": 3, "rung": 1}`), appended before the job's first trial starts.
    public var ashaJournalURL: URL { directory.appendingPathComponent("asha.jsonl") }

    /// Appends one decided job and flushes it to disk.
    /// - Throws: `LabError.io` when the file cannot be written.
    func appendAshaDecision(_ job: AshaScheduler.Job) throws(LabError) {
        let line = Data("{\"configuration\": \(job.configuration), \"rung\": \(job.rung)}\n".utf8)
        let url = ashaJournalURL
        do {
            if !FileManager.default.fileExists(atPath: url.path) { try Data().write(to: url) }
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
            try handle.synchronize()
        } catch {
            throw .io(path: url.path, detail: "cannot record a successive-halving decision: \(error.localizedDescription)")
        }
    }

    /// The decided jobs recorded in `asha.jsonl` (none when the file does not exist). A last line
    /// without its newline (the process died while appending) is a decision whose trials never
    /// started, and is skipped.
    /// - Throws: `SweepError.damagedJournal` for a complete line that is not a decision of this sweep.
    func ashaDecisions(configurations: Int, rungs: Int) throws -> [AshaScheduler.Job] {
        guard let data = FileManager.default.contents(atPath: ashaJournalURL.path) else { return [] }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let lastLine = lines.last, lastLine.isEmpty || !text.hasSuffix("\n") { lines.removeLast() }
        return try lines.enumerated().map { (k, line) in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let c = o["configuration"] as? Int, let r = o["rung"] as? Int, (0..<configurations).contains(c), (0..<rungs).contains(r) else {
                throw SweepError.damagedJournal(file: ashaJournalURL.path, line: k + 1, found: String(line.prefix(120)),
                                                expected: "{\"configuration\": 0...\(configurations - 1), \"rung\": 0...\(rungs - 1)}")
            }
            return AshaScheduler.Job(configuration: c, rung: r)
        }
    }
}
