import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Training progress on the terminal: a one-line bar redrawn in place on a TTY (steps, steps/s,
/// episode return, loss, ETA), and plain periodic lines otherwise (CI logs, files, pipes).
public final class ProgressReporter {
    /// What the bar shows.
    public struct Snapshot: Sendable {
        public var step: Int
        public var totalSteps: Int
        public var episodeReturn: Double?
        public var loss: Double?
        public var extra: [(String, Double)] = []

        public init(step: Int, totalSteps: Int, episodeReturn: Double? = nil, loss: Double? = nil, extra: [(String, Double)] = []) {
            self.step = step
            self.totalSteps = totalSteps
            self.episodeReturn = episodeReturn
            self.loss = loss
            self.extra = extra
        }
    }

    private let isTerminal: Bool
    private let plainInterval: TimeInterval
    private let start = Date()
    private let startStep: Int
    private var lastDraw = Date.distantPast
    private let label: String
    private let quiet: Bool

    /// - Parameters:
    ///   - label: shown before the bar (the run name).
    ///   - startStep: the step training resumes from (for steps/s and ETA).
    ///   - plainInterval: seconds between plain lines when not on a terminal.
    ///   - quiet: print nothing.
    public init(label: String, startStep: Int = 0, plainInterval: TimeInterval = 10, quiet: Bool = false) {
        self.label = label
        self.startStep = startStep
        self.plainInterval = plainInterval
        self.isTerminal = isatty(STDOUT_FILENO) != 0
        self.quiet = quiet
    }

    /// Redraws (at most 10 times a second on a terminal, every `plainInterval` seconds otherwise).
    public func update(_ s: Snapshot, force: Bool = false) {
        guard !quiet else { return }
        let now = Date()
        let minGap = isTerminal ? 0.1 : plainInterval
        guard force || now.timeIntervalSince(lastDraw) >= minGap else { return }
        lastDraw = now
        let line = Self.format(s, elapsed: now.timeIntervalSince(start), startStep: startStep, label: label, width: isTerminal ? 24 : 0)
        if isTerminal {
            FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + line).utf8))
        } else {
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }

    /// Ends the bar line.
    public func finish(_ s: Snapshot) {
        guard !quiet else { return }
        update(s, force: true)
        if isTerminal { FileHandle.standardOutput.write(Data("\n".utf8)) }
    }

    /// One progress line (pure; tested).
    public static func format(_ s: Snapshot, elapsed: TimeInterval, startStep: Int, label: String, width: Int) -> String {
        let done = s.totalSteps > 0 ? min(1, Double(s.step) / Double(s.totalSteps)) : 0
        let rate = elapsed > 0 ? Double(s.step - startStep) / elapsed : 0
        let eta = rate > 0 ? Double(s.totalSteps - s.step) / rate : .nan
        var parts = ["\(label)"]
        if width > 0 {
            let filled = Int(done * Double(width))
            parts.append("[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]")
        }
        parts.append(String(format: "%3.0f%%", done * 100))
        parts.append("\(s.step)/\(s.totalSteps) steps")
        parts.append(String(format: "%.0f steps/s", rate))
        if let r = s.episodeReturn { parts.append(String(format: "return %.4g", r)) }
        if let l = s.loss { parts.append(String(format: "loss %.4g", l)) }
        for (k, v) in s.extra { parts.append(k + " " + String(format: "%.4g", v)) }
        parts.append("ETA " + formatDuration(eta))
        return parts.joined(separator: "  ")
    }

    /// `1h02m`, `3m05s`, `12s`, or `--` when unknown.
    public static func formatDuration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}
