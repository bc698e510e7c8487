import Foundation
@testable import MarketGym
import TestSupport

/// Writes `text` to a new temporary file named `name` and returns its path.
func temporaryFile(_ name: String, _ text: String) throws -> String {
    let url = try makeTemporaryDirectory().appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
}

/// The error a bar-source load threw, or nil.
func sourceError(_ body: () throws -> Void) -> BarSourceError? {
    do { try body(); return nil } catch { return error as? BarSourceError }
}

/// The bundled raw crypto files' folder.
func cryptoFolder() -> URL { repositoryRoot().appendingPathComponent("Experiments/data/crypto-hourly") }

/// The spec of Experiments/data/crypto-hourly/crypto-hourly.bars.yaml, built in Swift (the CLI test
/// reads the YAML itself and checks the same counts).
func cryptoSpec(timeframe: String? = nil) -> BarSourceSpec {
    var s = BarSourceSpec()
    s.files = ["Binance_*USDT_1h.csv.gz"]
    s.columns.timestamp = "unix"
    s.columns.asset = "symbol"
    s.columns.volume = "Volume USDT"
    s.ignore = ["date", "Volume *", "tradecount"]
    s.rename = ["BTC/USDT": "BTC", "ETH/USDT": "ETH", "ADA/USDT": "ADA", "BNB/USDT": "BNB"]
    s.stamps = .open
    s.barLength = "1h"
    s.duplicates = DuplicatePolicy(policy: .keepFirst, tolerance: 0.001,
                                   acceptDisagreementAt: ["2020-09-22T15:00:00Z", "2020-10-27T06:00:00Z", "2020-11-09T15:00:00Z", "2020-11-20T07:00:00Z"])
    s.timeframe = timeframe
    return s
}
