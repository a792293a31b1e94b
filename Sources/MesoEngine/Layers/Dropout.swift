/// Keras `Dropout`. At inference it is the identity, which is all the foundation needs;
/// training-mode masking arrives with the backward pass.
public final class Dropout: Layer {
    public let name: String
    public let kind = "dropout"
    public var trainable = true
    public let rate: Float

    public init(name: String, rate: Float) {
        self.name = name
        self.rate = rate
    }

    public func outputShape(for inputShapes: [[Int]]) -> [Int] { inputShapes[0] }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor { inputs[0] }
}
