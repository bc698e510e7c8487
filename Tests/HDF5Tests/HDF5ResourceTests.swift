import Foundation
import HDF5
import Testing

@Suite("HDF5 identifiers are closed deterministically")
struct HDF5ResourceTests {
    @Test func thousandsOfObjectsOpenedAndClosedLeaveNothingOpen() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("many.h5")
            // Holding the module's lock keeps other tests' HDF5 work out of the count.
            try HDF5Library.withExclusiveAccess {
                let baseline = HDF5Library.openObjectCount()
                do {
                    let file = try HDF5File.create(at: url)
                    let group = try file.createGroup("g")
                    for i in 0..<200 {
                        try group.createDataset("d\(i)", values: [Int32(i)])
                        try group.setAttribute("a\(i)", .int(Int64(i)))
                    }
                    #expect(file.openObjectCount() == 3)  // the file, its root group, "g"
                }
                #expect(HDF5Library.openObjectCount() == baseline)
                var peak = 0
                for _ in 0..<5 {
                    let file = try HDF5File.open(url)
                    let group = try file.openGroup("g")
                    var datasets: [HDF5Dataset] = []
                    for i in 0..<200 {
                        let ds = try group.openDataset("d\(i)")
                        #expect(try ds.read(as: Int32.self).values == [Int32(i)])
                        #expect(try group.attribute("a\(i)") == .int(Int64(i)))
                        datasets.append(ds)
                    }
                    peak = max(peak, HDF5Library.openObjectCount() - baseline)
                    // Errors on every kind of call must not leak identifiers either.
                    for i in 0..<100 {
                        _ = try? group.openDataset("missing\(i)")
                        _ = try? datasets[i].read(as: Double.self)
                        _ = try? datasets[i].readRows(5..<9, as: Int32.self)
                        _ = try? group.attribute("missing\(i)")
                        _ = try? group.createGroup("../..")
                    }
                }
                #expect(peak == 203)  // file + root + group + 200 datasets at once
                #expect(HDF5Library.openObjectCount() == baseline)
            }
        }
    }
}
