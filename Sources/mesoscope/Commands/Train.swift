import ArgumentParser
import Foundation
import MesoData
import MesoEngine
import MesoModels
import MesoscopeKit
import MesoTraining

extension TrainingConfig.Freeze: ExpressibleByArgument {}
extension Loss: ExpressibleByArgument {}

/// `mesoscope train`: fine-tune MesoNet on face crops, as the write-up does, into a run folder.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fine-tune or train MesoNet on face crops (a prepare cache or class folders).",
        discussion: """
        Writes RUN_DIR/best.h5 (best validation loss) and last.h5, both loadable by Keras and by \
        predict/detect --weights; RUN_DIR/checkpoints/latest.ckpt (weights, optimizer, random state); \
        history.csv, history.json, loss.svg, accuracy.svg; config.json; normalization.json with --featurewise. \
        The run folder is locked while the run writes it; a folder that already holds a run is refused unless \
        --resume continues it or --overwrite replaces it. A loss or weight that stops being finite ends the run \
        (exit 1) with the last good epoch's files kept. \
        The validation split is drawn with the seed, stratified by class and grouped by video; a dataset's \
        own split wins. Labels: the network outputs P(real), so real crops are trained towards 1.
        """
    )

    @Option(help: "Face crops: a prepare/extract-faces cache (manifest.jsonl), class folders (df|fake|manipulated, real|original), DFDC or write-up JSON of crops.")
    var data: String?

    @Option(help: "The network.")
    var model: Architecture = .meso4

    @Option(help: "Starting weights: Meso4_DF, Meso4_F2F, MesoInception_DF, MesoInception_F2F, a .h5 path, or scratch. Default: the model's _DF weights.")
    var `init`: String?

    @Option(help: "conv: train only the dense head (the write-up); none: train every layer.")
    var freeze: TrainingConfig.Freeze = .conv

    @Option(help: "Epochs.")
    var epochs: Int = 15

    @Option(help: "Batch size.")
    var batch: Int = 32

    @Option(help: "Adam's learning rate.")
    var lr: Double = 0.005

    @Option(help: "mse (the write-up) or bce.")
    var loss: Loss = .meanSquaredError

    @Option(help: "writeup, none, or a list: writeup,jpeg,blur,noise,brightness.")
    var augment: String = "writeup"

    @Option(help: "Share of the training crops held out for validation (grouped by video).")
    var valSplit: Double = 0.05

    @Flag(help: "Featurewise centring and std normalisation fitted on the training split (off: the pretrained weights expect [0, 1]).")
    var featurewise = false

    @Option(help: "Random seed: split, shuffles, augmentation, initialisation.")
    var seed: UInt64 = 1

    @OptionGroup var threadOptions: ThreadOptions

    @Option(help: "The run folder to write.")
    var out: String?

    @Option(help: "Continue the run in this folder from its last checkpoint.")
    var resume: String?

    @Flag(help: "Replace the run already in --out (its files only) instead of refusing it.")
    var overwrite = false

    func validate() throws {
        guard (resume == nil) != (out == nil) else { throw ValidationError("give --out RUN_DIR for a new run, or --resume RUN_DIR") }
        if resume == nil && data == nil { throw ValidationError("--data is required for a new run") }
        if resume != nil && overwrite { throw ValidationError("--overwrite replaces the run in --out; it does not go with --resume") }
        guard epochs >= 1, batch >= 1 else { throw ValidationError("--epochs and --batch must be at least 1") }
        // Adam runs in Float: 1e300 would become infinity there, and 1e-50 zero.
        guard Float(lr).isFinite, Float(lr) > 0 else {
            throw ValidationError("--lr must be a positive, finite number within Float's range, not \(lr)")
        }
        guard valSplit.isFinite, (0..<1).contains(valSplit) else { throw ValidationError("--val-split must be in [0, 1), not \(valSplit)") }
    }

    /// Epoch lines go to stdout, clearing the live bar first when there is one.
    static func line(_ text: String) {
        if live != nil { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        print(text)
    }

    /// The in-place progress bar, on stderr when it is a terminal.
    static let live: (@Sendable (String) -> Void)? = {
        guard isatty(STDERR_FILENO) != 0 else { return nil }
        return { text in FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8)) }
    }()

    /// Ends the process (exit code 3) as a kill would, for the resume tests:
    /// `MESOSCOPE_TRAIN_STOP_AFTER_EPOCHS=N` once N epochs are done and checkpointed,
    /// `MESOSCOPE_TRAIN_STOP_AFTER_STEPS=N` after N optimizer steps, before that epoch's checkpoint.
    static func faultHooks() -> [any Callback] {
        let environment = ProcessInfo.processInfo.environment
        let epochs = environment["MESOSCOPE_TRAIN_STOP_AFTER_EPOCHS"].flatMap { Int($0) }
        let steps = environment["MESOSCOPE_TRAIN_STOP_AFTER_STEPS"].flatMap { Int($0) }
        return epochs == nil && steps == nil ? [] : [StopAfter(epochs: epochs, steps: steps)]
    }

    final class StopAfter: Callback {
        let epochs: Int?
        let steps: Int?
        init(epochs: Int?, steps: Int?) { (self.epochs, self.steps) = (epochs, steps) }
        func onBatchEnd(_ record: BatchRecord, state: TrainingState) throws {
            if let steps, record.step >= steps { Foundation.exit(3) }
        }
        func onEpochEnd(_ record: EpochRecord, state: TrainingState) throws -> TrainingControl {
            if let epochs, record.epoch + 1 >= epochs { Foundation.exit(3) }
            return .proceed
        }
    }

    func run() throws {
        threadOptions.apply()
        let outcome: TrainingOutcome
        do {
            if let resume {
                outcome = try TrainingRun.resume(RunDirectory(resume), callbacks: Self.faultHooks(), output: Self.line, live: Self.live)
            } else {
                let data = data!
                let config = TrainingConfig(data: data, architecture: model, initialization: `init`, freeze: freeze,
                                            epochs: epochs, batchSize: batch, learningRate: lr, loss: loss, augment: augment,
                                            validationSplit: valSplit, seed: seed, featurewise: featurewise)
                do { _ = try AugmentationPlan.parse(augment) } catch { throw UsageError("--augment: \(error)") }
                let items = try Dataset.open(path: data).items
                print("train: \(model.rawValue) from \(config.initialization), freeze \(freeze.rawValue), \(epochs) epochs → \(out!)")
                outcome = try TrainingRun.start(config, items: items, in: RunDirectory(out!), overwrite: overwrite,
                                                callbacks: Self.faultHooks(), output: Self.line, live: Self.live)
            }
        } catch let error as DatasetError {
            throw UsageError("data: \(error)")
        } catch let error as TrainingRunError {
            throw UsageError("\(error)")
        } catch let error as FolderLockError {
            throw UsageError("\(error)")
        }
        let best = outcome.bestEpoch.map { "epoch \($0 + 1) (\(String(format: "%.4f", outcome.bestValue!)))" } ?? "none"
        print("train: \(outcome.trainCount) training and \(outcome.validationCount) validation crops; best \(best); weights in \(outcome.run.best) and \(outcome.run.last)")
    }
}
