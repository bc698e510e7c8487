/// Attention pooling over time: a `[B, T, D]` sequence becomes one `[B, D]` context vector per
/// sequence, `context_b = Σ_t α_{b,t} · x_{b,t}`, with weights `α_b = softmax_t(score(x_{b,t}))`
/// returned for inspection.
///
/// Scores:
/// - ``Kind/additive(attentionSize:)`` (Bahdanau et al. 2015, "Neural Machine Translation by Jointly
///   Learning to Align and Translate", eq. 6 with a learned query in place of the decoder state):
///   `score(x) = vᵀ tanh(W x + b)`; parameters `projection.weight` `[A, D]`, `projection.bias` `[A]`,
///   `score.weight` `[1, A]`, PyTorch `nn.Linear` initialization.
/// - ``Kind/scaledDotProduct`` (Vaswani et al. 2017, eq. 1 with one learned query):
///   `score(x) = q·x / √D`; parameter `query` `[D]`, drawn `U(−1/√D, 1/√D)`.
///
/// Built from existing primitives (linear, softmax, broadcast product, sum), so its gradient is
/// the composition of their checked rules.
public final class AttentionPooling: Layer {
    /// The scoring function.
    public enum Kind: Sendable, Hashable {
        /// `vᵀ tanh(W x + b)` with an `A`-wide hidden projection.
        case additive(attentionSize: Int)
        /// `q·x / √D` with a learned query.
        case scaledDotProduct
    }

    /// The scoring function.
    public let kind: Kind
    /// `D`, the feature width of the sequence.
    public let features: Int
    let projection: Linear?
    let score: Linear?
    let query: Parameter?

    /// An attention pooling layer with PyTorch-style initialization.
    /// - Parameters:
    ///   - features: `D`.
    ///   - kind: the scoring function.
    ///   - rng: the generator for the initial values.
    public init(features: Int, kind: Kind, rng: inout Xoshiro256) {
        precondition(features > 0, "AttentionPooling: features must be positive, got \(features)")
        self.kind = kind
        self.features = features
        switch kind {
        case .additive(let a):
            precondition(a > 0, "AttentionPooling: attention size must be positive, got \(a)")
            projection = Linear(inputs: features, outputs: a, rng: &rng)
            score = Linear(inputs: a, outputs: 1, bias: false, rng: &rng)
            query = nil
        case .scaledDotProduct:
            let bound = 1 / Float(features).squareRoot()
            projection = nil
            score = nil
            query = Parameter(Tensor.uniform([features], low: -bound, high: bound, rng: &rng))
        }
    }

    /// Records the pooling; returns the context `[B, D]` and the weights `[B, T]` (rows sum to 1).
    public func pool(_ x: Variable) -> (context: Variable, weights: Variable) {
        precondition(x.shape.count == 3 && x.shape[2] == features && x.shape[1] >= 1,
                     "AttentionPooling: input \(x.shape) must be [batch, time >= 1, \(features)]")
        let (b, t) = (x.shape[0], x.shape[1])
        let flat = x.reshaped([b * t, features])
        let scores: Variable
        if let projection, let score {
            scores = score(projection(flat, activation: .tanh))
        } else if let query {
            let q = x.tape.parameter(query).reshaped([features, 1])
            scores = flat.matmul(q) * (1 / Float(features).squareRoot())
        } else {
            preconditionFailure("AttentionPooling: no parameters for \(kind)")
        }
        let weights = scores.reshaped([b, t]).softmax(axis: 1)
        let context = (weights.reshaped([b, t, 1]) * x).sum(axis: 1)
        return (context, weights)
    }

    /// Eagerly: the context `[B, D]` and the weights `[B, T]`.
    public func pool(_ x: Tensor) -> (context: Tensor, weights: Tensor) {
        let tape = Tape()
        return tape.withoutGradients {
            let r = pool(tape.constant(x))
            return (r.context.value, r.weights.value)
        }
    }

    /// The context vectors `[B, D]`.
    public func callAsFunction(_ x: Variable) -> Variable { pool(x).context }

    public var namedParameters: [NamedParameter] {
        if let query { return [NamedParameter("query", query)] }
        return (projection?.namedParameters(prefix: "projection") ?? []) + (score?.namedParameters(prefix: "score") ?? [])
    }
}
