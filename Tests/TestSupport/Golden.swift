import Foundation
import TensorCore

/// Reference values written by scripts/goldens/make_goldens.py (PyTorch): a JSON index plus a blob of
/// little-endian float32, loaded from a test target's `Goldens` resource folder.
public struct Golden {
    struct Entry: Decodable { var shape: [Int]; var offset: Int; var count: Int }
    struct Index: Decodable { var torch: String; var tensors: [String: Entry]; var scalars: [String: Double] }

    /// The PyTorch version that produced the file.
    public let torchVersion: String
    let index: Index
    let values: [Float]
    let name: String

    /// Loads `<name>.json` and `<name>.bin` from the `Goldens` folder of `bundle` (pass `Bundle.module`).
    /// - Throws: when a file is missing or malformed.
    public init(_ name: String, bundle: Bundle) throws {
        guard let folder = bundle.url(forResource: "Goldens", withExtension: nil) else {
            throw GoldenError(message: "no Goldens folder in bundle \(bundle.bundlePath); regenerate with scripts/goldens/make_goldens.py")
        }
        let json = try Data(contentsOf: folder.appendingPathComponent("\(name).json"))
        index = try JSONDecoder().decode(Index.self, from: json)
        let blob = try Data(contentsOf: folder.appendingPathComponent("\(name).bin"))
        guard blob.count % 4 == 0 else { throw GoldenError(message: "\(name).bin: \(blob.count) bytes is not a whole number of float32") }
        values = Golden.decodeFloat32LE(blob)
        torchVersion = index.torch
        self.name = name
    }

    static func decodeFloat32LE(_ blob: Data) -> [Float] {
        blob.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { i in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
            }
        }
    }

    /// The stored tensor `key`.
    /// - Throws: ``GoldenError`` when the key is missing.
    public func tensor(_ key: String) throws -> Tensor {
        guard let e = index.tensors[key] else { throw GoldenError(message: "\(name): no tensor '\(key)'") }
        return Tensor(shape: e.shape, scalars: Array(values[e.offset..<(e.offset + e.count)]))
    }

    /// A stored tensor of integers (actions) as `[Int]`.
    public func integers(_ key: String) throws -> [Int] { try tensor(key).scalars.map { Int($0) } }

    /// The stored scalar `key`.
    public func scalar(_ key: String) throws -> Float {
        guard let v = index.scalars[key] else { throw GoldenError(message: "\(name): no scalar '\(key)'") }
        return Float(v)
    }

    /// All tensor keys.
    public var keys: [String] { Array(index.tensors.keys) }
}

/// A missing or malformed golden file.
public struct GoldenError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Where `actual` departs from `expected` by more than `relative` (1e-5 by default) of the larger
/// magnitude, with an absolute floor of `floorFraction` times the largest magnitude in `expected`
/// (float32 sums of hundreds of terms cancel to values whose relative error is meaningless).
/// Returns a description of the first mismatch, or nil.
public func goldenMismatch(_ actual: Tensor, _ expected: Tensor, relative: Double = 1e-5, floorFraction: Double = 1e-5) -> String? {
    guard actual.shape == expected.shape else { return "shape \(actual.shape) vs expected \(expected.shape)" }
    let scale = expected.scalars.reduce(0) { max($0, Double(abs($1))) }
    if let m = firstMismatch(actual.scalars, expected.scalars, relative: relative, absolute: max(floorFraction * scale, 1e-12)) {
        return "element \(m.index): \(m.a) vs expected \(m.b) (scale \(scale))"
    }
    return nil
}
