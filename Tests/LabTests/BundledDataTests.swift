import Foundation
import Testing
import TestSupport

/// The bundled dataset is what a fresh clone trains on offline: check it is present and unchanged.
@Suite struct BundledDataTests {
    @Test func bundledFilesMatchTheirPublishedHashes() throws {
        let dir = repositoryRoot().appendingPathComponent("Experiments/data")
        let expected = [
            "sp500-20-daily.csv.gz": "ee21cac28befb1d0a739a9ceb22184f995394726aa0cfde9a21941d1ac04ac0d",
            "sp500-index-daily.csv.gz": "894c34431c284f86aa64a467e176e2a3c9b697c857eb9ab35006c2dd55d3fdf2",
            "factor-etfs-daily.csv.gz": "6eb089953db90c9a38d3283582751701a90db6f59965847fd64b0578de497161",
            // Raw vendor files, hashes as published in crypto-hourly/README.md.
            "crypto-hourly/Binance_BTCUSDT_1h.csv.gz": "17580af37e3ca299ab4fc324b8316c3d902ac4c65148d3fbc3b25c78f10652bc",
            "crypto-hourly/Binance_ETHUSDT_1h.csv.gz": "578462155c58c1c7a41de63c0ff95adb35c97def197be2ad64ed4e7f0ee966fa",
            "crypto-hourly/Binance_ADAUSDT_1h.csv.gz": "4c5a521069269323c8fde98a69650593a44845aae2bea635ff91eb91d658da9a",
            "crypto-hourly/Binance_BNBUSDT_1h.csv.gz": "b9ac8517cd83e52604010150063244c07858f140139aa0dab23361adfbd7edb7",
        ]
        let script = "import hashlib, os, sys\nfor p in sys.argv[2:]: print(os.path.relpath(p, sys.argv[1]), hashlib.sha256(open(p, 'rb').read()).hexdigest())"
        let result = try runPython(script: script, arguments: [dir.path] + expected.keys.sorted().map { dir.appendingPathComponent($0).path })
        #expect(result.status == 0, "\(result.stderr)")
        var found: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { found[String(parts[0])] = String(parts[1]) }
        }
        #expect(found == expected)
    }
}
