import Foundation
import Testing
@testable import Lab

/// Reports on hourly bars: stamps with a time of day keep their own x position, a one-year
/// walk-forward fold is labelled by month, and the rolling Sharpe spans a quarter of the bars.
@Suite struct ReportTimeAxisTests {
    @Test func hourlyStampsGetDistinctDecimalYears() {
        let midnight = RunReport.decimalYear("2021-01-01"), oneAM = RunReport.decimalYear("2021-01-01T01:00:00Z")
        #expect(midnight == 2021)
        // One hour of the 8,760 in 2021.
        #expect(abs((oneAM - midnight) - 1.0 / 8760) < 1e-12)
        #expect(abs(RunReport.decimalYear("2020-07-01T00:00:00Z") - (2020 + 182.0 / 366)) < 1e-12)  // leap year
        #expect(RunReport.decimalYear("2021").isNaN && RunReport.decimalYear("not a date").isNaN)
    }

    @Test func shortSpansAreLabelledByMonthLongSpansByYear() {
        let long = SVG.yearTicks(1994.5, 2014.9)
        #expect(long.map(\.1) == ["1995", "1998", "2001", "2004", "2007", "2010", "2013"])
        let year = SVG.yearTicks(RunReport.decimalYear("2020-01-01T01:00:00Z"), RunReport.decimalYear("2020-12-31T23:00:00Z"))
        #expect(year.map(\.1) == ["2020-03", "2020-05", "2020-07", "2020-09", "2020-11"])
        let half = SVG.yearTicks(RunReport.decimalYear("2021-01-01T01:00:00Z"), RunReport.decimalYear("2021-06-10T01:00:00Z"))
        #expect(half.map(\.1) == ["2021-02", "2021-03", "2021-04", "2021-05", "2021-06"])
        // Each month tick sits at its month's first instant.
        #expect(zip(half.map(\.0), ["2021-02-01", "2021-03-01", "2021-04-01", "2021-05-01", "2021-06-01"].map(RunReport.decimalYear)).allSatisfy { $0 == $1 })
        #expect(SVG.yearTicks(.nan, 2020).isEmpty)
    }

    @Test func theRollingWindowIsAQuarterOfTheBarsPerYear() {
        #expect(SeedGroupReport.rollingWindow(periodsPerYear: 252) == 63)
        #expect(SeedGroupReport.rollingWindow(periodsPerYear: 8766) == 2192)
        #expect(SeedGroupReport.rollingWindow(periodsPerYear: 1) == 2)
    }
}
