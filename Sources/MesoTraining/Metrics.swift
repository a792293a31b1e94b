import MesoEngine

#if os(Linux)
import Glibc
#else
import Darwin
#endif

/// What one training step measured. `loss` is the batch mean `Loss.evaluate` returned, on the
/// training-mode forward (Dropout active, BatchNorm on batch statistics), as Keras logs it.
public struct BatchRecord: Sendable, Equatable {
    public var epoch: Int
    /// The batch's index within its epoch.
    public var batch: Int
    /// Optimizer steps taken so far in the run, this one included.
    public var step: Int
    public var size: Int
    public var loss: Double
    public var accuracy: Double
}

/// One epoch's summary, a row of Keras' `history.history`.
public struct EpochRecord: Codable, Sendable, Equatable {
    public var epoch: Int
    public var batches: Int
    public var samples: Int
    /// Mean training loss over the epoch's samples (each batch's mean weighted by its size).
    public var loss: Double
    /// Binary accuracy over the epoch's training predictions.
    public var accuracy: Double
    /// Loss and accuracy on the validation data in inference mode, after the epoch's last step.
    public var validationLoss: Double?
    public var validationAccuracy: Double?
}

/// Per-epoch records of a `fit`, Keras' `History`. A resumed run's history starts with the
/// records stored in its checkpoint, so it reads as if the run had never stopped.
public struct History: Codable, Sendable, Equatable {
    public var epochs: [EpochRecord] = []
    /// Whether a callback (EarlyStopping) ended the run before its last epoch.
    public var stoppedEarly = false

    public init() {}

    public var loss: [Double] { epochs.map(\.loss) }
    public var accuracy: [Double] { epochs.map(\.accuracy) }
    public var validationLoss: [Double?] { epochs.map(\.validationLoss) }
    public var validationAccuracy: [Double?] { epochs.map(\.validationAccuracy) }
}

/// Running sums over the batches of the epoch in progress, from which its record is made.
/// A mid-epoch checkpoint stores them, so the resumed epoch's means cover every batch.
public struct EpochTotals: Codable, Sendable, Equatable {
    public var batches = 0
    public var samples = 0
    /// Σ batch loss × batch size.
    public var weightedLoss: Double = 0
    /// Predictions on the right side of the threshold, and predictions counted.
    public var correct = 0
    public var predictions = 0

    public init() {}

    mutating func add(loss: Double, size: Int, correct: Int, predictions: Int) {
        batches += 1
        samples += size
        weightedLoss += loss * Double(size)
        self.correct += correct
        self.predictions += predictions
    }

    var meanLoss: Double { samples == 0 ? .nan : weightedLoss / Double(samples) }
    var accuracy: Double { predictions == 0 ? .nan : Double(correct) / Double(predictions) }
}

/// Keras' `binary_accuracy`: a prediction counts as right when it falls on the same side of
/// `threshold` as its target. Returns how many of the batch's predictions were right.
public func binaryAccuracyCount(predictions: Tensor, targets: Tensor, threshold: Float = 0.5) -> Int {
    precondition(predictions.shape == targets.shape, "predictions \(predictions.shape) vs targets \(targets.shape)")
    var correct = 0
    for (p, y) in zip(predictions.scalars, targets.scalars) where (p > threshold) == (y > threshold) { correct += 1 }
    return correct
}

/// Loss and accuracy of `model` over `data` in inference mode (`model.forward`: Dropout off,
/// BatchNorm on its moving statistics), as Keras' `model.evaluate` and the `val_` metrics.
///
/// Binary cross-entropy is computed from the sigmoid output p, as Keras does for a bare
/// probability: −(y·log p + (1 − y)·log(1 − p)) with p clipped to [1e-7, 1 − 1e-7]. The
/// training loss uses the logit instead (`Loss.evaluate`); the two agree to about 1e-7 unless
/// the output saturates. An empty source gives NaN for both.
public func evaluate(model: Model, loss: Loss, data: some BatchSource) -> (loss: Double, accuracy: Double) {
    var generator = RandomGenerator(seed: 0)   // the source shuffles nothing that matters here
    var totals = EpochTotals()
    for (x, y) in data.batches(epoch: 0, generator: &generator) {
        let p = model.forward(x)
        precondition(p.shape == y.shape, "predictions \(p.shape) vs targets \(y.shape)")
        totals.add(loss: inferenceLoss(loss, predictions: p, targets: y), size: x.shape[0],
                   correct: binaryAccuracyCount(predictions: p, targets: y), predictions: p.count)
    }
    return (totals.meanLoss, totals.accuracy)
}

/// The mean loss of probabilities `p` against `y` (see `evaluate` for cross-entropy's form).
func inferenceLoss(_ loss: Loss, predictions p: Tensor, targets y: Tensor) -> Double {
    var sum: Double = 0
    switch loss {
    case .meanSquaredError:
        for (a, b) in zip(p.scalars, y.scalars) { sum += Double((a - b) * (a - b)) }
    case .binaryCrossentropy:
        let epsilon: Double = 1e-7
        for (a, b) in zip(p.scalars, y.scalars) {
            let q = min(max(Double(a), epsilon), 1 - epsilon), t = Double(b)
            sum -= t * log(q) + (1 - t) * log(1 - q)
        }
    }
    return sum / Double(max(p.count, 1))
}
