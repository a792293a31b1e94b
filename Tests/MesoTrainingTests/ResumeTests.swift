import Foundation
import MesoEngine
@testable import MesoTraining
import Testing

/// A run stopped at a checkpoint and resumed in a fresh model and optimizer ends bitwise where
/// the uninterrupted run ends. Dropout 0.5 and shuffling are on, so every random stream matters.
@Suite struct ResumeTests {
    let data = Fixtures.batches(count: 48, batchSize: 16)   // 3 batches per epoch
    let validation = Fixtures.batches(count: 16, seed: 77, shuffle: false)

    func train(_ model: Model, _ optimizer: any Optimizer, epochs: Int, callbacks: [any Callback] = [],
               resumeFrom checkpoint: Checkpoint? = nil) throws -> History {
        try fit(model: model, optimizer: optimizer, loss: .binaryCrossentropy, data: data, epochs: epochs,
                seed: 21, validation: validation, callbacks: callbacks, resumeFrom: checkpoint)
    }

    /// Loads the checkpoint into a model initialized from another seed and a new optimizer, and
    /// finishes the 4 epochs there.
    func resume(_ checkpoint: Checkpoint, _ kind: Fixtures.OptimizerKind) throws -> (Model, any Optimizer, History) {
        let model = Fixtures.smallModel(initSeed: 1234)
        let optimizer = kind.make()
        let history = try train(model, optimizer, epochs: 4, resumeFrom: checkpoint)
        return (model, optimizer, history)
    }

    @Test(arguments: Fixtures.OptimizerKind.allCases)
    func resumingAtAnEpochBoundaryReproducesTheUninterruptedRun(_ kind: Fixtures.OptimizerKind) throws {
        let straight = Fixtures.smallModel(), straightOptimizer = kind.make()
        let straightHistory = try train(straight, straightOptimizer, epochs: 4)

        let path = try Fixtures.scratchPath("run.ckpt")
        let saver = CheckpointCallback(path: path)
        _ = try train(Fixtures.smallModel(), kind.make(), epochs: 2, callbacks: [saver])
        #expect(saver.saved == 2)
        let checkpoint = try Checkpoint.load(from: path)
        #expect((checkpoint.epoch, checkpoint.batch, checkpoint.step) == (2, 0, 6))

        let (resumed, resumedOptimizer, resumedHistory) = try resume(checkpoint, kind)
        #expect(Fixtures.weightBits(resumed) == Fixtures.weightBits(straight))
        #expect(Fixtures.optimizerBits(resumedOptimizer) == Fixtures.optimizerBits(straightOptimizer))
        #expect(resumedHistory == straightHistory)
        let dropout = { (m: Model) in m.layers.compactMap { ($0 as? Dropout)?.generator } }
        #expect(dropout(resumed) == dropout(straight))
    }

    @Test func resumingMidEpochReproducesTheUninterruptedRun() throws {
        let straight = Fixtures.smallModel(), straightOptimizer = Adam(learningRate: 0.01)
        let straightHistory = try train(straight, straightOptimizer, epochs: 4)

        // Checkpoints at steps 5 and 10 of 12: the last is epoch 3 after its first batch.
        let path = try Fixtures.scratchPath("run.ckpt")
        let saver = CheckpointCallback(path: path, frequency: .everySteps(5))
        _ = try train(Fixtures.smallModel(), Adam(learningRate: 0.01), epochs: 4, callbacks: [saver])
        #expect(saver.saved == 2)
        let checkpoint = try Checkpoint.load(from: path)
        #expect((checkpoint.epoch, checkpoint.batch, checkpoint.step) == (3, 1, 10))
        #expect(checkpoint.epochTotals.batches == 1 && checkpoint.history.epochs.count == 3)

        let (resumed, resumedOptimizer, resumedHistory) = try resume(checkpoint, .adam)
        #expect(Fixtures.weightBits(resumed) == Fixtures.weightBits(straight))
        #expect(Fixtures.optimizerBits(resumedOptimizer) == Fixtures.optimizerBits(straightOptimizer))
        #expect(resumedHistory == straightHistory)
    }

    /// The control: the same checkpoint with one random stream changed does not reproduce the
    /// run, so the equality above is owed to the saved generator states.
    @Test func aResumedRunRewritesAMissingBestFileAndReportsItsBestEpoch() throws {
        // Killed after the checkpoint of its only epoch but before best.h5 was written.
        let path = try Fixtures.scratchPath("run.ckpt")
        _ = try train(Fixtures.smallModel(), Adam(learningRate: 0.01), epochs: 1, callbacks: [CheckpointCallback(path: path)])
        let checkpoint = try Checkpoint.load(from: path)
        let bestPath = path + ".best.h5"
        let best = BestWeightsCallback(path: bestPath)
        _ = try train(Fixtures.smallModel(initSeed: 99), Adam(learningRate: 0.01), epochs: 1, callbacks: [best], resumeFrom: checkpoint)
        #expect(best.bestEpoch == 0 && best.best == checkpoint.history.epochs[0].validationLoss)
        #expect(FileManager.default.fileExists(atPath: bestPath))

        // Going on, the best is the whole history's, not only the resumed epochs'.
        let going = BestWeightsCallback(path: bestPath)
        let history = try train(Fixtures.smallModel(initSeed: 99), Adam(learningRate: 0.01), epochs: 3, callbacks: [going],
                                resumeFrom: checkpoint)
        let losses = history.validationLoss.map { $0! }
        #expect(going.bestEpoch == losses.firstIndex(of: losses.min()!) && going.best == losses.min())
    }

    @Test func everySavedRandomStreamMatters() throws {
        let straight = Fixtures.smallModel()
        _ = try train(straight, Adam(learningRate: 0.01), epochs: 4)
        let path = try Fixtures.scratchPath("run.ckpt")
        _ = try train(Fixtures.smallModel(), Adam(learningRate: 0.01), epochs: 2, callbacks: [CheckpointCallback(path: path)])
        let checkpoint = try Checkpoint.load(from: path)

        var otherShuffle = checkpoint
        otherShuffle.dataGenerator = RandomGenerator(seed: checkpoint.dataGenerator.state &+ 1)
        var otherDropout = checkpoint
        otherDropout.dropoutGenerators[0].generator = RandomGenerator(seed: 99)
        let expected = Fixtures.weightBits(straight)
        #expect(Fixtures.weightBits(try resume(checkpoint, .adam).0) == expected)
        #expect(Fixtures.weightBits(try resume(otherShuffle, .adam).0) != expected)
        #expect(Fixtures.weightBits(try resume(otherDropout, .adam).0) != expected)
    }
}
