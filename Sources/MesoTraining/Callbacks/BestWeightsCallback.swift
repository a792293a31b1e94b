import Foundation
import MesoModelFiles

/// Keeps the weights of the best epoch so far by `monitor` in a Keras HDF5 file, as Keras'
/// `ModelCheckpoint(save_best_only=True)`: after each epoch that improves on the best value,
/// the model's weights replace the file atomically.
///
/// A resumed run starts from the best epoch in the checkpoint's history, so an earlier, better
/// epoch is not lost and the best epoch is reported whichever run found it. When the file is
/// missing (the process died after the checkpoint but before this file was written), it is
/// written again from the restored weights if those are the best epoch's, i.e. the checkpoint
/// was taken at the end of that epoch. Otherwise those weights are gone, and the best is
/// tracked afresh from the next epoch, so that the file always holds the epoch reported.
public final class BestWeightsCallback: Callback {
    public let path: String
    public let monitor: EarlyStopping.Monitor
    /// The best value seen so far, and the epoch (0-based) it was seen at, whose weights are in the file.
    public private(set) var best: Double?
    public private(set) var bestEpoch: Int?

    public init(path: String, monitor: EarlyStopping.Monitor = .validationLoss) {
        self.path = path
        self.monitor = monitor
    }

    public func onTrainBegin(_ state: TrainingState) throws {
        best = nil
        bestEpoch = nil
        for record in state.history.epochs { consider(record) }
        guard let epoch = bestEpoch, !FileManager.default.fileExists(atPath: path) else { return }
        if epoch == state.epoch - 1 && state.batch == 0 {
            try save(state)
        } else {
            best = nil
            bestEpoch = nil
        }
    }

    public func onEpochEnd(_ record: EpochRecord, state: TrainingState) throws -> TrainingControl {
        if consider(record) { try save(state) }
        return .proceed
    }

    /// Takes `record` as the best when it improves on it; returns whether it did.
    @discardableResult
    private func consider(_ record: EpochRecord) -> Bool {
        guard let value = monitor.value(record), value.isFinite else { return false }
        guard best.map({ monitor.lowerIsBetter ? value < $0 : value > $0 }) ?? true else { return false }
        best = value
        bestEpoch = record.epoch
        return true
    }

    private func save(_ state: TrainingState) throws {
        let temporary = path + ".tmp"
        try KerasWeights.save(state.model, to: temporary)
        try CheckpointFile.replace(path, with: temporary)
    }
}
