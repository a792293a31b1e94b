/// Keras `Concatenate(axis=-1)`: joins NHWC tensors of one spatial size along channels, in input order.
///
/// Shapes: inputs `[N, H, W, C_i]`, output `[N, H, W, Σ C_i]`.
public final class Concatenate: Layer {
    public let name: String
    public let kind = "concatenate"
    public var trainable = true

    public init(name: String) { self.name = name }

    public func outputShape(for inputShapes: [[Int]]) -> [Int] {
        var s = inputShapes[0]
        s[s.count - 1] = inputShapes.reduce(0) { $0 + $1[$1.count - 1] }
        return s
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let shape = outputShape(for: inputs.map(\.shape))
        let total = shape[shape.count - 1]
        let pixels = inputs[0].count / inputs[0].shape[inputs[0].rank - 1]
        // Every element is written once below. MesoInception joins 1–4 channels per input, too
        // few for a memmove call per pixel to pay, so it is a plain loop.
        var out = [Float](uninitializedCount: pixels * total)
        var offset = 0
        for x in inputs {
            let c = x.shape[x.rank - 1]
            precondition(x.count / c == pixels, "\(name): inputs differ in spatial size")
            x.scalars.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    let s = src.baseAddress!, d = dst.baseAddress! + offset
                    for p in 0..<pixels {
                        for ch in 0..<c { d[p * total + ch] = s[p * c + ch] }
                    }
                }
            }
            offset += c
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// Splits the gradient back along channels, in input order.
    public func backward(_ outputGradient: Tensor, inputs: [Tensor], output: Tensor, needsInputGradients: Bool) -> [Tensor] {
        let total = output.shape[output.rank - 1]
        let pixels = output.count / total
        var offset = 0
        return inputs.map { x in
            let c = x.shape[x.rank - 1]
            var dx = [Float](repeating: 0, count: x.count)
            for p in 0..<pixels {
                for ch in 0..<c { dx[p * c + ch] = outputGradient.scalars[p * total + offset + ch] }
            }
            offset += c
            return Tensor(shape: x.shape, scalars: dx)
        }
    }
}
