import Testing
import MarketGym

@Suite struct DataSplitTests {
    @Test func civilDatesMatchKnownEpochs() {
        #expect(CivilDate(year: 1970, month: 1, day: 1).epochSeconds == 0)
        #expect(CivilDate(year: 2000, month: 1, day: 1).epochSeconds == 946_684_800)
        #expect(CivilDate(year: 1990, month: 1, day: 2).epochSeconds == 631_238_400)
        #expect(CivilDate(year: 2024, month: 2, day: 29).epochSeconds == 1_709_164_800)
        #expect(CivilDate(year: 1969, month: 12, day: 31).epochSeconds == -86_400)
        for days in stride(from: -40_000, to: 60_000, by: 37) {
            let s = Int64(days) * 86_400 + 3_600
            let d = CivilDate(epochSeconds: s)
            #expect(d.epochSeconds == Int64(days) * 86_400)
            #expect(CivilDate(iso: d.description) == d)
        }
        #expect(CivilDate(iso: "2020-1-01") == nil && CivilDate(iso: "2020-13-01") == nil)
        #expect(CivilDate(iso: "2021-02-29") == nil && CivilDate(iso: "2020-02-29") != nil && CivilDate(iso: "1900-02-29") == nil && CivilDate(iso: "2000-02-29") != nil)
    }

    @Test func splitsResolveToBarRanges() throws {
        let stamps = (0..<1000).map { CivilDate(year: 2010, month: 1, day: 1).epochSeconds + Int64($0) * 86_400 }
        var c = SplitConfig()
        c.train = DateRange(from: "2010-01-01", to: "2010-12-31")
        c.valid = DateRange(from: "2011-01-01", to: "2011-06-30")
        c.test = DateRange(from: "2011-07-01", to: "2020-01-01")
        #expect(try DataSplit.named("train", config: c, timestamps: stamps).bars == 0..<365)
        #expect(try DataSplit.named("valid", config: c, timestamps: stamps).bars == 365..<546)
        #expect(try DataSplit.named("test", config: c, timestamps: stamps).bars == 546..<1000)
        #expect(try DataSplit.named("all", config: c, timestamps: stamps).bars == 0..<1000)
        #expect(throws: SplitError.self) { _ = try DataSplit.named("holdout", config: c, timestamps: stamps) }
        #expect(throws: SplitError.self) { _ = try DataSplit.walkForward(timestamps: stamps, testYears: 2011...2012) }
        let folds = try DataSplit.walkForward(timestamps: stamps, testYears: 2012...2012, validYears: 1) + [DataSplit.walkForwardFold(testYear: 2012, validYears: 1, timestamps: stamps)]
        #expect(folds.count == 2)
        #expect(folds[1].train.bars == 0..<365 && folds[1].valid.bars == 365..<730 && folds[1].test.bars == 730..<1000)
        c.walkForwardTestYear = 2012
        #expect(try DataSplit.named("valid", config: c, timestamps: stamps).bars == 365..<730)
    }
}
