import Foundation
import Testing
@testable import Agents

/// Issue 13, crash 8: a replay capacity of 10^10 trapped while formatting its own refusal.
@Suite struct ReplayBufferBudgetTests {
    @Test func hugeCapacityIsRefusedWithAReadableSuggestion() throws {
        var config = ReplayBufferConfig()
        config.capacity = 10_000_000_000
        do {
            _ = try ReplayBuffer(config: config, observationSize: 285, actionWidth: 1, availableMemory: 8 << 30)
            Issue.record("10^10 transitions fit in 8 GiB?")
        } catch {
            guard case let .insufficientMemory(required, available, capacity, _) = error else { Issue.record("\(error)"); return }
            #expect(capacity == 10_000_000_000 && available == 8 << 30 && required > available)
            let message = error.description
            // The suggestion is half of what fits: 8 GiB / (2 × 285 × 4 + 14 bytes) / 2 ≈ 1.87 million.
            let suggested = ReplayBufferError.suggestedCapacity(capacity: capacity, required: required, available: available)
            #expect(message.contains("--set agent.replay.capacity=\(suggested)"))
            #expect(suggested > 1_000_000 && suggested < 2_000_000)
        }
    }

    @Test func sizeEstimateSaturatesInsteadOfOverflowing() {
        #expect(ReplayBuffer.estimatedBytes(capacity: Int.max / 2, observationSize: 1 << 20, actionWidth: 1, prioritized: true) == Int.max)
        #expect(ReplayBuffer.estimatedBytes(capacity: 1000, observationSize: 10, actionWidth: 1, prioritized: false) == 1000 * (80 + 4 + 10))
        #expect(ReplayBufferError.suggestedCapacity(capacity: Int.max, required: 1, available: Int.max) == Int.max)
    }
}
