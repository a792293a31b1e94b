import MesoModelFiles

/// Writes a checkpoint of the run to `path` after every epoch, or every `n` steps, replacing
/// the previous one atomically: a crash at any moment leaves a loadable checkpoint behind.
///
/// `kerasWeightsPath`, when set, also receives the model's weights in the Keras HDF5 layout
/// the detector loads (`KerasWeights.save`), written beside it and renamed into place before
/// the checkpoint is: the checkpoint is what a resumed run goes on from, so everything it
/// vouches for is on disk first, and a process killed in between redoes the step on resume.
public final class CheckpointCallback: Callback {
    public enum Frequency: Sendable, Equatable {
        case everyEpoch
        case everySteps(Int)
    }

    public let path: String
    public let frequency: Frequency
    public let kerasWeightsPath: String?
    /// How many checkpoints this callback has written.
    public private(set) var saved = 0

    public init(path: String, frequency: Frequency = .everyEpoch, kerasWeightsPath: String? = nil) {
        if case .everySteps(let n) = frequency { precondition(n >= 1, "checkpoint every n ≥ 1 steps") }
        self.path = path
        self.frequency = frequency
        self.kerasWeightsPath = kerasWeightsPath
    }

    public func onBatchEnd(_ record: BatchRecord, state: TrainingState) throws {
        if case .everySteps(let n) = frequency, record.step % n == 0 { try save(state) }
    }

    public func onEpochEnd(_ record: EpochRecord, state: TrainingState) throws -> TrainingControl {
        if frequency == .everyEpoch { try save(state) }
        return .proceed
    }

    func save(_ state: TrainingState) throws {
        if let kerasWeightsPath {
            let temporary = kerasWeightsPath + ".tmp"
            try KerasWeights.save(state.model, to: temporary)
            try CheckpointFile.replace(kerasWeightsPath, with: temporary)
        }
        try state.checkpoint().save(to: path)
        saved += 1
    }
}
