/// Keras `LeakyReLU`: y = x for x ≥ 0, else α·x. MesoNet uses α = 0.1.
public final class LeakyReLU: Layer {
    public let name: String
    public let kind = "leaky_re_lu"
    public var trainable = true
    public let alpha: Float

    public init(name: String, alpha: Float = 0.1) {
        self.name = name
        self.alpha = alpha
    }

    public func outputShape(for inputShapes: [[Int]]) -> [Int] { inputShapes[0] }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let alpha = alpha
        return Tensor(shape: inputs[0].shape, scalars: inputs[0].scalars.map { $0 >= 0 ? $0 : alpha * $0 })
    }

    /// dx = dy where x > 0, else α · dy.
    public func backward(_ outputGradient: Tensor, inputs: [Tensor], output: Tensor, needsInputGradients: Bool) -> [Tensor] {
        let alpha = alpha
        return [Tensor(shape: inputs[0].shape,
                       scalars: zip(outputGradient.scalars, inputs[0].scalars).map { $1 > 0 ? $0 : alpha * $0 })]
    }
}
