/// Keras' `EarlyStopping`: stops the run when `monitor` has not improved by more than
/// `minDelta` for `patience` epochs in a row.
///
/// Losses improve downwards, accuracies upwards. The first epoch always improves on the
/// starting best (±∞); a NaN never improves. With patience p ≥ 1 the run therefore stops at
/// the end of epoch k + p, where k is the last epoch that improved; with p = 0 at the first
/// epoch that does not improve, k + 1.
public final class EarlyStopping: Callback {
    public enum Monitor: String, Sendable {
        case loss = "loss"
        case accuracy = "accuracy"
        case validationLoss = "val_loss"
        case validationAccuracy = "val_accuracy"

        var lowerIsBetter: Bool { self == .loss || self == .validationLoss }
        var needsValidation: Bool { self == .validationLoss || self == .validationAccuracy }

        public func value(_ record: EpochRecord) -> Double? {
            switch self {
            case .loss: record.loss
            case .accuracy: record.accuracy
            case .validationLoss: record.validationLoss
            case .validationAccuracy: record.validationAccuracy
            }
        }
    }

    public let monitor: Monitor
    public let patience: Int
    public let minDelta: Double
    /// The best value seen so far.
    public private(set) var best: Double
    /// Epochs since the last improvement.
    public private(set) var wait = 0
    /// The epoch at whose end the run was stopped, if it was.
    public private(set) var stoppedEpoch: Int?

    public init(monitor: Monitor = .validationLoss, patience: Int = 0, minDelta: Double = 0) {
        precondition(patience >= 0 && minDelta >= 0, "patience and minDelta must not be negative")
        self.monitor = monitor
        self.patience = patience
        self.minDelta = minDelta
        best = monitor.lowerIsBetter ? .infinity : -.infinity
    }

    public func onTrainBegin(_ state: TrainingState) throws {
        if monitor.needsValidation && !state.hasValidation { throw TrainingError.missingMetric(monitor.rawValue) }
        best = monitor.lowerIsBetter ? .infinity : -.infinity
        wait = 0
        stoppedEpoch = nil
    }

    public func onEpochEnd(_ record: EpochRecord, state: TrainingState) throws -> TrainingControl {
        guard let value = monitor.value(record) else { throw TrainingError.missingMetric(monitor.rawValue) }
        let improved = monitor.lowerIsBetter ? value < best - minDelta : value > best + minDelta
        if improved {
            best = value
            wait = 0
            return .proceed
        }
        wait += 1
        guard wait >= patience else { return .proceed }
        stoppedEpoch = record.epoch
        return .stop
    }
}
