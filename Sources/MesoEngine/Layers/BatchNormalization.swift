/// Keras `BatchNormalization` over the channel axis (the last one).
///
/// Shapes: input and output `[..., C]`; gamma, beta, moving_mean, moving_variance `[C]`.
/// Inference: y = x · s + (beta − mean · s) with s = gamma / √(variance + ε), the form
/// TensorFlow's `tf.nn.batch_normalization` evaluates. ε = 1e-3, Keras' default.
public final class BatchNormalization: Layer {
    public let name: String
    public let kind = "batch_normalization"
    public var trainable = true
    public let epsilon: Float
    public private(set) var gamma: Tensor
    public private(set) var beta: Tensor
    public private(set) var movingMean: Tensor
    public private(set) var movingVariance: Tensor

    public init(name: String, channels: Int, epsilon: Float = 1e-3) {
        self.name = name
        self.epsilon = epsilon
        gamma = Tensor(repeating: 1, shape: [channels])
        beta = Tensor(zeros: [channels])
        movingMean = Tensor(zeros: [channels])
        movingVariance = Tensor(repeating: 1, shape: [channels])
    }

    public var weightNames: [String] { ["gamma", "beta", "moving_mean", "moving_variance"] }
    public var weights: [Tensor] { [gamma, beta, movingMean, movingVariance] }
    public func setWeights(_ newWeights: [Tensor]) {
        precondition(newWeights.map(\.shape) == weights.map(\.shape), "\(name): weight shapes differ")
        gamma = newWeights[0]
        beta = newWeights[1]
        movingMean = newWeights[2]
        movingVariance = newWeights[3]
    }

    public func outputShape(for inputShapes: [[Int]]) -> [Int] { inputShapes[0] }

    /// The inference transform as y = x · scale + shift per channel.
    var inferenceAffine: (scale: [Float], shift: [Float]) {
        let c = gamma.count
        var scale = [Float](repeating: 0, count: c)
        var shift = [Float](repeating: 0, count: c)
        for i in 0..<c {
            scale[i] = gamma.scalars[i] / (movingVariance.scalars[i] + epsilon).squareRoot()
            shift[i] = beta.scalars[i] - movingMean.scalars[i] * scale[i]
        }
        return (scale, shift)
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let x = inputs[0]
        precondition(x.shape.last == gamma.count,
                     "\(name): input has \(x.shape.last ?? 0) channels, expected \(gamma.count)")
        let (scale, shift) = inferenceAffine
        return Elementwise.channelAffine(x, scale: scale, shift: shift)
    }
}
