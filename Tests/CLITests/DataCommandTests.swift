import Foundation
import Testing
import TestSupport

@Suite struct DataCommandTests {
    let bundled = repositoryRoot().appendingPathComponent("Experiments/data/sp500-20-daily.csv.gz").path

    @Test func infoDescribesTheBundledData() throws {
        let r = try runProduct("marketgym", ["data", "info", bundled])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("assets:   20"))
        #expect(r.stdout.contains("1990-01-02 to 2022-12-28"))
        #expect(r.stdout.contains("8313"))
    }

    @Test func validateReportsHardErrorsWithPlaceAndFix() throws {
        let dir = try makeTemporaryDirectory()
        let bad = dir.appendingPathComponent("bad.csv")
        try "Date,A,B\n2020-01-01,1,2\n2020-01-01,x,3\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try runProduct("marketgym", ["data", "validate", bad.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("bad.csv:3:2"))
        #expect(r.stdout.contains("'x' is not a finite number"))
        #expect(r.stdout.contains("already appears on line 2"))
    }

    @Test func missingFileIsAClearErrorNotACrash() throws {
        let r = try runProduct("marketgym", ["data", "info", "/nonexistent/bars.csv"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("/nonexistent/bars.csv"))
    }

    @Test func helpShowsExamples() throws {
        let r = try runProduct("marketgym", ["data", "validate", "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Example"))
    }
}
