import Foundation

/// The seeds of a multi-seed experiment: `seeds: [0, 1, 2, 3, 4]` in a spec, `--seeds 0-4` (or
/// `0,2,5`, `0-2,7`) on `train`. Duplicates are refused: a seed run twice would count twice in
/// the mean and narrow the interval for nothing.
public enum SeedList {
    /// Parses `0-4`, `0,2,5` or a mix (`0-2,7`).
    /// - Throws: `SpecError.badValue` naming `--seeds` for a malformed range or a duplicate.
    public static func parse(_ text: String, source: String = "--seeds") throws(SpecError) -> [UInt64] {
        var out: [UInt64] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            if bounds.count == 1, let v = UInt64(bounds[0]) {
                out.append(v)
            } else if bounds.count == 2, let a = UInt64(bounds[0]), let b = UInt64(bounds[1]), a <= b, b - a < 10_000 {
                out.append(contentsOf: a...b)
            } else {
                throw .badValue(file: source, path: "seeds", found: "'\(part)'", expected: "seeds as a range or a list of non-negative integers, e.g. 0-4 or 0,1,2 (a range's start ≤ its end)")
            }
        }
        try checkUnique(out, source: source)
        return out
    }

    /// Decodes the `seeds:` key of an experiment (a list of non-negative integers, or a `"0-4"` string).
    public static func decode(_ value: SpecValue, file: String) throws(SpecError) -> [UInt64] {
        switch value {
        case .string(let s): return try parse(s, source: file)
        case .int(let v) where v >= 0: return [UInt64(v)]
        case .array(let items):
            var out: [UInt64] = []
            for item in items {
                guard case .int(let v) = item, v >= 0 else {
                    throw .badValue(file: file, path: "seeds", found: SpecValue.scalarText(item), expected: "a list of non-negative integers, e.g. [0, 1, 2, 3, 4]")
                }
                out.append(UInt64(v))
            }
            try checkUnique(out, source: file)
            return out
        default:
            throw .badValue(file: file, path: "seeds", found: SpecValue.scalarText(value), expected: "a list of non-negative integers, e.g. [0, 1, 2, 3, 4]")
        }
    }

    static func checkUnique(_ seeds: [UInt64], source: String) throws(SpecError) {
        var seen = Set<UInt64>()
        for s in seeds where !seen.insert(s).inserted {
            throw .badValue(file: source, path: "seeds", found: "seed \(s) twice", expected: "each seed once (a repeated seed would count twice in the mean); remove the duplicate")
        }
        if seeds.isEmpty { throw .badValue(file: source, path: "seeds", found: "an empty list", expected: "at least one seed, e.g. 0-4") }
    }
}
