/// The score of one face.
///
/// MesoNet outputs P(real): ~1 means real, because Keras sorted the training folders `df` (0)
/// before `real` (1). Users always see p_fake, 1 meaning fake; this type is the one place that
/// converts between the two.
public struct FaceScore: Sendable, Equatable {
    /// The network's raw sigmoid output, P(real).
    public let pReal: Double

    public init(pReal: Double) { self.pReal = pReal }

    /// P(fake) = 1 − P(real).
    public var pFake: Double { 1 - pReal }

    /// "fake" when p_fake exceeds `threshold`, else "real".
    public func verdict(threshold: Double = 0.5) -> Verdict { Verdict(pFake: pFake, threshold: threshold) }
}

public enum Verdict: String, Sendable, Codable {
    case fake, real

    /// "fake" when `pFake` exceeds `threshold`, else "real".
    public init(pFake: Double, threshold: Double = 0.5) { self = pFake > threshold ? .fake : .real }
}
