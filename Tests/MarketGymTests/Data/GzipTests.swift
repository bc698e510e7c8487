import Foundation
import Testing
@testable import MarketGym
import TestSupport

@Suite("Gzip")
struct GzipTests {
    @Test("round trip of empty, small and large buffers")
    func roundTrip() throws {
        var rng: UInt64 = 12345
        var big = [UInt8]()
        for _ in 0..<300_000 {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            big.append(UInt8(truncatingIfNeeded: rng >> 60) + 48)
        }
        for input in [[], Array("a".utf8), big] {
            let packed = Gzip.compress(input)
            #expect(Gzip.isCompressed(packed))
            #expect(try Gzip.decompress(packed) == input)
        }
    }

    @Test("interop with Python's gzip both ways, and concatenated members")
    func pythonInterop() throws {
        let dir = try makeTemporaryDirectory()
        let ours = dir.appendingPathComponent("ours.gz"), theirs = dir.appendingPathComponent("theirs.gz")
        let text = Array(String(repeating: "Date,AAPL\n2020-01-02,1.5\n", count: 1000).utf8)
        try Data(Gzip.compress(text)).write(to: ours)
        let script = """
        import gzip, sys
        data = gzip.open(sys.argv[1]).read()
        assert data == b"Date,AAPL\\n2020-01-02,1.5\\n" * 1000, len(data)
        open(sys.argv[2], "wb").write(gzip.compress(b"hello ") + gzip.compress(b"world"))
        """
        let result = try runPython(script: script, arguments: [ours.path, theirs.path])
        #expect(result.status == 0, "\(result.stderr)")
        let back = try Gzip.decompress([UInt8](Data(contentsOf: theirs)))
        #expect(back == Array("hello world".utf8))
    }

    @Test("truncated and corrupt data throw")
    func badData() {
        let packed = Gzip.compress(Array(String(repeating: "x1,", count: 5000).utf8))
        #expect(throws: GzipError.truncated) { try Gzip.decompress(Array(packed.prefix(packed.count / 2))) }
        var corrupt = packed
        corrupt[12] ^= 0xFF
        corrupt[20] ^= 0xFF
        #expect(throws: GzipError.self) { try Gzip.decompress(corrupt) }
    }
}
