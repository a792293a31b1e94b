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

    public init(name: String, inputUnits: Int, units: Int, activation: Activation = .linear) {
        self.name = name
        self.units = units
        self.activation = activation
        kernel = Tensor(zeros: [inputUnits, units])
        bias = Tensor(zeros: [units])
    }

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
            for o in 0..<units { out[b * units + o] = activation.apply(out[b * units + o]) }
        }
        return Tensor(shape: [n, units], scalars: out)
    }
}
