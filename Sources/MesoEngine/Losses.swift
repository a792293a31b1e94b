/// Training losses, each the mean over the batch (Keras' 'sum_over_batch_size' reduction:
/// the per-sample loss is the mean over the last axis, then the sum is divided by N).
public enum Loss: String, Sendable, CaseIterable {
    /// (p − y)², the authors' choice.
    case meanSquaredError = "mse"
    /// Binary cross-entropy as Keras 3 computes it behind a sigmoid output: from the logit z,
    /// max(z, 0) − z·y + log(1 + e^−|z|), which is stable and needs no clipping.
    case binaryCrossentropy = "bce"

    /// The loss of `predictions` `[N, U]` against `targets` `[N, U]`, and where backpropagation
    /// starts. Cross-entropy reads the final Dense layer's logit from the model.
    public func evaluate(model: Model, predictions: Tensor, targets: Tensor) -> (loss: Float, seed: Model.GradientSeed) {
        precondition(predictions.shape == targets.shape, "predictions \(predictions.shape) vs targets \(targets.shape)")
        let count = Float(predictions.count)
        switch self {
        case .meanSquaredError:
            var loss: Float = 0
            var gradient = [Float](repeating: 0, count: predictions.count)
            for i in predictions.scalars.indices {
                let d = predictions.scalars[i] - targets.scalars[i]
                loss += d * d
                gradient[i] = 2 * d / count
            }
            return (loss / count, .output(Tensor(shape: predictions.shape, scalars: gradient)))
        case .binaryCrossentropy:
            guard let dense = model.layers.last as? Dense, dense.activation == .sigmoid, let z = dense.preActivation else {
                preconditionFailure("binary cross-entropy from logits needs a training forward ending in Dense(sigmoid)")
            }
            var loss: Float = 0
            var gradient = [Float](repeating: 0, count: z.count)
            for i in z.scalars.indices {
                let (x, y) = (z.scalars[i], targets.scalars[i])
                loss += max(x, 0) - x * y + log1pf((-abs(x)).exponential)
                gradient[i] = (1 / (1 + (-x).exponential) - y) / count
            }
            return (loss / count, .logit(Tensor(shape: z.shape, scalars: gradient)))
        }
    }
}

#if os(Linux)
import Glibc
#else
import Darwin
#endif
