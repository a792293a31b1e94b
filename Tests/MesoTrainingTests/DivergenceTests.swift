import Foundation
import MesoEngine
import MesoTestSupport
@testable import MesoTraining
import Testing

/// A run whose loss or weights stop being numbers ends with a clear error, and leaves the files
/// of its last good epoch as they were.
@Suite struct DivergenceTests {
    /// Raises Adam's learning rate to 1e30 after the first epoch, so the second one diverges.
    final class RaiseLearningRate: Callback {
        let adam: Adam
        init(_ adam: Adam) { self.adam = adam }
        func onEpochEnd(_ record: EpochRecord, state: TrainingState) throws -> TrainingControl {
            adam.learningRate = 1e30
            return .proceed
        }
    }

    @Test func aDivergingRunStopsBeforeAnyFileGetsItsWeights() throws {
        let folder = try SharedData.scratchDirectory("diverge").path
        let adam = Adam(learningRate: 0.01)
        let best = BestWeightsCallback(path: "\(folder)/best.h5", monitor: .loss)
        let saver = CheckpointCallback(path: "\(folder)/latest.ckpt")
        let error = try #require(throws: TrainingError.self) {
            try fit(model: Fixtures.smallModel(), optimizer: adam, loss: .binaryCrossentropy, data: Fixtures.batches(), epochs: 3,
                    seed: 3, callbacks: [best, RunFilesCallback(folder: folder), saver, RaiseLearningRate(adam)])
        }
        guard case .diverged(let epoch, let step, _) = error else { Issue.record("\(error)"); return }
        #expect(epoch == 2 && (1...4).contains(step))
        #expect(error.description.hasPrefix("training diverged at epoch 2 step \(step): "))
        #expect(error.description.hasSuffix("; lower the learning rate (--lr)"))

        let checkpoint = try Checkpoint.load(from: saver.path)
        #expect(checkpoint.epoch == 1 && saver.saved == 1, "the first epoch's checkpoint stays")
        #expect(checkpoint.layers.allSatisfy { $0.tensors.allSatisfy { $0.scalars.allSatisfy(\.isFinite) } })
        #expect(best.bestEpoch == 0)
        let history = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/history.json")))
        #expect(((history as? [String: Any])?["epochs"] as? [Any])?.count == 1)
    }

    @Test func historyJSONWritesNonFiniteNumbersAsNull() throws {
        var history = History()
        history.epochs = [EpochRecord(epoch: 0, batches: 2, samples: 8, loss: .nan, accuracy: 0.5, validationLoss: .infinity,
                                      validationAccuracy: nil)]
        let object = try #require(JSONSerialization.jsonObject(with: Data(HistoryFiles.json(history).utf8)) as? [String: Any])
        let epoch = try #require((object["epochs"] as? [[String: Any]])?.first)
        #expect(epoch["loss"] is NSNull && epoch["validationLoss"] is NSNull && epoch["validationAccuracy"] is NSNull)
        #expect(epoch["accuracy"] as? Double == 0.5 && epoch["samples"] as? Int == 8 && object["stoppedEarly"] as? Bool == false)
    }
}
