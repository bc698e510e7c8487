import Testing
@testable import Agents

@Suite struct ScheduleConfigTests {
    /// SB3's get_linear_fn(1.0, 0.05, 0.1): 1.0 at progress 0, 0.525 at 0.05, 0.05 from 0.1 on.
    @Test func linearMatchesSB3ExplorationSchedule() {
        let s = ScheduleConfig.linear(1.0, to: 0.05, over: 0.1)
        #expect(s.value(progress: 0) == 1.0)
        #expect(abs(s.value(progress: 0.05) - 0.525) < 1e-12)
        #expect(s.value(progress: 0.1) == 0.05)
        #expect(s.value(progress: 0.7) == 0.05)
    }

    @Test func cosineAndConstant() {
        let c = ScheduleConfig(kind: .cosine, initial: 1, final: 0)
        #expect(c.value(progress: 0) == 1)
        #expect(abs(c.value(progress: 0.5) - 0.5) < 1e-12)
        #expect(abs(c.value(progress: 1)) < 1e-12)
        #expect(ScheduleConfig.constant(3e-4).value(progress: 0.9) == 3e-4)
    }

    @Test func a2cDefaultsAreSB3s() {
        let a = PolicyGradientConfig.a2c()
        #expect(a.learningRate.initial == 7e-4 && a.nSteps == 5 && a.gaeLambda == 1 && a.useRMSprop && !a.normalizeAdvantage)
        let p = PolicyGradientConfig()
        #expect(p.nSteps == 2048 && p.batchSize == 64 && p.nEpochs == 10 && p.clipRange.initial == 0.2 && p.gaeLambda == 0.95)
    }
}
