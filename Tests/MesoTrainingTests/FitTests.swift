import MesoEngine
@testable import MesoTraining
import Testing

/// `fit` on the small model: it learns, it counts, it is reproducible from its seed.
@Suite struct FitTests {
    @Test func learnsASeparableToyProblem() throws {
        let model = Fixtures.smallModel()
        let optimizer = Adam(learningRate: 0.01)
        let validation = Fixtures.batches(count: 32, seed: 99, shuffle: false)
        var batchEnds = 0
        let counter = BatchCounter { _ in batchEnds += 1 }
        let history = try fit(model: model, optimizer: optimizer, loss: .binaryCrossentropy,
                              data: Fixtures.batches(), epochs: 6, seed: 3,
                              validation: validation, callbacks: [counter])

        #expect(history.epochs.count == 6)
        #expect(history.epochs.map(\.epoch) == Array(0..<6))
        #expect(history.epochs.allSatisfy { $0.batches == 4 && $0.samples == 64 })
        #expect(optimizer.iterations == 24)
        #expect(batchEnds == 24)
        #expect(!history.stoppedEarly)
        for record in history.epochs {
            #expect((0...1).contains(record.accuracy))
            #expect((0...1).contains(record.validationAccuracy ?? -1))
        }
        let first = history.loss[0], last = history.loss[5]
        #expect(last < 0.6 * first, "training loss \(history.loss)")
        #expect((history.validationLoss[5] ?? 1) < 0.6 * (history.validationLoss[0] ?? 0), "validation loss \(history.validationLoss)")
        #expect((history.validationAccuracy[5] ?? 0) >= 0.9, "validation accuracy \(history.validationAccuracy)")
    }

    @Test func sameSeedGivesBitwiseEqualWeightsAndADifferentSeedDoesNot() throws {
        func run(seed: UInt64) throws -> [[UInt32]] {
            let model = Fixtures.smallModel()
            _ = try fit(model: model, optimizer: Adam(learningRate: 0.01), loss: .binaryCrossentropy,
                        data: Fixtures.batches(), epochs: 2, seed: seed)
            return Fixtures.weightBits(model)
        }
        let a = try run(seed: 5), b = try run(seed: 5), c = try run(seed: 6)
        #expect(a == b)
        #expect(a != c)
        #expect(a != Fixtures.weightBits(Fixtures.smallModel()), "training changed nothing")
    }

    @Test func sgdWithMomentumTrainsThroughFit() throws {
        let model = Fixtures.smallModel()
        let optimizer = SGD(learningRate: 0.05, momentum: 0.9)
        let history = try fit(model: model, optimizer: optimizer, loss: .meanSquaredError,
                              data: Fixtures.batches(), epochs: 6, seed: 3)
        #expect(optimizer.iterations == 24)
        #expect(optimizer.velocity.count == model.trainableParameters.count)
        #expect(optimizer.velocity.contains { $0.contains { $0 != 0 } })
        #expect(history.loss[5] < 0.6 * history.loss[0], "training loss \(history.loss)")
        #expect(history.accuracy[5] >= 0.9, "training accuracy \(history.accuracy)")
    }

    /// val_loss is the inference-mode loss (Dropout off) with the epoch's final weights: the same
    /// number `evaluate` gives afterwards, and not what a training-mode forward gives.
    @Test func validationMetricsAreInferenceModeWithFinalWeights() throws {
        let model = Fixtures.smallModel(batchNorm: false, dropout: 0.5)
        let validation = Fixtures.batches(count: 16, seed: 42, shuffle: false)
        let history = try fit(model: model, optimizer: Adam(learningRate: 0.01), loss: .binaryCrossentropy,
                              data: Fixtures.batches(), epochs: 2, seed: 1, validation: validation)
        let (loss, accuracy) = evaluate(model: model, loss: .binaryCrossentropy, data: validation)
        #expect(history.epochs[1].validationLoss == loss)
        #expect(history.epochs[1].validationAccuracy == accuracy)

        // The training-mode forward (Dropout at 0.5) gives another loss for the same data.
        let training = model.forward(validation.x, training: true)
        #expect(inferenceLoss(.binaryCrossentropy, predictions: training, targets: validation.y) != loss)
        // And cross-entropy from the probability agrees with the logit form away from saturation.
        let p = model.forward(validation.x)
        let z = p.scalars.map { logf($0 / (1 - $0)) }
        let fromLogits = zip(z, validation.y.scalars).map { x, y in Double(max(x, 0) - x * y + log1pf(expf(-abs(x)))) }
        #expect(abs(fromLogits.reduce(0, +) / Double(z.count) - loss) < 1e-5)
    }

    @Test func anEmptyEpochIsAnError() {
        let empty = TensorBatches(x: Tensor(zeros: [0, 8, 8, 3]), y: Tensor(zeros: [0, 1]), batchSize: 4)
        #expect(throws: TrainingError.emptyEpoch(0)) {
            try fit(model: Fixtures.smallModel(), optimizer: Adam(), loss: .meanSquaredError, data: empty, epochs: 1)
        }
    }
}

/// Calls `body` at every batch end.
final class BatchCounter: Callback {
    let body: (BatchRecord) -> Void
    init(_ body: @escaping (BatchRecord) -> Void) { self.body = body }
    func onBatchEnd(_ record: BatchRecord, state: TrainingState) throws { body(record) }
}

#if os(Linux)
import Glibc
#else
import Darwin
#endif
