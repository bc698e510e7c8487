import Foundation
import HDF5
import Testing

@Suite("HDF5Group: create, open, list, exists")
struct HDF5GroupTests {
    @Test func createOpenListAndExist() throws {
        try withTemporaryFolder { folder in
            let file = try HDF5File.create(at: folder.appendingPathComponent("g.h5"))
            let runs = try file.createGroup("runs")
            _ = try runs.createGroup("b")
            _ = try runs.createGroup("a")
            // Intermediate groups are created as h5py does.
            let deep = try file.createGroup("x/y/z")
            #expect(deep.path == "/x/y/z")
            try runs.createDataset("metrics", values: [1.0, 2.0])

            #expect(try runs.memberNames() == ["a", "b", "metrics"])
            #expect(try runs.members() == [
                HDF5Member(name: "a", kind: .group), HDF5Member(name: "b", kind: .group),
                HDF5Member(name: "metrics", kind: .dataset),
            ])
            #expect(try file.contains("runs/a"))
            #expect(try file.contains("/x/y"))
            #expect(try !file.contains("runs/c"))
            #expect(try !file.contains("nope/deeper/still"))
            #expect(try file.kind(of: "runs/metrics") == .dataset)
            #expect(try file.openGroup("/x/y").openGroup("z").path == "/x/y/z")
            #expect(try file.openOrCreateGroup("runs").path == "/runs")
            #expect(try file.openOrCreateGroup("fresh").path == "/fresh")

            try runs.remove("b")
            #expect(try runs.memberNames() == ["a", "metrics"])
        }
    }

    /// Kinds are read from object headers without opening the objects: every kind h5py writes,
    /// links to them, and a dangling link (no object, so no kind and not contained).
    @Test func kindsOfEveryObjectH5pyWritesAndOfLinks() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("kinds.h5")
            try python("""
            import sys, h5py, numpy as np
            with h5py.File(sys.argv[1], "w") as f:
                f.create_group("g/inner")
                f["d"] = np.arange(6, dtype="f4").reshape(2, 3)
                f["t"] = np.dtype("f8")          # a named (committed) datatype
                f["hard"] = f["d"]                # a second hard link to the dataset
                f["soft"] = h5py.SoftLink("/g/inner")
                f["dangling"] = h5py.SoftLink("/nowhere")
            """, [url.path])
            let file = try HDF5File.open(url)
            defer { try? file.close() }
            #expect(try file.kind(of: "g") == .group)
            #expect(try file.kind(of: "/g/inner") == .group)
            #expect(try file.kind(of: "d") == .dataset)
            #expect(try file.kind(of: "t") == .datatype)
            #expect(try file.kind(of: "hard") == .dataset)
            #expect(try file.kind(of: "soft") == .group)
            #expect(try file.kind(of: "dangling") == nil)
            #expect(try file.kind(of: "g/missing/deeper") == nil)
            #expect(try !file.contains("dangling"))
            #expect(try file.members() == [
                HDF5Member(name: "d", kind: .dataset), HDF5Member(name: "dangling", kind: .other),
                HDF5Member(name: "g", kind: .group), HDF5Member(name: "hard", kind: .dataset),
                HDF5Member(name: "soft", kind: .group), HDF5Member(name: "t", kind: .datatype),
            ])
            #expect(try file.openDataset("hard").read(as: Float.self).values == [0, 1, 2, 3, 4, 5])
            #expect(hdf5Error { try file.openDataset("t") } == .wrongObjectKind(file: url.path, path: "/t", expected: .dataset, found: .datatype))
        }
    }

    @Test func missingWrongKindAndDuplicateAreTypedErrors() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("e.h5")
            let file = try HDF5File.create(at: url)
            _ = try file.createGroup("g")
            try file.createDataset("d", values: [UInt8(1)])
            #expect(hdf5Error { try file.openGroup("missing") } == .objectNotFound(file: url.path, path: "/missing", expected: .group))
            #expect(hdf5Error { try file.openGroup("d") } == .wrongObjectKind(file: url.path, path: "/d", expected: .group, found: .dataset))
            #expect(hdf5Error { try file.openDataset("g") } == .wrongObjectKind(file: url.path, path: "/g", expected: .dataset, found: .group))
            #expect(hdf5Error { try file.createGroup("g") } == .alreadyExists(file: url.path, path: "/g"))
            #expect(hdf5Error { try file.remove("zzz") } == .objectNotFound(file: url.path, path: "/zzz", expected: .other))
            let message = hdf5Error { try file.openDataset("g/none") }?.description ?? ""
            #expect(message.contains(url.path) && message.contains("/g/none") && message.contains("no dataset"))
        }
    }
}
