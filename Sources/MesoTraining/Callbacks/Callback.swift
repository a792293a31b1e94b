/// What a callback tells `fit` after an epoch.
public enum TrainingControl: Sendable, Equatable {
    case proceed
    case stop
}

/// Hooks into `fit`, as Keras callbacks: logging, checkpointing, early stopping.
///
/// Every hook has an empty default, so a callback implements only what it needs. Callbacks are
/// classes because they keep state across hooks (EarlyStopping's best value). A hook that
/// throws ends `fit` with its error.
public protocol Callback: AnyObject {
    func onTrainBegin(_ state: TrainingState) throws
    /// Not repeated for an epoch that a run resumes in the middle of.
    func onEpochBegin(_ epoch: Int, state: TrainingState) throws
    func onBatchEnd(_ record: BatchRecord, state: TrainingState) throws
    /// Called after the epoch's record (validation included) is in `state.history`. Returning
    /// `.stop` ends the run after every callback has seen this epoch.
    func onEpochEnd(_ record: EpochRecord, state: TrainingState) throws -> TrainingControl
    func onTrainEnd(_ history: History, state: TrainingState) throws
}

extension Callback {
    public func onTrainBegin(_ state: TrainingState) throws {}
    public func onEpochBegin(_ epoch: Int, state: TrainingState) throws {}
    public func onBatchEnd(_ record: BatchRecord, state: TrainingState) throws {}
    public func onEpochEnd(_ record: EpochRecord, state: TrainingState) throws -> TrainingControl { .proceed }
    public func onTrainEnd(_ history: History, state: TrainingState) throws {}
}
