// swift-tools-version: 6.1
// MarketGym's speed benchmarks, kept out of the main package so `make test` never builds them.
// Run: cd Benchmarks && swift run -c release <Area>Bench (see docs/benchmarks.md for each command).
import PackageDescription

let marketGym: Target.Dependency = .product(name: "MarketGym", package: "MarketGym")

let package = Package(
    name: "MarketGymBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "MarketGym", path: ".."),
    ],
    targets: [
        // Gym: CartPole and vector stepping (docs/benchmarks/gym.md).
        .executableTarget(name: "GymBench", dependencies: [marketGym], path: "GymBench",
                          exclude: ["gymnasium_cartpole.py", "count_allocations.sh"]),
        // Market data loading and predictor build vs pandas/h5py (docs/benchmarks/data.md).
        .executableTarget(name: "DataBench", dependencies: [marketGym], path: "DataBench"),
        // Market env steps/s vs gym-trading-env and a NumPy env (docs/benchmarks/env.md).
        .executableTarget(name: "EnvBench", dependencies: [marketGym], path: "EnvBench"),
        // TensorCore/NeuralNet: DQN and PPO training steps, single-observation inference vs PyTorch
        // (docs/benchmarks/tensor.md).
        .executableTarget(name: "TensorBench", dependencies: [marketGym, "TensorBenchMallocCounter"], path: "TensorBench"),
        // Counts heap allocations per step for TensorBench (interposes malloc; Linux/glibc).
        .target(name: "TensorBenchMallocCounter", path: "TensorBenchMallocCounter"),
        // Walk-forward predictor wall time and IC per year on the S&P data, every model (docs/predictions.md).
        .executableTarget(name: "SeqPredictBench", dependencies: [marketGym], path: "SeqPredictBench"),
        // Shared by DQNBench and PPOBench: time to solve CartPole, the S&P training workload
        // (docs/benchmarks/market-training.md, docs/benchmarks/time-to-solve.md).
        .target(name: "TrainingBenchSupport", dependencies: [marketGym], path: "TrainingBenchSupport"),
        // DQN CartPole wall time vs SB3, replay save/load (docs/benchmarks/dqn.md).
        .executableTarget(name: "DQNBench", dependencies: [marketGym, "TrainingBenchSupport"], path: "DQNBench"),
        // PPO CartPole wall time vs SB3 (docs/benchmarks/ppo.md).
        .executableTarget(name: "PPOBench", dependencies: [marketGym, "TrainingBenchSupport"], path: "PPOBench"),
        // HDF5 appends and random row reads vs h5py; run both with scripts/hdf5_bench.py
        // (docs/benchmarks/hdf5.md).
        .executableTarget(name: "HDF5Bench", dependencies: [marketGym], path: "HDF5Bench"),
        // PolicyRuntime latency vs SB3 predict (docs/benchmarks/runtime.md).
        .executableTarget(name: "RuntimeBench", dependencies: [.product(name: "PolicyRuntime", package: "MarketGym"), marketGym, "TensorBenchMallocCounter"],
                          path: "RuntimeBench"),
    ]
)
