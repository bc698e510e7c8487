import CHDF5

/// The element types this module stores, and how each maps to h5py/numpy.
///
/// | Swift | ``HDF5ElementType`` | HDF5 file type | numpy dtype |
/// |---|---|---|---|
/// | `Float` | `.float32` | `H5T_IEEE_F32LE` | `float32` (`<f4`) |
/// | `Double` | `.float64` | `H5T_IEEE_F64LE` | `float64` (`<f8`) |
/// | `Int32` | `.int32` | `H5T_STD_I32LE` | `int32` (`<i4`) |
/// | `Int64` | `.int64` | `H5T_STD_I64LE` | `int64` (`<i8`) |
/// | `UInt8` | `.uint8` | `H5T_STD_U8LE` | `uint8` (`u1`) |
/// | `String` | `.string` | variable-length string, UTF-8 | `object` (`h5py.string_dtype('utf-8')`) |
public enum HDF5ElementType: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    /// IEEE 754 binary32, little-endian on disk.
    case float32
    /// IEEE 754 binary64, little-endian on disk.
    case float64
    /// Signed 32-bit integer, little-endian on disk.
    case int32
    /// Signed 64-bit integer, little-endian on disk.
    case int64
    /// Unsigned 8-bit integer.
    case uint8
    /// Variable-length UTF-8 string (reads also accept ASCII and fixed-length strings).
    case string

    /// The type's name as error messages use it ("float32", "string (variable-length UTF-8)").
    public var description: String {
        switch self {
        case .string: "string (variable-length UTF-8)"
        default: rawValue
        }
    }

    /// Size in bytes of one element in memory (for strings: one pointer).
    var memorySize: Int {
        switch self {
        case .float32, .int32: 4
        case .float64, .int64: 8
        case .uint8: 1
        case .string: MemoryLayout<UnsafeMutablePointer<CChar>?>.size
        }
    }

    /// The HDF5 type written to files. Call with the HDF5 lock held.
    func fileType(_ context: HDF5Context) throws -> OwnedID {
        switch self {
        case .float32: OwnedID(mg_H5T_IEEE_F32LE(), .borrowed)
        case .float64: OwnedID(mg_H5T_IEEE_F64LE(), .borrowed)
        case .int32: OwnedID(mg_H5T_STD_I32LE(), .borrowed)
        case .int64: OwnedID(mg_H5T_STD_I64LE(), .borrowed)
        case .uint8: OwnedID(mg_H5T_STD_U8LE(), .borrowed)
        case .string: try Self.variableLengthString(cset: H5T_CSET_UTF8, context)
        }
    }

    /// The HDF5 type of the in-memory buffer. Call with the HDF5 lock held.
    func memoryType(_ context: HDF5Context) throws -> OwnedID {
        switch self {
        case .float32: OwnedID(mg_H5T_NATIVE_FLOAT(), .borrowed)
        case .float64: OwnedID(mg_H5T_NATIVE_DOUBLE(), .borrowed)
        case .int32: OwnedID(mg_H5T_NATIVE_INT32(), .borrowed)
        case .int64: OwnedID(mg_H5T_NATIVE_INT64(), .borrowed)
        case .uint8: OwnedID(mg_H5T_NATIVE_UINT8(), .borrowed)
        case .string: try Self.variableLengthString(cset: H5T_CSET_UTF8, context)
        }
    }

    /// A variable-length C string type with the given character set.
    static func variableLengthString(cset: H5T_cset_t, _ context: HDF5Context) throws -> OwnedID {
        let type = try context.own(H5Tcopy(mg_H5T_C_S1()), .type, "H5Tcopy(H5T_C_S1)")
        try context.check(H5Tset_size(type.id, mg_H5T_VARIABLE()), "H5Tset_size(H5T_VARIABLE)")
        try context.check(H5Tset_cset(type.id, cset), "H5Tset_cset")
        return type
    }
}

/// A stored type as found in a file: the matching ``HDF5ElementType`` if there is one, and a
/// readable name either way (for error messages).
struct StoredType {
    var element: HDF5ElementType?
    var name: String
    /// For strings: variable length (else fixed, of `size` bytes).
    var isVariableString = false
    var size = 0
    var cset = H5T_CSET_ASCII
    var padding = H5T_STR_NULLTERM
    /// For numbers: which Swift integer or float family the class belongs to (attributes convert).
    var numberClass = H5T_NO_CLASS
    var isSigned = true

    /// Describes the datatype `type`. Call with the HDF5 lock held.
    static func of(_ type: hid_t, _ context: HDF5Context) throws -> StoredType {
        let typeClass = H5Tget_class(type)
        if typeClass == H5T_NO_CLASS { throw context.failure("H5Tget_class") }
        let size = H5Tget_size(type)
        if size == 0 { throw context.failure("H5Tget_size") }
        var stored = StoredType(element: nil, name: "", size: size, numberClass: typeClass)
        switch typeClass {
        case H5T_FLOAT:
            stored.name = "float\(size * 8)"
            stored.element = size == 4 ? .float32 : size == 8 ? .float64 : nil
        case H5T_INTEGER:
            let sign = H5Tget_sign(type)
            if sign == H5T_SGN_ERROR { throw context.failure("H5Tget_sign") }
            stored.isSigned = sign != H5T_SGN_NONE
            stored.name = (stored.isSigned ? "int" : "uint") + "\(size * 8)"
            switch (stored.isSigned, size) {
            case (true, 4): stored.element = .int32
            case (true, 8): stored.element = .int64
            case (false, 1): stored.element = .uint8
            default: stored.element = nil
            }
        case H5T_STRING:
            let variable = try context.check(H5Tis_variable_str(type), "H5Tis_variable_str") > 0
            stored.isVariableString = variable
            stored.cset = H5Tget_cset(type)
            stored.padding = H5Tget_strpad(type)
            let charset = stored.cset == H5T_CSET_UTF8 ? "UTF-8" : "ASCII"
            stored.name = variable ? "string (variable-length \(charset))" : "string (fixed-length \(size) bytes, \(charset))"
            stored.element = .string
        case H5T_COMPOUND: stored.name = "compound"
        case H5T_ENUM: stored.name = "enum (h5py bool or enum)"
        case H5T_ARRAY: stored.name = "array"
        case H5T_VLEN: stored.name = "variable-length sequence"
        case H5T_OPAQUE: stored.name = "opaque"
        case H5T_REFERENCE: stored.name = "reference"
        case H5T_BITFIELD: stored.name = "bitfield"
        case H5T_TIME: stored.name = "time"
        default: stored.name = "HDF5 type class \(typeClass.rawValue)"
        }
        return stored
    }
}

/// Numbers that datasets store: `Float`, `Double`, `Int32`, `Int64`, `UInt8`.
///
/// Strings are handled by their own overloads (`write(_: [String])`, `read(as: String.self)`).
public protocol HDF5Scalar: Sendable, BitwiseCopyable {
    /// The stored element type for this Swift type.
    static var hdf5ElementType: HDF5ElementType { get }
}

extension Float: HDF5Scalar {
    /// Stored as ``HDF5ElementType/float32``.
    public static var hdf5ElementType: HDF5ElementType { .float32 }
}

extension Double: HDF5Scalar {
    /// Stored as ``HDF5ElementType/float64``.
    public static var hdf5ElementType: HDF5ElementType { .float64 }
}

extension Int32: HDF5Scalar {
    /// Stored as ``HDF5ElementType/int32``.
    public static var hdf5ElementType: HDF5ElementType { .int32 }
}

extension Int64: HDF5Scalar {
    /// Stored as ``HDF5ElementType/int64``.
    public static var hdf5ElementType: HDF5ElementType { .int64 }
}

extension UInt8: HDF5Scalar {
    /// Stored as ``HDF5ElementType/uint8``.
    public static var hdf5ElementType: HDF5ElementType { .uint8 }
}
