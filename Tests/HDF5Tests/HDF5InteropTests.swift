import Foundation
import HDF5
import Testing

/// Files written by Swift read by h5py + numpy and h5dump, and files written by h5py read by Swift.
@Suite("HDF5 interop with h5py and h5dump")
struct HDF5InteropTests {
    /// Writes the file the h5py and h5dump checks read.
    private func writeSwiftFile(_ url: URL) throws {
        let file = try HDF5File.create(at: url)
        try file.setAttribute("format", .string("marketgym-test"))
        try file.setAttribute("version", .int(3))
        try file.setAttribute("assets", .strings(["AAPL", "MSFT", "日本"]))
        let replay = try file.createGroup("replay")
        try replay.setAttribute("capacity", .int(1_000_000))
        try replay.setAttribute("gamma", .double(0.99))
        let options = HDF5DatasetOptions(chunkRows: 10, gzipLevel: 4, shuffle: true, fletcher32: true, maxRows: .unlimited)
        let obs = try replay.createDataset("obs", elementType: .float32, shape: [0, 64], options: options)
        for batch in 0..<10 { try obs.append(rows: sampleFloats(10 * 64, offset: Float(batch))) }
        try obs.setAttribute("scale", .floats([0.5, 2]))
        try obs.setAttribute("shape_hint", .ints([100, 64]))
        try replay.createDataset("actions", values: (0..<100).map { Int64($0 % 11) })
        try replay.createDataset("rewards", values: (0..<100).map { Double($0) / 8 }, shape: [100, 1])
        try replay.createDataset("done", values: (0..<24).map { UInt8($0 % 2) }, shape: [2, 3, 4])
        try replay.createDataset("steps", values: (0..<6).map { Int32($0 * 1000) }, shape: [3, 2])
        try file.createDataset("lr", values: [0.0003], shape: [])
        try file.createDataset("names", values: ["obs", "actions", "ünïcode"])
    }

    @Test func h5pyReadsWhatSwiftWrote() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("swift.h5")
            try writeSwiftFile(url)
            let output = try python("""
            import sys, h5py, numpy as np
            f = h5py.File(sys.argv[1], "r")
            def check(cond, what):
                if not cond:
                    raise SystemExit("FAILED: " + what)
            a = f.attrs
            check(a["format"] == "marketgym-test" and type(a["format"]) is str, "format attr str: %r" % (a["format"],))
            check(a["version"] == 3 and a["version"].dtype == np.int64, "version attr")
            check(list(a["assets"]) == ["AAPL", "MSFT", "日本"] and all(type(x) is str for x in a["assets"]), "assets attr: %r" % (a["assets"],))
            r = f["replay"]
            check(r.attrs["capacity"] == 1000000 and r.attrs["gamma"] == 0.99, "group attrs")
            obs = r["obs"]
            check(obs.shape == (100, 64) and obs.dtype == np.float32, "obs shape/dtype %r %r" % (obs.shape, obs.dtype))
            check(obs.maxshape == (None, 64), "maxshape %r" % (obs.maxshape,))
            check(obs.chunks == (10, 64), "chunks %r" % (obs.chunks,))
            check(obs.compression == "gzip" and obs.compression_opts == 4, "gzip")
            check(obs.shuffle and obs.fletcher32, "shuffle/fletcher32")
            i = np.arange(640)
            expected = np.concatenate([((i % 1000) * 0.25 - 17.5 + b + (i // 1000)).astype(np.float32) for b in range(10)]).reshape(100, 64)
            check(np.array_equal(obs[...], expected), "obs values")
            check(obs.attrs["scale"].dtype == np.float32 and list(obs.attrs["scale"]) == [0.5, 2.0], "scale attr")
            check(list(obs.attrs["shape_hint"]) == [100, 64], "shape_hint")
            check(r["actions"].dtype == np.int64 and np.array_equal(r["actions"][...], np.arange(100) % 11), "actions")
            check(r["rewards"].shape == (100, 1) and r["rewards"].dtype == np.float64 and np.array_equal(r["rewards"][:, 0], np.arange(100) / 8), "rewards")
            check(r["done"].dtype == np.uint8 and r["done"].shape == (2, 3, 4) and np.array_equal(r["done"][...].ravel(), np.arange(24) % 2), "done")
            check(r["steps"].dtype == np.int32 and np.array_equal(r["steps"][...].ravel(), np.arange(6) * 1000), "steps")
            check(f["lr"].shape == () and f["lr"][()] == 0.0003, "scalar")
            names = f["names"]
            check(h5py.check_string_dtype(names.dtype).encoding == "utf-8", "names encoding")
            check(list(names.asstr()[...]) == ["obs", "actions", "ünïcode"], "names values")
            check(sorted(f.keys()) == ["lr", "names", "replay"], "keys")
            print("OK")
            """, [url.path])
            #expect(output.contains("OK"))
        }
    }

    @Test func h5dumpListsTheLayout() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("dump.h5")
            try writeSwiftFile(url)
            let dump = try runTool("/usr/bin/h5dump", ["-H", "-p", url.path])
            #expect(dump.status == 0)
            let text = dump.stdout
            #expect(text.contains("DATASET \"obs\""))
            #expect(text.contains("H5T_IEEE_F32LE"))
            #expect(text.contains("DATASPACE  SIMPLE { ( 100, 64 ) / ( H5S_UNLIMITED, 64 ) }"))
            #expect(text.contains("CHUNKED ( 10, 64 )"))
            #expect(text.contains("COMPRESSION DEFLATE { LEVEL 4 }"))
            #expect(text.contains("PREPROCESSING SHUFFLE"))
            #expect(text.contains("CHECKSUM FLETCHER32"))
            #expect(text.contains("STRSIZE H5T_VARIABLE"))
            #expect(text.contains("CSET H5T_CSET_UTF8"))
            #expect(text.contains("ATTRIBUTE \"gamma\""))
            #expect(text.contains("H5T_STD_U8LE"))
        }
    }

    @Test func swiftReadsWhatH5pyWrote() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("py.h5")
            try python("""
            import sys, h5py, numpy as np
            with h5py.File(sys.argv[1], "w") as f:
                f.attrs["title"] = "written by h5py"
                f.attrs["count"] = 7
                f.attrs["ratio"] = 0.25
                f.attrs["window"] = np.array([5, 20, 60], dtype=np.int32)
                f.attrs["weights"] = np.array([0.1, 0.2])
                f.attrs["tickers"] = ["SPY", "QQQ"]
                f.attrs["flag"] = True
                g = f.create_group("data")
                g.create_dataset("prices", data=np.arange(1200, dtype=np.float32).reshape(100, 12) / 4,
                                 chunks=(16, 12), compression="gzip", compression_opts=6, shuffle=True, fletcher32=True)
                g.create_dataset("returns", data=np.arange(10, dtype=np.float64) / 3)
                g.create_dataset("ids", data=np.arange(-5, 5, dtype=np.int32))
                g.create_dataset("ts", data=np.arange(4, dtype=np.int64) * 86400)
                g.create_dataset("mask", data=np.array([[1, 0], [0, 1]], dtype=np.uint8))
                g.create_dataset("names", data=["alpha", "βeta"], dtype=h5py.string_dtype("utf-8"))
                g.create_dataset("codes", data=np.array([b"AB", b"CDEF"], dtype="S4"))
                grow = g.create_dataset("grow", shape=(0, 3), maxshape=(None, 3), dtype=np.float32, chunks=(8, 3))
                grow.resize((5, 3)); grow[...] = np.arange(15, dtype=np.float32).reshape(5, 3)
                g.create_dataset("pairs", data=np.zeros(3, dtype=[("a", "i4"), ("b", "f8")]))
                g.create_dataset("half", data=np.ones(3, dtype=np.float16))
            """, [url.path])
            let file = try HDF5File.open(url, mode: .readWrite)
            #expect(try file.stringAttribute("title") == "written by h5py")
            #expect(try file.intAttribute("count") == 7)
            #expect(try file.doubleAttribute("ratio") == 0.25)
            #expect(try file.intsAttribute("window") == [5, 20, 60])
            #expect(try file.doublesAttribute("weights") == [0.1, 0.2])
            #expect(try file.stringsAttribute("tickers") == ["SPY", "QQQ"])
            guard case .unsupportedType = hdf5Error({ try file.attribute("flag") }) else {
                Issue.record("a bool (enum) attribute must be unsupportedType")
                return
            }
            let data = try file.openGroup("data")
            #expect(try data.memberNames() == ["codes", "grow", "half", "ids", "mask", "names", "pairs", "prices", "returns", "ts"])
            let prices = try data.openDataset("prices")
            let (values, shape) = try prices.read(as: Float.self)
            #expect(shape == [100, 12])
            #expect(values == (0..<1200).map { Float($0) / 4 })
            #expect(try prices.creationOptions() == HDF5DatasetOptions(chunkRows: 16, gzipLevel: 6, shuffle: true, fletcher32: true))
            #expect(try prices.readRows(at: [99, 0], as: Float.self).values == (1188..<1200).map { Float($0) / 4 } + (0..<12).map { Float($0) / 4 })
            #expect(try data.openDataset("returns").read(as: Double.self).values == (0..<10).map { Double($0) / 3 })
            #expect(try data.openDataset("ids").read(as: Int32.self).values == Array(-5..<5).map { Int32($0) })
            #expect(try data.openDataset("ts").read(as: Int64.self).values == [0, 86400, 172_800, 259_200])
            #expect(try data.openDataset("mask").read(as: UInt8.self).values == [1, 0, 0, 1])
            #expect(try data.openDataset("names").read(as: String.self).values == ["alpha", "βeta"])
            #expect(try data.openDataset("codes").read(as: String.self).values == ["AB", "CDEF"])
            // Fixed-length strings are readable but not writable (HDF5 cannot convert to them).
            guard case .typeMismatch = hdf5Error({ try data.openDataset("codes").write(["x", "y"]) }) else {
                Issue.record("writing to fixed-length strings must be a typeMismatch")
                return
            }
            let grow = try data.openDataset("grow")
            #expect(try grow.maxShape == [nil, 3])
            try grow.append(rows: [Float(15), 16, 17])
            #expect(try grow.read(as: Float.self).values == (0..<18).map(Float.init))
            #expect(try data.openDataset("pairs").storedType == "compound")
            #expect(hdf5Error { try data.openDataset("pairs").read(as: Float.self) } == .typeMismatch(file: url.path, path: "/data/pairs", expected: "float32", found: "compound"))
            #expect(hdf5Error { try data.openDataset("half").read(as: Float.self) } == .typeMismatch(file: url.path, path: "/data/half", expected: "float32", found: "float16"))
        }
        
    }

    @Test func h5pySeesSwiftAppendsToItsFile() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("roundtrip.h5")
            try python("""
            import sys, h5py, numpy as np
            with h5py.File(sys.argv[1], "w") as f:
                f.create_dataset("log", shape=(0,), maxshape=(None,), dtype=h5py.string_dtype("utf-8"), chunks=(4,))
            """, [url.path])
            do {
                let file = try HDF5File.open(url, mode: .readWrite)
                try file.openDataset("log").append(rows: ["één", "two"])
            }
            let output = try python("""
            import sys, h5py
            with h5py.File(sys.argv[1], "r") as f:
                print(list(f["log"].asstr()[...]))
            """, [url.path])
            #expect(output.contains("['één', 'two']"))
        }
    }
}
