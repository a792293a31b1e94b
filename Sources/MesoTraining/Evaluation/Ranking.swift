import MesoData

/// One point of the ROC curve: predicting fake iff p_fake ≥ `threshold` gives these rates.
public struct ROCPoint: Sendable, Equatable {
    /// Reals predicted fake / reals.
    public var fpr: Double
    /// Fakes predicted fake / fakes.
    public var tpr: Double
    /// The first point (nothing predicted fake) has threshold +∞, as in sklearn's `roc_curve`.
    public var threshold: Double
}

/// The metrics that rank fakes against reals: they need both classes, so a `BinaryMetrics`
/// holds them as a `Result`.
public struct Ranking: Sendable, Equatable {
    /// One point per distinct score, highest threshold first, from (0, 0) to (1, 1). Unlike
    /// sklearn's default (`drop_intermediate=True`) no collinear point is dropped.
    public let roc: [ROCPoint]
    /// The Mann–Whitney statistic: the fraction of (fake, real) pairs where the fake scores
    /// higher, a tie counting ½. Equal to the trapezoidal area under `roc` and to sklearn's
    /// `roc_auc_score`.
    public let auc: Double
    /// The equal error rate: where FPR = FNR (= 1 − TPR) on the ROC curve drawn as straight
    /// segments between its points. Along the curve FPR − FNR rises strictly from −1 to 1, so
    /// exactly one segment crosses 0; the EER is its FPR there, linearly interpolated. (A plain
    /// `argmin |FPR − FNR|` over the points would be off by up to half a segment.)
    public let eer: Double
    /// sklearn's `average_precision_score`: Σ (Rₙ − Rₙ₋₁) Pₙ over the distinct thresholds,
    /// precision P and recall R of predicting fake iff p_fake ≥ the threshold. No
    /// interpolation, so it is not the area under a smoothed precision–recall curve.
    public let ap: Double

    /// Scores sorted and grouped by distinct value make all three in one pass each; a tie group
    /// moves the curve diagonally, which is what counts tied pairs as ½.
    init(_ scores: [(label: Label, pFake: Double)], level: EvaluationLevel) throws(EvaluationError) {
        let fakes = scores.count(where: { $0.label == .fake }), reals = scores.count - fakes
        guard fakes > 0, reals > 0 else {
            throw .singleClass(fakes > 0 ? .fake : .real, count: scores.count, level: level)
        }
        let nFake = Double(fakes), nReal = Double(reals)
        var roc = [ROCPoint(fpr: 0, tpr: 0, threshold: .infinity)]
        var tp = 0, fp = 0
        var pairsWon = 0.0, ap = 0.0
        for group in Self.groups(scores) {
            tp += group.fakes
            fp += group.reals
            // Reals strictly below this group lose to each of its fakes; reals in it tie.
            pairsWon += Double(group.fakes) * (Double(reals - fp) + 0.5 * Double(group.reals))
            ap += Double(group.fakes) / nFake * Double(tp) / Double(tp + fp)
            roc.append(ROCPoint(fpr: Double(fp) / nReal, tpr: Double(tp) / nFake, threshold: group.score))
        }
        self.roc = roc
        self.auc = pairsWon / (nFake * nReal)
        self.eer = Self.equalErrorRate(roc)
        self.ap = ap
    }

    /// The distinct scores, highest first, with how many fakes and reals have each.
    static func groups(_ scores: [(label: Label, pFake: Double)]) -> [(score: Double, fakes: Int, reals: Int)] {
        var groups: [(score: Double, fakes: Int, reals: Int)] = []
        for item in scores.sorted(by: { $0.pFake > $1.pFake }) {
            if groups.last?.score != item.pFake { groups.append((item.pFake, 0, 0)) }
            if item.label == .fake { groups[groups.count - 1].fakes += 1 } else { groups[groups.count - 1].reals += 1 }
        }
        return groups
    }

    static func equalErrorRate(_ roc: [ROCPoint]) -> Double {
        func gap(_ p: ROCPoint) -> Double { p.fpr - (1 - p.tpr) }
        // The last point is (1, 1) with gap 1, so a crossing always exists; the first has gap −1.
        let i = roc.firstIndex { gap($0) >= 0 }!
        let a = roc[i - 1], b = roc[i]
        let t = -gap(a) / (gap(b) - gap(a))
        return a.fpr + t * (b.fpr - a.fpr)
    }
}
