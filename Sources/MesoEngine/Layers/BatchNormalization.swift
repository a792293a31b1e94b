/// Keras `BatchNormalization` over the channel axis (the last one).
///
/// Shapes: input and output `[..., C]`; gamma, beta, moving_mean, moving_variance `[C]`.
/// Inference: y = x · s + (beta − mean · s) with s = gamma / √(variance + ε), the form
/// TensorFlow's `tf.nn.batch_normalization` evaluates. ε = 1e-3, Keras' default.
///
/// Training (only when `trainable`, as in Keras 3; a frozen layer stays in inference mode):
/// mean_B and the biased var_B over (N, H, W), y = (x − mean_B) · s_B + beta with
/// s_B = gamma / √(var_B + ε); the moving statistics move by `momentum` (0.99):
/// moving = moving · momentum + batch · (1 − momentum).
public final class BatchNormalization: Layer {
    public let name: String
    public let kind = "batch_normalization"
    public var trainable = true
    public let epsilon: Float
    public private(set) var gamma: Tensor
    public private(set) var beta: Tensor
    public private(set) var movingMean: Tensor
    public private(set) var movingVariance: Tensor
    public let momentum: Float
    public private(set) var gradients: [Tensor]
    /// The latest training forward's batch mean and 1/√(var_B + ε), for `backward`.
    private var batchMean: [Float] = []
    private var batchInverseStd: [Float] = []

    public init(name: String, channels: Int, epsilon: Float = 1e-3, momentum: Float = 0.99) {
        self.name = name
        self.epsilon = epsilon
        self.momentum = momentum
        gamma = Tensor(repeating: 1, shape: [channels])
        beta = Tensor(zeros: [channels])
        movingMean = Tensor(zeros: [channels])
        movingVariance = Tensor(repeating: 1, shape: [channels])
        gradients = [Tensor(zeros: [channels]), Tensor(zeros: [channels])]
    }

    public func zeroGradients() { gradients = [Tensor(zeros: gamma.shape), Tensor(zeros: beta.shape)] }

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
        let c = gamma.count
        precondition(x.shape.last == c, "\(name): input has \(x.shape.last ?? 0) channels, expected \(c)")
        guard training && trainable else {
            let (scale, shift) = inferenceAffine
            return Elementwise.channelAffine(x, scale: scale, shift: shift)
        }
        let count = x.count / c
        let (meanF, varianceF) = x.scalars.withUnsafeBufferPointer { xb -> ([Float], [Float]) in
            let xp = xb.baseAddress!
            let mean = Elementwise.centeredProductSums(xp, shift: nil, nil, shift: nil, pixels: count, channels: c)
                .map { Float($0 / Double(count)) }
            let variance = Elementwise.centeredProductSums(xp, shift: mean, xp, shift: mean, pixels: count, channels: c)
                .map { Float($0 / Double(count)) }
            return (mean, variance)
        }
        batchMean = meanF
        batchInverseStd = varianceF.map { 1 / ($0 + epsilon).squareRoot() }
        var scale = [Float](repeating: 0, count: c), shift = [Float](repeating: 0, count: c)
        for ch in 0..<c {
            scale[ch] = batchInverseStd[ch] * gamma.scalars[ch]
            shift[ch] = beta.scalars[ch] - meanF[ch] * scale[ch]
            movingMean.scalars[ch] = movingMean.scalars[ch] * momentum + meanF[ch] * (1 - momentum)
            movingVariance.scalars[ch] = movingVariance.scalars[ch] * momentum + varianceF[ch] * (1 - momentum)
        }
        return Elementwise.channelAffine(x, scale: scale, shift: shift)
    }

    /// Inference only: this normalisation with a following non-overlapping MaxPooling2D applied
    /// before the output is stored (see `Elementwise.channelAffineMaxPool`).
    func forward(_ x: Tensor, thenPool pool: Int) -> Tensor {
        precondition(x.shape.last == gamma.count, "\(name): input has \(x.shape.last ?? 0) channels, expected \(gamma.count)")
        let (scale, shift) = inferenceAffine
        return Elementwise.channelAffineMaxPool(x, scale: scale, shift: shift, pool: pool)
    }

    /// Training mode, with x̂ = (x − mean_B) · istd and M = N·H·W (sums in Double):
    /// dbeta = Σ dy, dgamma = Σ dy · x̂, dx = gamma · istd / M · (M · dy − dbeta − x̂ · dgamma).
    /// Inference mode (frozen): dx = dy · gamma / √(moving_var + ε).
    public func backward(_ outputGradient: Tensor, inputs: [Tensor], output: Tensor, needsInputGradients: Bool) -> [Tensor] {
        let x = inputs[0], dy = outputGradient.scalars
        let c = gamma.count, count = x.count / c
        guard trainable, batchMean.count == c else {
            let scale = inferenceAffine.scale
            return [Tensor(shape: x.shape, scalars: dy.indices.map { dy[$0] * scale[$0 % c] })]
        }
        // dx = A·dy + B·x + C per channel, the formula above with x̂ expanded.
        let m = Double(count)
        var dBeta: [Double] = [], dGamma: [Double] = []
        var dx = [Float](uninitializedCount: x.count)
        x.scalars.withUnsafeBufferPointer { xb in
            dy.withUnsafeBufferPointer { gb in
                let xp = xb.baseAddress!, gp = gb.baseAddress!
                dBeta = Elementwise.centeredProductSums(gp, shift: nil, nil, shift: nil, pixels: count, channels: c)
                dGamma = Elementwise.centeredProductSums(gp, shift: nil, xp, shift: batchMean, pixels: count, channels: c)
                    .enumerated().map { $1 * Double(batchInverseStd[$0]) }
                var a = [Float](repeating: 0, count: c), b = a, k = a
                for ch in 0..<c {
                    let gi = Double(gamma.scalars[ch]) * Double(batchInverseStd[ch])
                    let istd = Double(batchInverseStd[ch])
                    a[ch] = Float(gi)
                    b[ch] = Float(-gi * istd * dGamma[ch] / m)
                    k[ch] = Float(-gi * dBeta[ch] / m + gi * istd * dGamma[ch] * Double(batchMean[ch]) / m)
                }
                let coefficients = a + b + k
                dx.withUnsafeMutableBufferPointer { db in
                    coefficients.withUnsafeBufferPointer { cb in
                        let dp = db.baseAddress!, ap = cb.baseAddress!, bp = ap + c, kp = ap + 2 * c
                        Parallelism.forEachChunk(count, minimumPerThread: 4096) { pixels in
                            for p in pixels {
                                let row = p &* c
                                for ch in 0..<c { dp[row + ch] = ap[ch] * gp[row + ch] + bp[ch] * xp[row + ch] + kp[ch] }
                            }
                        }
                    }
                }
            }
        }
        gradients[0].add(Tensor(shape: [c], scalars: dGamma.map { Float($0) }))
        gradients[1].add(Tensor(shape: [c], scalars: dBeta.map { Float($0) }))
        return [Tensor(shape: x.shape, scalars: dx)]
    }
}
