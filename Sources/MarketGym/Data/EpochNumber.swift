/// An epoch number as written in a timestamp cell: digits with an optional sign and fraction
/// (`1623283200000`, `1502942400.0`, `1502942400.25`).
struct EpochNumber {
    /// The integer part and the fraction (0 <= fraction < 1, sign of the whole number applied after).
    let integer: Int64
    let fraction: Double
    let negative: Bool

    /// Parses the cell; nil when it is not an optionally signed decimal number.
    init?(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        var k = range.lowerBound
        let end = range.upperBound
        var negative = false
        if k < end, b[k] == UInt8(ascii: "-") { negative = true; k += 1 }
        let start = k
        var v: Int64 = 0
        while k < end, b[k] &- 48 < 10 {
            guard k - start < 18 else { return nil }
            v = v * 10 + Int64(b[k] &- 48)
            k += 1
        }
        guard k > start else { return nil }
        var fraction = 0.0
        if k < end, b[k] == UInt8(ascii: ".") {
            k += 1
            var scale = 0.1
            while k < end, b[k] &- 48 < 10 {
                fraction += Double(b[k] &- 48) * scale
                scale *= 0.1
                k += 1
            }
        }
        guard k == end else { return nil }
        self.integer = v
        self.fraction = fraction
        self.negative = negative
    }

    /// Whole epoch seconds (floored) and the unit used (0 seconds, 1 milliseconds, 2 microseconds);
    /// nil when `.automatic` meets a magnitude no unit explains (1e17 or more).
    func seconds(unit: EpochUnit) -> (Int64, Int)? {
        let chosen: EpochUnit
        switch unit {
        case .automatic:
            if integer < 100_000_000_000 { chosen = .seconds }
            else if integer < 100_000_000_000_000 { chosen = .milliseconds }
            else if integer < 100_000_000_000_000_000 { chosen = .microseconds }
            else { return nil }
        default: chosen = unit
        }
        let per: Int64 = chosen == .seconds ? 1 : chosen == .milliseconds ? 1000 : 1_000_000
        // Floor of (integer + fraction) / per, for either sign.
        var whole = integer / per
        let hasRest = integer % per != 0 || fraction > 0
        if negative {
            whole = -whole - (hasRest ? 1 : 0)
        }
        let index = chosen == .seconds ? 0 : chosen == .milliseconds ? 1 : 2
        return (whole, index)
    }
}
