import Foundation
import FuzzSupport
import PolicyRuntime

/// The policy every input is served with: a 20-asset DQN sizing checkpoint trained briefly on the
/// bundled data (Fuzz/Corpora/act-policy.h5).
let policy: Policy? = try? Policy.load(contentsOf: FuzzScratch.corpora().appendingPathComponent("act-policy.h5"))

/// `act`'s JSON-lines path: the input is fed to the line reader in chunks whose sizes come from
/// its first byte, with a small line limit (second byte) so over-long lines are exercised too; every line goes
/// through `ActServer.respond` (JSON decoding, value checks, observation, network, projection).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let policy else {
        FileHandle.standardError.write(Data("FuzzActLines: cannot load Fuzz/Corpora/act-policy.h5\n".utf8))
        exit(1)
    }
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    // The first two bytes (also part of the stream) pick the chunk size and the line limit.
    let chunk = Int((bytes.first ?? 0) % 64) + 1
    let limit = bytes.count > 1 && bytes[1] & 1 == 1 ? 256 : ActServer.defaultMaxLineBytes
    var reader = ActServer.LineReader(maxLineBytes: limit)
    func handle(_ event: ActServer.LineReader.Event) {
        if case let .line(number, line) = event { _ = ActServer.respond(to: Data(line), lineNumber: number, policy: policy) }
    }
    var start = 0
    while start < bytes.count {
        reader.feed(bytes[start..<min(start + chunk, bytes.count)], handle)
        start += chunk
    }
    reader.finish(handle)
    return 0
}
