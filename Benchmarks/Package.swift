// swift-tools-version: 6.1
// Speed benchmarks for MarketGym, kept out of the main package so `make test` never builds them.
// Run from this folder: swift run -c release <Area>Bench (see docs/benchmarks/).
import PackageDescription

let package = Package(
    name: "MarketGymBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "MarketGym", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "GymBench",
            dependencies: [.product(name: "MarketGym", package: "MarketGym")],
            path: "GymBench",
            exclude: ["gymnasium_cartpole.py", "count_allocations.sh"]
        ),
        .executableTarget(
            name: "DataBench",
            dependencies: [.product(name: "MarketGym", package: "MarketGym")],
            path: "DataBench"
        ),
        .executableTarget(
            name: "EnvBench",
            dependencies: [.product(name: "MarketGym", package: "MarketGym")],
            path: "EnvBench"
        ),
        // TensorCore/NeuralNet: DQN and PPO training steps, single-observation inference
        // (side by side with Benchmarks/scripts/torch_bench.py; docs/benchmarks/tensor.md).
        .executableTarget(
            name: "TensorBench",
            dependencies: [.product(name: "MarketGym", package: "MarketGym"), "TensorBenchMallocCounter"],
            path: "TensorBench"
        ),
        // Counts heap allocations per step for TensorBench (interposes malloc; Linux/glibc).
        .target(name: "TensorBenchMallocCounter", path: "TensorBenchMallocCounter"),
        // PolicyRuntime: targetWeights latency for the daemon, side by side with
        // Benchmarks/scripts/sb3_predict_latency.py (docs/benchmarks/runtime.md).
        .executableTarget(
            name: "RuntimeBench",
            dependencies: [
                .product(name: "PolicyRuntime", package: "MarketGym"),
                .product(name: "MarketGym", package: "MarketGym"),
            ],
            path: "RuntimeBench"
        ),
    ]
)
