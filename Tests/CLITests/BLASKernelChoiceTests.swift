import Foundation
@testable import TensorCore
import TestSupport
import Testing

/// OpenBLAS 0.3.21 does not know some CPUs it runs on here (Intel family 6 model 207) and then takes
/// its SSE3 "Prescott" kernels, about a third of its AVX-512 speed; MarketGym has it select the
/// kernels the CPU supports instead (CKernels/blascore.c), unless OPENBLAS_CORETYPE is set or
/// MARKETGYM_BLAS_CORE=keep, and says so.
@Suite("OpenBLAS's kernels on a CPU the OpenBLAS build does not know")
struct BLASKernelChoiceTests {
    /// The CPU's flags as Linux lists them (empty elsewhere).
    static let cpuFlags: Set<String> = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(line.split(separator: ":").dropFirst().joined().split(separator: " ").map(String.init))
    }()

    @Test("with OPENBLAS_CORETYPE unset, a CPU with AVX2 and FMA never runs the SSE3 fallback; a set value is obeyed")
    func noFallbackOnAModernCPU() {
        let env = ProcessInfo.processInfo.environment
        if let wanted = env["OPENBLAS_CORETYPE"] {
            #expect(BLAS.kernelNote == nil, "OPENBLAS_CORETYPE=\(wanted) is set: MarketGym must leave OpenBLAS's choice alone")
            return
        }
        if env["MARKETGYM_BLAS_CORE"] == "keep" {
            #expect(BLAS.kernelNote == nil)
            return
        }
        guard Self.cpuFlags.contains("avx2"), Self.cpuFlags.contains("fma") else { return }
        #expect(BLAS.kernels.lowercased() != "prescott", "OpenBLAS runs \(BLAS.kernels) on a CPU with AVX2 and FMA")
        if let note = BLAS.kernelNote {
            #expect(note.contains("Prescott") && note.contains("OPENBLAS_CORETYPE"))
            #expect(["skylakex", "haswell"].contains(BLAS.kernels.lowercased()))
        }
    }

    @Test("the products are right with the kernels chosen: a GEMM against a direct sum")
    func productsWithTheChosenKernels() {
        let (m, n, k) = (37, 45, 129)  // odd sizes: the kernels' edge cases
        let a = (0..<(m * k)).map { Float(($0 * 7919) % 113) / 113 - 0.5 }
        let b = (0..<(k * n)).map { Float(($0 * 104_729) % 97) / 97 - 0.5 }
        var product = [Float](repeating: .nan, count: m * n)
        BLAS.gemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n, beta: 0, c: &product, ldc: n)
        var worst: Double = 0
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for l in 0..<k { sum += Double(a[i * k + l]) * Double(b[l * n + j]) }
                worst = max(worst, abs(Double(product[i * n + j]) - sum))
            }
        }
        #expect(worst < 1e-4, "largest error \(worst) with OpenBLAS's \(BLAS.kernels) kernels")
    }

    @Test("marketgym says on standard error when it chose the kernels, and not when told which")
    func theCLISaysSo() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-policy-\(getpid()).h5").path
        let told = try runProduct("marketgym", ["act", missing], environment: ["OPENBLAS_CORETYPE": "Haswell"])
        #expect(told.status != 0)
        #expect(!told.stderr.contains("note: OpenBLAS"), "\(told.stderr)")
        let kept = try runProduct("marketgym", ["act", missing], environment: ["MARKETGYM_BLAS_CORE": "keep"])
        #expect(!kept.stderr.contains("note: OpenBLAS"), "\(kept.stderr)")
        // This process decided the same way a child with the same environment does.
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil {
            let child = try runProduct("marketgym", ["act", missing])
            #expect(child.stderr.contains("note: OpenBLAS") == (BLAS.kernelNote != nil), "\(child.stderr)")
        }
    }
}
