/// The network gave a score that is not a probability (NaN or infinite).
///
/// Weight files with NaN or infinite values are refused when they load, but finite weights can
/// still overflow inside the network. Such a score is never turned into a verdict: a NaN p_fake
/// compares false with every threshold and would read as "real".
public struct ScoringError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The weights file that produced the score.
    public let weightsPath: String

    public init(weightsPath: String) { self.weightsPath = weightsPath }

    public var description: String {
        "\(weightsPath): the network's score is not a number (NaN or infinite); these weights cannot score faces "
            + "(were they saved from a training run that diverged?)"
    }
}
