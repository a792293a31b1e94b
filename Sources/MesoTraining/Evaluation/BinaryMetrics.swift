import MesoData

#if os(Linux)
import Glibc
#else
import Darwin
#endif

/// Predictions against labels with fake as the positive class (so a true positive is a fake
/// predicted fake).
public struct ConfusionMatrix: Sendable, Equatable {
    public var tp: Int
    public var fp: Int
    public var tn: Int
    public var fn: Int
}

/// How well p_fake scores separate fake from real, at one level (faces or videos).
///
/// Accuracy and the confusion matrix threshold at 0.5, predicting fake iff p_fake > 0.5 (strictly,
/// as Keras' `binary_accuracy`). The ranking metrics (AUC, EER, AP) sweep every threshold and
/// predict fake iff p_fake ≥ it, as sklearn does.
///
/// A set with a single class still has accuracy and log loss, which is why it is not an error
/// here: its ranking metrics are a `.failure(.singleClass)` whose description says so, and
/// `auc`, `eer`, `ap` are nil.
public struct BinaryMetrics: Sendable, Equatable {
    public let level: EvaluationLevel
    public let nReal: Int
    public let nFake: Int
    public let confusion: ConfusionMatrix
    /// The fraction of all items predicted right.
    public let accuracy: Double
    /// The fraction of reals predicted real; nil without reals.
    public let accuracyReal: Double?
    /// The fraction of fakes predicted fake; nil without fakes.
    public let accuracyFake: Double?
    /// Mean binary cross-entropy, −log p of the true class, with p_fake clipped to
    /// [1e-7, 1 − 1e-7] as Keras clips: MesoInception outputs exactly 1.0 (or 0.0), whose
    /// unclipped loss is infinite.
    public let logLoss: Double
    public let ranking: Result<Ranking, EvaluationError>

    /// Throws for an empty set and for a score that is not a probability.
    public init(_ scores: [(label: Label, pFake: Double)], level: EvaluationLevel = .frame) throws(EvaluationError) {
        guard !scores.isEmpty else { throw .empty(level) }
        if let bad = scores.firstIndex(where: { !(0 ... 1).contains($0.pFake) }) {
            throw .invalidScore(index: bad, value: scores[bad].pFake)
        }
        var confusion = ConfusionMatrix(tp: 0, fp: 0, tn: 0, fn: 0)
        var loss = 0.0
        let epsilon = 1e-7
        for (label, pFake) in scores {
            switch (label, pFake > 0.5) {
            case (.fake, true): confusion.tp += 1
            case (.fake, false): confusion.fn += 1
            case (.real, true): confusion.fp += 1
            case (.real, false): confusion.tn += 1
            }
            let p = min(max(pFake, epsilon), 1 - epsilon)
            loss -= log(label == .fake ? p : 1 - p)
        }
        self.level = level
        self.confusion = confusion
        nFake = confusion.tp + confusion.fn
        nReal = confusion.tn + confusion.fp
        accuracy = Double(confusion.tp + confusion.tn) / Double(scores.count)
        accuracyReal = nReal == 0 ? nil : Double(confusion.tn) / Double(nReal)
        accuracyFake = nFake == 0 ? nil : Double(confusion.tp) / Double(nFake)
        logLoss = loss / Double(scores.count)
        ranking = Result { () throws(EvaluationError) in try Ranking(scores, level: level) }
    }

    public var auc: Double? { try? ranking.get().auc }
    public var eer: Double? { try? ranking.get().eer }
    public var ap: Double? { try? ranking.get().ap }

    /// The ROC curve, highest threshold first; throws `.singleClass` when it is undefined.
    public func rocCurve() throws(EvaluationError) -> [ROCPoint] {
        try ranking.get().roc
    }
}
