/// Keras `Dropout`: the identity at inference and at rate 0 (as Keras 3 returns its input
/// unchanged then). In training each element is kept with probability 1 − rate and scaled by
/// 1 / (1 − rate) (inverted dropout), drawn from the layer's seeded generator; the mask is
/// kept for `backward`.
///
/// Only a training forward writes the mask. An inference forward reads nothing and writes
/// nothing, because `Model.forward` runs one model on several threads at once (validation
/// during training included), and a shared write there corrupts the heap.
public final class Dropout: Layer {
    public let name: String
    public let kind = "dropout"
    public var trainable = true
    public let rate: Float
    /// The generator the masks come from; checkpoints save and restore it.
    public var generator: RandomGenerator
    private var mask: [Float]?

    public init(name: String, rate: Float, seed: UInt64 = 0) {
        precondition((0..<1).contains(rate), "dropout rate must be in [0, 1)")
        self.name = name
        self.rate = rate
        generator = RandomGenerator(seed: seed)
    }

    public func outputShape(for inputShapes: [[Int]]) -> [Int] { inputShapes[0] }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        guard training && rate > 0 else { return inputs[0] }
        let keep = 1 - rate, scale = 1 / keep
        let mask = (0..<inputs[0].count).map { _ in generator.nextUnitFloat() < keep ? scale : 0 }
        self.mask = mask
        return Tensor(shape: inputs[0].shape, scalars: zip(inputs[0].scalars, mask).map(*))
    }

    public func backward(_ outputGradient: Tensor, inputs: [Tensor], output: Tensor, needsInputGradients: Bool) -> [Tensor] {
        guard let mask else { return [outputGradient] }
        return [Tensor(shape: outputGradient.shape, scalars: zip(outputGradient.scalars, mask).map(*))]
    }
}
