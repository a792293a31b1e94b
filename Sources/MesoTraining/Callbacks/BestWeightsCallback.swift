import MesoModelFiles

/// Keeps the weights of the best epoch so far by `monitor` in a Keras HDF5 file, as Keras'
/// `ModelCheckpoint(save_best_only=True)`: after each epoch that improves on the best value,
/// the model's weights replace the file atomically.
public final class BestWeightsCallback: Callback {
    public let path: String
    public let monitor: EarlyStopping.Monitor
    /// The best value seen so far, and the epoch it was seen at.
    public private(set) var best: Double?
    public private(set) var bestEpoch: Int?

    /// `best` carries a resumed run's best value over, so an earlier, better epoch is not lost.
    public init(path: String, monitor: EarlyStopping.Monitor = .validationLoss, best: Double? = nil) {
        self.path = path
        self.monitor = monitor
        self.best = best
    }

    public func onEpochEnd(_ record: EpochRecord, state: TrainingState) throws -> TrainingControl {
        guard let value = monitor.value(record), !value.isNaN else { return .proceed }
        let improved = best.map { monitor.lowerIsBetter ? value < $0 : value > $0 } ?? true
        if improved {
            best = value
            bestEpoch = record.epoch
            let temporary = path + ".tmp"
            try KerasWeights.save(state.model, to: temporary)
            try CheckpointFile.replace(path, with: temporary)
        }
        return .proceed
    }
}
