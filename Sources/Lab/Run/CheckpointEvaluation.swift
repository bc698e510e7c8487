import Foundation
import CheckpointFormat

/// Evaluating a saved policy: a run folder (its best or newest checkpoint) or a checkpoint file.
public enum CheckpointEvaluation {
    /// The checkpoint a path names: a `.h5` file as is; a run folder's `best.h5`, else its newest step checkpoint.
    public static func resolve(_ path: String) throws(LabError) -> URL {
        let url = URL(fileURLWithPath: path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            throw .io(path: path, detail: "no such file or folder; pass a run folder (runs/<name>-<timestamp>) or a checkpoint (.h5)")
        }
        guard isDir.boolValue else { return url }
        let run = try TrainingRun.open(url)
        if FileManager.default.fileExists(atPath: run.store.bestURL.path) { return run.store.bestURL }
        if let last = run.store.stepFiles().last { return last.url }
        throw .badRun(path: path, detail: "no checkpoint in checkpoints/")
    }

    /// Rebuilds the agent a checkpoint came from (from its stored config) and restores its weights.
    /// - Parameter root: where relative data paths resolve, unless the checkpoint lies in a run
    ///   folder with an `inputs.json` (then the recorded root, after checking the files' hashes).
    /// - Returns: the spec, the loaded environment, and the restored agent.
    public static func load(_ url: URL, root: URL) throws(LabError) -> (spec: ExperimentSpec, context: EnvironmentContext, agent: any TrainableAgent, checkpoint: Checkpoint) {
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint.read(from: url) } catch { throw .io(path: url.path, detail: error.description) }
        let spec: ExperimentSpec
        do { spec = try ExperimentSpec.decode(try SpecValue.parse(yaml: checkpoint.configYAML, source: "\(url.path):/config"), file: "\(url.path):/config") } catch {
            throw .spec(error)
        }
        // A checkpoint inside a run folder reads the data the run recorded (root and hashes).
        let runFolder = url.deletingLastPathComponent().deletingLastPathComponent()
        var dataRoot = root
        if url.deletingLastPathComponent().lastPathComponent == "checkpoints", let inputs = try RunInputs.read(run: runFolder) {
            try inputs.verify(run: runFolder)
            dataRoot = URL(fileURLWithPath: inputs.root)
        }
        let context = try EnvironmentContext.load(spec.env, root: dataRoot)
        let agent = try AgentFactory.make(spec, context: context)
        guard let training = checkpoint.training else {
            throw .badRun(path: url.path, detail: "a policy-only checkpoint: evaluate it with the PolicyRuntime (`marketgym act`)")
        }
        do { try agent.restore(policy: checkpoint.policyParameters, training: training) } catch {
            throw .badRun(path: url.path, detail: "cannot restore the agent: \(error)")
        }
        return (spec, context, agent, checkpoint)
    }
}
