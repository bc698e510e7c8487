import Foundation
import HDF5
import Testing

@Suite("HDF5 attributes on files, groups and datasets")
struct HDF5AttributeTests {
    static let values: [String: HDF5AttributeValue] = [
        "int": .int(-42),
        "double": .double(0.001),
        "float": .float(1.5),
        "string": .string("marketgym ✓"),
        "ints": .ints([1, 2, Int64.max]),
        "doubles": .doubles([0.5, -2.25]),
        "floats": .floats([3, 4]),
        "strings": .strings(["AAPL", "MSFT", ""]),
        "emptyInts": .ints([]),
    ]

    @Test func everyKindRoundTripsOnEveryObject() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("attrs.h5")
            do {
                let file = try HDF5File.create(at: url)
                let group = try file.createGroup("g")
                let dataset = try group.createDataset("d", values: [Int32(1)])
                let objects: [any HDF5Object] = [file, group, dataset]
                for object in objects {
                    for (name, value) in Self.values { try object.setAttribute(name, value) }
                }
            }
            let file = try HDF5File.open(url)
            let objects: [any HDF5Object] = [file, try file.openGroup("g"), try file.openDataset("g/d")]
            for object in objects {
                #expect(try object.attributeNames() == Self.values.keys.sorted())
                for (name, value) in Self.values {
                    #expect(try object.attribute(name) == value, "\(object.path) \(name)")
                }
            }
            #expect(try file.stringAttribute("string") == "marketgym ✓")
            #expect(try file.intAttribute("int") == -42)
            #expect(try file.doubleAttribute("float") == 1.5)
            #expect(try file.stringsAttribute("strings") == ["AAPL", "MSFT", ""])
            #expect(try file.intsAttribute("ints") == [1, 2, Int64.max])
            #expect(try file.doublesAttribute("floats") == [3, 4])
        }
    }

    @Test func replaceRemoveAndErrors() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("a.h5")
            let file = try HDF5File.create(at: url)
            try file.setAttribute("x", .int(1))
            try file.setAttribute("x", .string("now a string"))
            #expect(try file.attribute("x") == .string("now a string"))
            #expect(try file.hasAttribute("x"))
            try file.removeAttribute("x")
            #expect(try !file.hasAttribute("x"))
            #expect(hdf5Error { try file.attribute("x") } == .attributeNotFound(file: url.path, path: "/", name: "x"))
            #expect(hdf5Error { try file.removeAttribute("x") } == .attributeNotFound(file: url.path, path: "/", name: "x"))
            try file.setAttribute("n", .double(2))
            #expect(hdf5Error { try file.stringAttribute("n") } == .typeMismatch(file: url.path, path: "/ attribute 'n'", expected: "string scalar", found: "float64 scalar"))
        }
    }
}
