/// Rewrites a run's history (`history.csv`, `history.json`) and its curves (`loss.svg`,
/// `accuracy.svg`) after every epoch, so an interrupted run still leaves them behind.
public final class RunFilesCallback: Callback {
    /// The files it writes into the folder.
    public static let fileNames = ["history.csv", "history.json", "loss.svg", "accuracy.svg"]
    public let folder: String

    public init(folder: String) { self.folder = folder }

    public func onEpochEnd(_ record: EpochRecord, state: TrainingState) throws -> TrainingControl {
        try HistoryFiles.write(state.history, to: folder)
        try SVGPlot.trainingLoss(state.history).write(to: "\(folder)/loss.svg")
        try SVGPlot.trainingAccuracy(state.history).write(to: "\(folder)/accuracy.svg")
        return .proceed
    }
}
