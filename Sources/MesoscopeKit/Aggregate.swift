/// How the p_fake scores of one face track's frames become one score.
public enum Aggregate: String, CaseIterable, Sendable {
    /// The mean p_fake, as DeepfakeBench reports video scores. The default.
    case mean
    /// The share of frames with p_fake > 0.5. The original MesoNet pipeline reports the share
    /// with P(real) > 0.5, which is one minus this.
    case vote
    /// The DFDC winner's rule: if more than 11 frames, and more than ⌊n/2.5⌋ of them, have
    /// p > 0.8, the mean of those; else if more than 90% have p < 0.2, the mean of those; else
    /// the mean of all. Confident frames outvote a blurry or badly aligned minority.
    case confident

    /// The aggregate of `pFakes`, which must not be empty.
    public func combine(_ pFakes: [Double]) -> Double {
        precondition(!pFakes.isEmpty, "no scores to aggregate")
        let n = Double(pFakes.count)
        switch self {
        case .mean:
            return Self.average(pFakes)
        case .vote:
            return Double(pFakes.count { $0 > 0.5 }) / n
        case .confident:
            let confidentFakes = pFakes.filter { $0 > 0.8 }
            if confidentFakes.count > 11, Double(confidentFakes.count) > (n / 2.5).rounded(.down) {
                return Self.average(confidentFakes)
            }
            let confidentReals = pFakes.filter { $0 < 0.2 }
            if Double(confidentReals.count) > 0.9 * n {
                return Self.average(confidentReals)
            }
            return Self.average(pFakes)
        }
    }

    private static func average(_ values: [Double]) -> Double {
        values.reduce(0, +) / Double(values.count)
    }
}
