/// Keras `Dense` with a fused activation.
///
/// Shapes: input `[N, In]`, kernel `[In, Out]`, bias `[Out]`, output `[N, Out]`.
/// y[n, o] = act(bias[o] + Σ_i x[n, i] · kernel[i, o]).
public final class Dense: Layer {
    public let name: String
    public let kind = "dense"
    public var trainable = true
    public let units: Int
    public let activation: Activation
    public private(set) var kernel: Tensor
    public private(set) var bias: Tensor
    public private(set) var gradients: [Tensor]
    /// The latest training forward's pre-activation (the logit, behind a sigmoid), which
    /// losses computed from logits read.
    public private(set) var preActivation: Tensor?

    public init(name: String, inputUnits: Int, units: Int, activation: Activation = .linear) {
        self.name = name
        self.units = units
        self.activation = activation
        kernel = Tensor(zeros: [inputUnits, units])
        bias = Tensor(zeros: [units])
        gradients = [kernel, bias]
    }

    public func zeroGradients() { gradients = [Tensor(zeros: kernel.shape), Tensor(zeros: bias.shape)] }

    public var weightNames: [String] { ["kernel", "bias"] }
    public var weights: [Tensor] { [kernel, bias] }
    public func setWeights(_ newWeights: [Tensor]) {
        precondition(newWeights.map(\.shape) == weights.map(\.shape), "\(name): weight shapes differ")
        kernel = newWeights[0]
        bias = newWeights[1]
    }

    public func outputShape(for inputShapes: [[Int]]) -> [Int] { [inputShapes[0][0], units] }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let x = inputs[0]
        let (n, inUnits) = (x.shape[0], x.shape[1])
        precondition(inUnits == kernel.shape[0], "\(name): input has \(inUnits) units, expected \(kernel.shape[0])")
        var out = [Float](repeating: 0, count: n * units)
        for b in 0..<n {
            for o in 0..<units { out[b * units + o] = bias.scalars[o] }
            for i in 0..<inUnits {
                let xi = x.scalars[b * inUnits + i]
                for o in 0..<units { out[b * units + o] += xi * kernel.scalars[i * units + o] }
            }
        }
        if training { preActivation = Tensor(shape: [n, units], scalars: out) }
        return Tensor(shape: [n, units], scalars: out.map(activation.apply))
    }

    public func backward(_ outputGradient: Tensor, inputs: [Tensor], output: Tensor, needsInputGradients: Bool) -> [Tensor] {
        backward(preActivationGradient: activation.backward(outputGradient, output: output), input: inputs[0])
    }

    /// From dZ = dL/d(pre-activation): dKernel = xᵀ·dZ, dBias = Σ_n dZ, dx = dZ·kernelᵀ.
    /// Losses computed from the logit enter here directly.
    public func backward(preActivationGradient dZ: Tensor, input x: Tensor) -> [Tensor] {
        let (n, inUnits) = (x.shape[0], x.shape[1])
        var dx = [Float](repeating: 0, count: x.count)
        for b in 0..<n {
            for i in 0..<inUnits {
                var sum: Float = 0
                for o in 0..<units { sum += kernel.scalars[i * units + o] * dZ.scalars[b * units + o] }
                dx[b * inUnits + i] = sum
            }
        }
        if trainable {
            var dKernel = [Float](repeating: 0, count: kernel.count), dBias = [Float](repeating: 0, count: units)
            for b in 0..<n {
                for o in 0..<units { dBias[o] += dZ.scalars[b * units + o] }
                for i in 0..<inUnits {
                    let xi = x.scalars[b * inUnits + i]
                    for o in 0..<units { dKernel[i * units + o] += xi * dZ.scalars[b * units + o] }
                }
            }
            gradients[0].add(Tensor(shape: kernel.shape, scalars: dKernel))
            gradients[1].add(Tensor(shape: bias.shape, scalars: dBias))
        }
        return [Tensor(shape: x.shape, scalars: dx)]
    }
}
