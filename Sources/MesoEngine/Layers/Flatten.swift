/// Keras `Flatten`: `[N, H, W, C]` → `[N, H·W·C]` in (h, w, c) order, which for NHWC storage
/// is the memory order itself, so no data moves.
public final class Flatten: Layer {
    public let name: String
    public let kind = "flatten"
    public var trainable = true

    public init(name: String) { self.name = name }

    public func outputShape(for inputShapes: [[Int]]) -> [Int] {
        let s = inputShapes[0]
        return [s[0], s.dropFirst().reduce(1, *)]
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        inputs[0].reshaped(outputShape(for: [inputs[0].shape]))
    }

    public func backward(_ outputGradient: Tensor, inputs: [Tensor], output: Tensor, needsInputGradients: Bool) -> [Tensor] {
        [outputGradient.reshaped(inputs[0].shape)]
    }
}
