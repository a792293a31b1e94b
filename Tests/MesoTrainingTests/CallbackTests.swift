import MesoEngine
@testable import MesoTraining
import Testing

@Suite struct CallbackTests {
    /// With learning rate 0 and no BatchNorm (whose moving statistics would still move) nothing
    /// changes the inference-mode val_loss, so it improves only in epoch 0 and the run stops
    /// at the end of epoch `patience` (epoch 1 for patience 0, the first that fails to improve).
    @Test(arguments: [0, 2, 3])
    func earlyStoppingStopsWhenValidationLossStopsImproving(patience: Int) throws {
        let epochs = max(patience, 1) + 1
        let stopper = EarlyStopping(monitor: .validationLoss, patience: patience)
        let optimizer = Adam(learningRate: 0)
        let history = try fit(model: Fixtures.smallModel(batchNorm: false), optimizer: optimizer, loss: .binaryCrossentropy,
                              data: Fixtures.batches(), epochs: 10, seed: 1,
                              validation: Fixtures.batches(count: 16, seed: 5, shuffle: false), callbacks: [stopper])
        #expect(history.epochs.count == epochs)
        #expect(history.stoppedEarly)
        #expect(stopper.stoppedEpoch == epochs - 1)
        #expect(Set(history.validationLoss).count == 1, "val_loss moved: \(history.validationLoss)")
        #expect(optimizer.iterations == 4 * epochs)
    }

    @Test func earlyStoppingWaitsWhileTheMetricImproves() throws {
        let state = try TrainingState(model: Fixtures.smallModel(), optimizer: Adam(), epochs: 10, seed: 0,
                                      hasValidation: false, resumeFrom: nil)
        let stopper = EarlyStopping(monitor: .loss, patience: 2, minDelta: 0.01)
        try stopper.onTrainBegin(state)
        func epoch(_ i: Int, loss: Double) throws -> TrainingControl {
            try stopper.onEpochEnd(EpochRecord(epoch: i, batches: 1, samples: 1, loss: loss, accuracy: 0), state: state)
        }
        // 0.9, 0.8, 0.7 improve; 0.695 is within minDelta (wait 1); 0.5 improves; then .nan, 0.495 (wait 2).
        let decisions = try [0.9, 0.8, 0.7, 0.695, 0.5, .nan, 0.495].enumerated().map { try epoch($0.offset, loss: $0.element) }
        #expect(decisions == [.proceed, .proceed, .proceed, .proceed, .proceed, .proceed, .stop])
        #expect(stopper.best == 0.5 && stopper.stoppedEpoch == 6)

        let accuracy = EarlyStopping(monitor: .accuracy, patience: 0)
        try accuracy.onTrainBegin(state)
        let record = { (a: Double) in EpochRecord(epoch: 0, batches: 1, samples: 1, loss: 0, accuracy: a) }
        #expect(try accuracy.onEpochEnd(record(0.5), state: state) == .proceed)
        #expect(try accuracy.onEpochEnd(record(0.75), state: state) == .proceed)
        #expect(try accuracy.onEpochEnd(record(0.75), state: state) == .stop)
    }

    @Test func monitoringValidationLossWithoutValidationDataIsAnError() {
        #expect(throws: TrainingError.missingMetric("val_loss")) {
            try fit(model: Fixtures.smallModel(), optimizer: Adam(), loss: .binaryCrossentropy,
                    data: Fixtures.batches(), epochs: 3, callbacks: [EarlyStopping(monitor: .validationLoss)])
        }
    }

    @Test func progressPrintsOneKerasStyleLinePerEpoch() throws {
        var lines: [String] = []
        let history = try fit(model: Fixtures.smallModel(), optimizer: Adam(learningRate: 0.01), loss: .binaryCrossentropy,
                              data: Fixtures.batches(), epochs: 3, validation: Fixtures.batches(count: 16, seed: 5),
                              callbacks: [ProgressCallback { lines.append($0) }])
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("Epoch 1/3 - 4 steps - ") && lines[0].contains("s - loss: \(ProgressCallback.fixed(history.loss[0])) - acc: "),
                "\(lines[0])")
        #expect(lines[2].contains(" - val_loss: \(ProgressCallback.fixed(history.validationLoss[2]!)) - val_acc: "),
                "\(lines[2])")
        #expect([0.5, 1.234_56, 0.000_04, -0.25, 12].map { ProgressCallback.fixed($0) } == ["0.5000", "1.2346", "0.0000", "-0.2500", "12.0000"])
    }

    @Test func checkpointCallbackWritesAfterEveryEpoch() throws {
        let path = try Fixtures.scratchPath("every.ckpt")
        var epochsOnDisk: [Int] = []
        final class Reader: Callback {
            let path: String, record: (Int) -> Void
            init(_ path: String, _ record: @escaping (Int) -> Void) { (self.path, self.record) = (path, record) }
            func onEpochEnd(_ r: EpochRecord, state: TrainingState) throws -> TrainingControl {
                record(try Checkpoint.load(from: path).epoch)
                return .proceed
            }
        }
        let saver = CheckpointCallback(path: path)
        _ = try fit(model: Fixtures.smallModel(), optimizer: SGD(), loss: .meanSquaredError, data: Fixtures.batches(),
                    epochs: 3, callbacks: [saver, Reader(path) { epochsOnDisk.append($0) }])
        #expect(saver.saved == 3)
        #expect(epochsOnDisk == [1, 2, 3])
    }
}
