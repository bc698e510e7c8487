/// The value of an attribute: a number, a string, or a one-dimensional array of either.
///
/// How each case is stored and how h5py reads it back (`obj.attrs[name]`):
///
/// | case | HDF5 type, dataspace | h5py value |
/// |---|---|---|
/// | `.int(Int64)` | int64, scalar | `numpy.int64` |
/// | `.double(Double)` | float64, scalar | `numpy.float64` |
/// | `.float(Float)` | float32, scalar | `numpy.float32` |
/// | `.string(String)` | variable-length UTF-8, scalar | `str` |
/// | `.ints([Int64])` | int64, 1-D | `numpy.ndarray` of int64 |
/// | `.doubles([Double])` | float64, 1-D | `numpy.ndarray` of float64 |
/// | `.floats([Float])` | float32, 1-D | `numpy.ndarray` of float32 |
/// | `.strings([String])` | variable-length UTF-8, 1-D | `numpy.ndarray` of `str` objects |
///
/// Reading maps any stored integer up to 64 bits (except uint64) to `.int`/`.ints`, float32 (and
/// smaller floats) to `.float`/`.floats`, float64 to `.double`/`.doubles`, any string to
/// `.string`/`.strings`; scalars to the scalar cases, 1-D arrays to the array cases.
public enum HDF5AttributeValue: Sendable, Equatable, CustomStringConvertible {
    /// A signed integer (stored as int64).
    case int(Int64)
    /// A double-precision number.
    case double(Double)
    /// A single-precision number.
    case float(Float)
    /// A string (stored as variable-length UTF-8).
    case string(String)
    /// An array of integers.
    case ints([Int64])
    /// An array of double-precision numbers.
    case doubles([Double])
    /// An array of single-precision numbers.
    case floats([Float])
    /// An array of strings.
    case strings([String])

    /// The value as text (float32 values are marked).
    public var description: String {
        switch self {
        case .int(let v): "\(v)"
        case .double(let v): "\(v)"
        case .float(let v): "\(v) (float32)"
        case .string(let v): "\"\(v)\""
        case .ints(let v): "\(v)"
        case .doubles(let v): "\(v)"
        case .floats(let v): "\(v) (float32)"
        case .strings(let v): "\(v)"
        }
    }

    /// What the case holds, in words, for type-mismatch messages.
    var kindName: String {
        switch self {
        case .int: "int64 scalar"
        case .double: "float64 scalar"
        case .float: "float32 scalar"
        case .string: "string scalar"
        case .ints: "int64 array"
        case .doubles: "float64 array"
        case .floats: "float32 array"
        case .strings: "string array"
        }
    }

    /// The stored element type and shape (`[]` for scalars).
    var layout: (type: HDF5ElementType, shape: [Int]) {
        switch self {
        case .int: (.int64, [])
        case .double: (.float64, [])
        case .float: (.float32, [])
        case .string: (.string, [])
        case .ints(let v): (.int64, [v.count])
        case .doubles(let v): (.float64, [v.count])
        case .floats(let v): (.float32, [v.count])
        case .strings(let v): (.string, [v.count])
        }
    }
}
