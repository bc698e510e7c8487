/// The outcome of ``checkEnvironment(_:options:)``: one entry per check, in the order run.
public struct EnvironmentCheckReport: Sendable, Equatable, CustomStringConvertible {
    /// One check's result.
    public struct Check: Sendable, Equatable, CustomStringConvertible {
        /// Whether a check held.
        public enum Status: String, Sendable, Equatable {
            /// The contract holds.
            case passed
            /// The contract is broken: fix the environment.
            case failed
            /// Not a violation, but worth knowing (for example a check that could not be exercised).
            case warning
        }

        /// Short name of the check, e.g. `"seeded reset determinism"`.
        public var name: String
        /// Its result.
        public var status: Status
        /// What was checked, and on failure what was expected and what was found.
        public var message: String

        /// A check result.
        public init(name: String, status: Status, message: String) {
            self.name = name
            self.status = status
            self.message = message
        }

        public var description: String { "[\(status.rawValue)] \(name): \(message)" }
    }

    /// Every check, in the order run.
    public var checks: [Check]

    /// The failed checks.
    public var failures: [Check] { checks.filter { $0.status == .failed } }
    /// The warnings.
    public var warnings: [Check] { checks.filter { $0.status == .warning } }
    /// True when no check failed (warnings allowed).
    public var isPassing: Bool { failures.isEmpty }

    /// The result of the check named `name`, if it ran.
    public func check(named name: String) -> Check? { checks.first { $0.name == name } }

    /// Throws when any check failed.
    /// - Throws: `EnvironmentCheckError` listing every failure.
    public func requirePassing() throws(EnvironmentCheckError) {
        if !isPassing { throw EnvironmentCheckError(environment: environment, failures: failures) }
    }

    /// The checked environment's type name.
    public var environment: String

    public var description: String {
        "Environment check of \(environment): \(checks.count - failures.count - warnings.count) passed, "
            + "\(failures.count) failed, \(warnings.count) warnings\n"
            + checks.map { "  \($0)" }.joined(separator: "\n")
    }
}

/// An environment broke the `Environment` contract (see ``checkEnvironment(_:options:)``).
public struct EnvironmentCheckError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The checked environment's type name.
    public var environment: String
    /// The failed checks, each saying what was expected and what was found.
    public var failures: [EnvironmentCheckReport.Check]

    public var description: String {
        "\(environment) breaks the Environment contract (\(failures.count) failed checks; see docs/gym.md):\n"
            + failures.map { "  \($0.name): \($0.message)" }.joined(separator: "\n")
    }
}
