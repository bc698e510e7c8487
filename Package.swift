// swift-tools-version: 6.1
// MarketGym: a Gym-style RL gym and agent trainer for multi-asset, market-neutral trading.
// Module layout and dependency direction: docs/architecture.md (after ../shared/DESIGN.md).
import PackageDescription

let package = Package(
    name: "MarketGym",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "marketgym", targets: ["marketgym"]),
        // What researchers import: the environments, agents, storage and the lab.
        .library(
            name: "MarketGym",
            targets: ["MarketGym", "Gym", "Agents", "Predictors", "Lab", "NeuralNet", "TensorCore", "HDF5", "CheckpointFormat", "SeededRandom"]
        ),
        // What the trading daemon imports: inference only, no training code.
        .library(name: "PolicyRuntime", targets: ["PolicyRuntime", "CheckpointFormat"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C libraries, found through pkg-config (no unsafeFlags: the package stays usable as a dependency).
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CHDF5",
            pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]
        ),
        // zlib, for .csv.gz market data and predictions (MarketGym's Data/Gzip.swift) and the CRC-32 of
        // HDF5's integrity header (HDF5/HDF5Integrity.swift).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),

        // Seeded, splittable, serializable RNG shared by TensorCore and the environments
        // (Gym and MarketGym must not depend on TensorCore).
        .target(name: "SeededRandom"),
        // C kernels under TensorCore: the two-thread GEMM split and vectorized Adam / sum of squares.
        .target(name: "CKernels", dependencies: ["COpenBLAS"]),
        .target(name: "TensorCore", dependencies: ["COpenBLAS", "CKernels", "SeededRandom"]),
        .target(name: "NeuralNet", dependencies: ["TensorCore"]),
        .target(name: "HDF5", dependencies: ["CHDF5", "CZlib"]),
        .target(name: "Gym", dependencies: ["SeededRandom"]),
        .target(name: "MarketGym", dependencies: ["Gym", "HDF5", "SeededRandom", "CZlib"]),
        .target(name: "Predictors", dependencies: ["MarketGym", "NeuralNet", "TensorCore", "SeededRandom"]),
        // The checkpoint file format, shared by training (Agents) and inference (PolicyRuntime),
        // so the daemon reads policies without linking any training code.
        .target(name: "CheckpointFormat", dependencies: ["HDF5", "TensorCore"]),
        .target(name: "Agents", dependencies: ["NeuralNet", "TensorCore", "Gym", "HDF5", "CheckpointFormat", "SeededRandom"]),
        .target(name: "PolicyRuntime", dependencies: ["TensorCore", "Gym", "MarketGym", "CheckpointFormat"]),
        .target(
            name: "Lab",
            dependencies: [
                "MarketGym", "Gym", "Agents", "Predictors", "CheckpointFormat", "HDF5", "SeededRandom",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "marketgym",
            dependencies: ["Lab", "Predictors", "PolicyRuntime", "TensorCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // Shared test helpers: approximate equality, finite differences, toy environments, Python runner.
        .target(name: "TestSupport", dependencies: ["TensorCore", "Gym", "SeededRandom"], path: "Tests/TestSupport"),
        .testTarget(name: "SeededRandomTests", dependencies: ["SeededRandom"]),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "SeededRandom", "TestSupport"], resources: [.copy("Goldens")]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "TestSupport"], resources: [.copy("Goldens")]),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "TestSupport"]),
        .testTarget(name: "GymTests", dependencies: ["Gym", "SeededRandom", "TestSupport"], resources: [.copy("Goldens")]),
        .testTarget(name: "MarketGymTests", dependencies: ["MarketGym", "Gym", "HDF5", "SeededRandom", "TestSupport"]),
        .testTarget(name: "PredictorsTests", dependencies: ["Predictors", "MarketGym", "SeededRandom", "TestSupport"]),
        .testTarget(name: "CheckpointFormatTests", dependencies: ["CheckpointFormat", "HDF5", "TensorCore", "TestSupport"]),
        .testTarget(name: "AgentsTests", dependencies: ["Agents", "CheckpointFormat", "Gym", "HDF5", "NeuralNet", "SeededRandom", "TensorCore", "TestSupport"]),
        // Agents only to prove the runtime acts exactly like a trained agent; the module itself never links it.
        .testTarget(name: "PolicyRuntimeTests", dependencies: ["PolicyRuntime", "Agents", "CheckpointFormat", "Gym", "HDF5", "MarketGym", "SeededRandom", "TestSupport"]),
        .testTarget(name: "LabTests", dependencies: ["Lab", "Agents", "CheckpointFormat", "Gym", "HDF5", "MarketGym", "Predictors", "SeededRandom", "TestSupport",
                                                   .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "CLITests", dependencies: ["marketgym", "CheckpointFormat", "TensorCore", "TestSupport"]),
    ]
)
