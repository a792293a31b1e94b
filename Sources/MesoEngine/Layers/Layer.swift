/// A Keras-style layer: a named operation with optional weights.
///
/// `forward` is pure with respect to the layer's weights, so one model can serve many threads
/// at inference: a forward with `training: false` writes no state at all, not even to clear
/// what a training forward kept (`Model.forward` runs validation image-parallel). Layers keep Keras' weight names and order (`kernel`, `bias`; `gamma`, `beta`,
/// `moving_mean`, `moving_variance`) so that HDF5 files map onto them one to one.
public protocol Layer: AnyObject {
    /// The Keras layer name, e.g. `conv2d_1`.
    var name: String { get }
    /// The Keras layer family used to match weight files: `conv2d`, `batch_normalization`, `dense`,
    /// or the name of a weightless layer.
    var kind: String { get }
    /// Whether an optimizer may change this layer's weights.
    var trainable: Bool { get set }
    /// Keras weight names in Keras' order; empty for weightless layers.
    var weightNames: [String] { get }
    /// The current weights, in `weightNames` order.
    var weights: [Tensor] { get }
    /// Replaces the weights. The caller has checked the shapes against `weights`.
    func setWeights(_ newWeights: [Tensor])
    /// The output shape for these input shapes (batch dimension included).
    func outputShape(for inputShapes: [[Int]]) -> [Int]
    /// Computes the layer's output. `training` switches Dropout and BatchNormalization to their
    /// training behaviour; a training forward stores what `backward` needs (batch statistics,
    /// dropout masks), as llm.c's forward functions do.
    func forward(_ inputs: [Tensor], training: Bool) -> Tensor
    /// Given dL/d(output) and the inputs and output of the latest forward, returns dL/d(input)
    /// for every input, and adds dL/d(weight) into `gradients` when the layer is trainable.
    /// When `needsInputGradients` is false (the layer reads the model input) a layer may skip
    /// computing dL/d(input) and return anything.
    func backward(_ outputGradient: Tensor, inputs: [Tensor], output: Tensor, needsInputGradients: Bool) -> [Tensor]
    /// dL/d(weight) for the trainable weights, which lead `weights` (kernel, bias; gamma, beta).
    var gradients: [Tensor] { get }
    /// Clears `gradients` before a new batch.
    func zeroGradients()
}

extension Layer {
    public var weightNames: [String] { [] }
    public var weights: [Tensor] { [] }
    public func setWeights(_ newWeights: [Tensor]) {
        precondition(newWeights.isEmpty, "\(name) has no weights")
    }
    public var parameterCount: Int { weights.reduce(0) { $0 + $1.count } }
    /// Whether an optimizer changes this layer: it is trainable and has trainable weights.
    public var hasTrainableWeights: Bool { trainable && !gradients.isEmpty }
    public var gradients: [Tensor] { [] }
    public func zeroGradients() {}

    /// `backward` with every input gradient computed.
    public func backward(_ outputGradient: Tensor, inputs: [Tensor], output: Tensor) -> [Tensor] {
        backward(outputGradient, inputs: inputs, output: output, needsInputGradients: true)
    }
}

/// The activation a Conv2D or Dense layer applies to its output, as Keras' `activation=` argument.
public enum Activation: String, Sendable {
    case linear, relu, sigmoid

    /// dL/d(pre-activation) from dL/d(output) and the output y: ReLU passes where y > 0
    /// (TensorFlow's ReluGrad), sigmoid multiplies by y·(1 − y).
    func backward(_ outputGradient: Tensor, output: Tensor) -> Tensor {
        switch self {
        case .linear:
            return outputGradient
        case .relu, .sigmoid:
            var scalars = [Float](uninitializedCount: output.count)
            outputGradient.scalars.withUnsafeBufferPointer { gb in
                output.scalars.withUnsafeBufferPointer { yb in
                    scalars.withUnsafeMutableBufferPointer { db in
                        let g = gb.baseAddress!, y = yb.baseAddress!, d = db.baseAddress!
                        Parallelism.forEachChunk(output.count, minimumPerThread: 1 << 16) { range in
                            if self == .relu {
                                for i in range { d[i] = y[i] > 0 ? g[i] : 0 }
                            } else {
                                for i in range { d[i] = g[i] * (y[i] * (1 - y[i])) }
                            }
                        }
                    }
                }
            }
            return Tensor(shape: output.shape, scalars: scalars)
        }
    }

    @inline(__always)
    func apply(_ x: Float) -> Float {
        switch self {
        case .linear: x
        case .relu: max(x, 0)
        case .sigmoid: 1 / (1 + (-x).exponential)
        }
    }
}

extension Float {
    /// e^x through libm, the same `expf` every backend uses.
    @inline(__always) var exponential: Float { expf(self) }
}

#if os(Linux)
import Glibc
#else
import Darwin
#endif
