import Foundation
import Testing
@testable import MarketGym
import TestSupport

@Suite("Timestamp")
struct TimestampTests {
    @Test("ISO dates, date-times with zones, epoch seconds")
    func automatic() {
        #expect(Timestamp.parse("2020-01-02") == 1_577_923_200)
        #expect(Timestamp.parse("1970-01-01") == 0)
        #expect(Timestamp.parse("1969-12-31") == -86_400)
        #expect(Timestamp.parse("2020-01-02T15:30:00Z") == Int64(1_577_979_000))
        #expect(Timestamp.parse("2020-01-02 15:30") == Int64(1_577_979_000))
        #expect(Timestamp.parse("2020-01-02T15:30:00.250Z") == Int64(1_577_979_000))
        #expect(Timestamp.parse("2020-01-02T16:30:00+01:00") == Int64(1_577_979_000))
        #expect(Timestamp.parse("2020-01-02T10:30:00-0500") == Int64(1_577_979_000))
        #expect(Timestamp.parse("1577923200") == 1_577_923_200)
        #expect(Timestamp.parse("2020-02-29") != nil)
        for bad in ["2021-02-29", "2020-13-01", "2020-01-32", "2020-01-02T25:00", "2020/01/02", "abc", "", "2020-01-02Tx", "12.5"] {
            #expect(Timestamp.parse(bad) == nil, "\(bad)")
        }
    }

    @Test("explicit patterns")
    func patterns() {
        #expect(Timestamp.parse("02/01/2020", format: .pattern("%d/%m/%Y")) == 1_577_923_200)
        #expect(Timestamp.parse("20200102 1530", format: .pattern("%Y%m%d %H%M")) == Int64(1_577_979_000))
        #expect(Timestamp.parse("02-Jan-20", format: .pattern("%d-%b-%y")) == 1_577_923_200)
        #expect(Timestamp.parse("2020-01-02", format: .pattern("%d/%m/%Y")) == nil)
    }

    @Test("civil conversion agrees with Python's calendar.timegm over 1900-2100")
    func againstPython() throws {
        var lines: [String] = []
        var days = Int64(-25_567)  // 1900-01-01
        while days < 47_482 {  // 2100-01-01
            let (y, m, d) = Timestamp.civil(days: days)
            #expect(Timestamp.days(year: y, month: m, day: d) == days)
            lines.append("\(y) \(m) \(d) \(days * 86_400) \(Timestamp.iso(days * 86_400 + 3_723))")
            days += 97
        }
        let script = """
        import sys, calendar, datetime
        for line in sys.argv[1].split(";"):
            y, m, d, s, iso = line.split(" ")
            assert calendar.timegm((int(y), int(m), int(d), 0, 0, 0)) == int(s), line
            t = datetime.datetime.fromtimestamp(int(s) + 3723, datetime.timezone.utc)
            assert t.strftime("%Y-%m-%dT%H:%M:%SZ") == iso, (line, t)
        print(len(sys.argv[1].split(";")))
        """
        let result = try runPython(script: script, arguments: [lines.joined(separator: ";")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == String(lines.count))
    }
}
