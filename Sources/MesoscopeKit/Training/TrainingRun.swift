import Foundation
import MesoData
import MesoEngine
import MesoMedia
import MesoModelFiles
import MesoModels
import MesoTraining

/// Where a run's files go: everything `mesoscope train` writes, under one folder.
public struct RunDirectory: Sendable {
    public let path: String

    public init(_ path: String) { self.path = path }

    public var config: String { "\(path)/config.json" }
    public var best: String { "\(path)/best.h5" }
    public var last: String { "\(path)/last.h5" }
    public var checkpoint: String { "\(path)/checkpoints/latest.ckpt" }
    public var normalization: String { "\(path)/\(FeaturewiseStatistics.fileName)" }

    /// Every file and folder a run writes.
    var runFiles: [String] {
        [config, best, last, normalization, "\(path)/checkpoints"] + RunFilesCallback.fileNames.map { "\(path)/\($0)" }
    }

    /// Whether the folder holds (part of) a run: any of the files a run writes.
    public var holdsRun: Bool { runFiles.contains { FileManager.default.fileExists(atPath: $0) } }

    /// Removes the run's files, and only those: the folder may hold the user's own.
    func removeRun() throws {
        for file in runFiles where FileManager.default.fileExists(atPath: file) { try FileManager.default.removeItem(atPath: file) }
    }
}

/// What a finished run reports.
public struct TrainingOutcome: Sendable {
    public let history: History
    /// The epoch (0-based) whose weights are in best.h5, and its monitored value.
    public let bestEpoch: Int?
    public let bestValue: Double?
    public let run: RunDirectory
    public let trainCount: Int
    public let validationCount: Int
}

/// `mesoscope train` as a library call: fine-tune or train MesoNet on face crops and write a
/// run folder (weights Keras can load, checkpoints, history, plots).
///
/// The run holds the folder's ``FolderLock`` while it writes, so two runs never mix their files;
/// a second one fails with a ``FolderLockError`` naming the first one's pid.
public enum TrainingRun {
    /// Starts a fresh run of `config` in `run` on `items` (face crops with labels; items of the
    /// test split are left out). Validation items come from the dataset's own split when it has
    /// one, else a seeded share `config.validationSplit` of the rest, grouped by video.
    /// A folder that already holds a run is refused unless `overwrite`, which removes that run's
    /// files first. `callbacks` run after the run's own (progress, best weights, history files,
    /// checkpoint).
    public static func start(_ config: TrainingConfig, items: [DatasetItem], in run: RunDirectory, overwrite: Bool = false,
                             callbacks: [any Callback] = [], output: @escaping (String) -> Void = { print($0) },
                             live: ((String) -> Void)? = nil) throws -> TrainingOutcome {
        let parts = try split(items, config: config)   // unusable data is refused before the run folder exists
        let lock = try FolderLock(folder: run.path)
        if run.holdsRun {
            guard overwrite else {
                throw TrainingRunError("\(run.path): already holds a training run; continue it with --resume \(run.path), "
                    + "or replace it with --overwrite")
            }
            try run.removeRun()
        }
        try FileManager.default.createDirectory(atPath: "\(run.path)/checkpoints", withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(config).write(to: URL(fileURLWithPath: run.config), options: .atomic)
        return try withExtendedLifetime(lock) {
            try train(config, parts, in: run, resume: nil, callbacks: callbacks, output: output, live: live)
        }
    }

    /// Continues the run in `run` from its last checkpoint, with the configuration it started with.
    public static func resume(_ run: RunDirectory, items: [DatasetItem]? = nil, callbacks: [any Callback] = [],
                              output: @escaping (String) -> Void = { print($0) },
                              live: ((String) -> Void)? = nil) throws -> TrainingOutcome {
        guard FileManager.default.fileExists(atPath: run.config) else {
            throw TrainingRunError("\(run.path): not a training run (no config.json); start one with --out")
        }
        let lock = try FolderLock(folder: run.path)
        let config = try JSONDecoder().decode(TrainingConfig.self, from: Data(contentsOf: URL(fileURLWithPath: run.config)))
        guard FileManager.default.fileExists(atPath: run.checkpoint) else {
            throw TrainingRunError("\(run.path): the run has no checkpoint yet: it was stopped before its first epoch ended, "
                + "so there is nothing to resume; start it again with `mesoscope train --data \(config.data) --out \(run.path) "
                + "--overwrite` and the other options in its config.json")
        }
        let checkpoint = try Checkpoint.load(from: run.checkpoint)
        let parts = try split(items ?? Dataset.open(path: config.data).items, config: config)
        return try withExtendedLifetime(lock) {
            try train(config, parts, in: run, resume: checkpoint, callbacks: callbacks, output: output, live: live)
        }
    }

    private static func train(_ config: TrainingConfig, _ parts: (train: [DatasetItem], validation: [DatasetItem]),
                              in run: RunDirectory,
                              resume checkpoint: Checkpoint?, callbacks extra: [any Callback],
                              output: @escaping (String) -> Void, live: ((String) -> Void)?) throws -> TrainingOutcome {
        let (trainImages, trainTargets) = load(parts.train, output: output)
        let (validationImages, validationTargets) = load(parts.validation, output: output)
        guard !trainImages.isEmpty else { throw TrainingRunError("no training crops left to train on") }

        let plan = try AugmentationPlan.parse(config.augment)
        var generator = plan.generator
        if config.featurewise {
            if checkpoint != nil, let saved = try? FeaturewiseStatistics.load(from: run.normalization) {
                generator.statistics = saved
            } else {
                generator.fit(trainImages.map { FloatImage($0) })
                try generator.statistics!.save(to: run.normalization)
            }
            generator.featurewiseCenter = true
            generator.featurewiseStdNormalization = true
            if !config.fromScratch {
                output("warning: --featurewise with pretrained weights: their convolutions were trained on unnormalised [0, 1] inputs")
            }
        }

        let model = config.architecture.build()
        if config.fromScratch {
            GlorotUniform.initialize(model, seed: config.seed)
        } else {
            try KerasWeights.load(WeightsLocator.resolve(config.initialization), into: model, architecture: config.architecture)
        }
        if config.freeze == .conv { MesoNet.freezeAllButDenseHead(model) }

        let data = CropBatches(images: trainImages, targets: trainTargets, batchSize: config.batchSize, shuffle: true,
                               augment: true, generator: generator, extras: plan.extras)
        let validationData = validationImages.isEmpty ? nil
            : CropBatches(images: validationImages, targets: validationTargets, batchSize: config.batchSize,
                          shuffle: false, augment: false, generator: generator)
        let best = BestWeightsCallback(path: run.best, monitor: validationData == nil ? .loss : .validationLoss)
        // The checkpoint comes last: what it records is then on disk, and a process killed
        // before it redoes the epoch on resume.
        let history = try fit(
            model: model, optimizer: Adam(learningRate: Float(config.learningRate)), loss: config.loss, data: data,
            epochs: config.epochs, seed: config.seed, validation: validationData,
            callbacks: [ProgressCallback(output: output, live: live), best, RunFilesCallback(folder: run.path),
                        CheckpointCallback(path: run.checkpoint, kerasWeightsPath: run.last)] + extra,
            resumeFrom: checkpoint)
        return TrainingOutcome(history: history, bestEpoch: best.bestEpoch, bestValue: best.best, run: run,
                               trainCount: trainImages.count, validationCount: validationImages.count)
    }

    /// The training and validation items: labelled crops, test items left out.
    static func split(_ items: [DatasetItem], config: TrainingConfig) throws -> (train: [DatasetItem], validation: [DatasetItem]) {
        if items.contains(where: { $0.kind == .video }) {
            throw TrainingRunError("\(config.data): holds videos; train reads face crops: run `mesoscope prepare` first")
        }
        let labelled = items.filter { $0.label != nil && $0.split != .test }
        let assigned = labelled.contains { $0.split == .val } || config.validationSplit == 0 ? labelled
            : DatasetSplit.assign(labelled, validation: config.validationSplit, seed: config.seed)
        return (assigned.filter { $0.split != .val }, assigned.filter { $0.split == .val })
    }

    /// The crops of `items` and their network targets (P(real): ``Label/networkTarget``).
    static func load(_ items: [DatasetItem], output: (String) -> Void) -> ([RGBImage], [Float]) {
        let (images, failures) = CropLoader.load(items.map(\.path))
        for failure in failures { output("warning: skipped \(failure)") }
        var kept: [RGBImage] = [], targets: [Float] = []
        for (image, item) in zip(images, items) {
            guard let image, let label = item.label else { continue }
            kept.append(image)
            targets.append(label.networkTarget)
        }
        return (kept, targets)
    }
}

/// A training run that cannot start, with what to do about it.
public struct TrainingRunError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
