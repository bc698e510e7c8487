import Testing
import SeededRandom

@Suite struct Xoshiro256Tests {
    /// Values printed by the authors' reference C code (xoshiro256starstar.c, seeded by splitmix64.c from 42).
    @Test func matchesReferenceImplementation() {
        var rng = Xoshiro256(seed: 42)
        let expected: [UInt64] = [
            1_546_998_764_402_558_742, 6_990_951_692_964_543_102, 12_544_586_762_248_559_009,
            17_057_574_109_182_124_193, 18_295_552_978_065_317_476,
        ]
        #expect((0..<5).map { _ in rng.next() } == expected)
    }

    @Test func stateRoundTripContinuesTheSameStream() throws {
        var a = Xoshiro256(seed: 7)
        for _ in 0..<100 { _ = a.next() }
        var b = try Xoshiro256(state: a.state)
        #expect((0..<50).map { _ in a.normal() } == (0..<50).map { _ in b.normal() })
    }

    @Test func invalidStatesThrow() {
        #expect(throws: SeededRandomError.self) { try Xoshiro256(state: [1, 2, 3]) }
        #expect(throws: SeededRandomError.self) { try Xoshiro256(state: [0, 0, 0, 0]) }
    }

    @Test func splitIsDeterministicAndDiffersFromParent() {
        var p1 = Xoshiro256(seed: 1), p2 = Xoshiro256(seed: 1)
        var c1 = p1.split(), c2 = p2.split()
        #expect(c1.next() == c2.next())
        #expect(c1.next() != p1.next())
    }

    @Test func uniformAndNormalMoments() {
        var rng = Xoshiro256(seed: 3)
        let n = 200_000
        var sum = 0.0, sumSq = 0.0, uSum = 0.0
        for _ in 0..<n {
            let z = rng.normal(); sum += z; sumSq += z * z
            let u = rng.uniformFloat(); #expect(u >= 0 && u < 1); uSum += Double(u)
        }
        #expect(abs(sum / Double(n)) < 0.01)
        #expect(abs(sumSq / Double(n) - 1) < 0.02)
        #expect(abs(uSum / Double(n) - 0.5) < 0.005)
    }

    @Test func uniformIntCoversRangeWithoutBias() {
        var rng = Xoshiro256(seed: 9)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.uniformInt(below: 7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 400 })
    }
}
