import Testing
@testable import Lab

@Suite struct ProgressReporterTests {
    @Test func lineShowsStepsRateReturnLossAndETA() {
        let s = ProgressReporter.Snapshot(step: 5_000, totalSteps: 10_000, episodeReturn: 123.4, loss: 0.01234, extra: [("eps", 0.05)])
        let line = ProgressReporter.format(s, elapsed: 10, startStep: 0, label: "quickstart", width: 10)
        #expect(line.hasPrefix("quickstart  [#####.....]   50%  5000/10000 steps  500 steps/s"))
        #expect(line.contains("return 123.4"))
        #expect(line.contains("loss 0.01234"))
        #expect(line.contains("eps 0.05"))
        #expect(line.hasSuffix("ETA 10s"))
    }

    @Test func resumedRunRateCountsOnlyNewSteps() {
        let s = ProgressReporter.Snapshot(step: 6_000, totalSteps: 10_000)
        let line = ProgressReporter.format(s, elapsed: 10, startStep: 5_000, label: "r", width: 0)
        #expect(line.contains("100 steps/s"))
        #expect(line.hasSuffix("ETA 40s"))
    }

    @Test func durations() {
        #expect(ProgressReporter.formatDuration(3725) == "1h02m")
        #expect(ProgressReporter.formatDuration(185) == "3m05s")
        #expect(ProgressReporter.formatDuration(.nan) == "--")
    }
}
