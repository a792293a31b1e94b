import MesoData

/// Whether metrics describe single faces or whole videos; it names the counted things in
/// messages ("only fake videos (3)").
public enum EvaluationLevel: String, Sendable, Equatable {
    case frame
    case video

    var noun: String { self == .frame ? "faces" : "videos" }
}

/// Why a set of scores cannot be evaluated, or only in part. Each case's description is a
/// sentence the CLI can print as it is.
public enum EvaluationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// No scores at all: not even accuracy is defined.
    case empty(EvaluationLevel)
    /// A p_fake that is NaN or outside [0, 1]: not a probability, so every metric would lie.
    case invalidScore(index: Int, value: Double)
    /// Every item has the same label. Accuracy and log loss are still defined; the ranking
    /// metrics compare fakes against reals and are not.
    case singleClass(Label, count: Int, level: EvaluationLevel)
    /// Frames of one video carry both labels, so the video has no label of its own.
    case inconsistentVideoLabel(videoID: String)

    public var description: String {
        switch self {
        case .empty(let level):
            "no \(level.noun) to evaluate"
        case .invalidScore(let index, let value):
            "score \(index) is \(value): p_fake must be a probability in [0, 1]"
        case .singleClass(let label, let count, let level):
            "only \(label.rawValue) \(level.noun) (\(count)): AUC, EER and AP need both classes"
        case .inconsistentVideoLabel(let videoID):
            "video \(videoID) has frames labelled fake and frames labelled real"
        }
    }
}
