/// A Keras functional model: layers wired into a directed acyclic graph.
///
/// Nodes are stored in creation order, which is also a valid evaluation order (a node's inputs
/// are created before it). Keras numbers its layers in that same order, so weight files are
/// matched against `layers(ofKind:)` by creation order.
public final class Model {
    /// One layer application. Input `-1` is the model input; others index earlier nodes.
    public struct Node {
        public let layer: any Layer
        public let inputs: [Int]
    }

    public let name: String
    /// The input shape without the batch dimension, e.g. `[256, 256, 3]`.
    public let inputShape: [Int]
    public private(set) var nodes: [Node] = []

    public init(name: String, inputShape: [Int]) {
        self.name = name
        self.inputShape = inputShape
    }

    /// A handle to a node's output, for wiring: `-1` is the model input.
    public struct Output: Sendable, Hashable {
        public let node: Int
    }

    public var input: Output { Output(node: -1) }

    /// Appends `layer` applied to `inputs` and returns its output handle.
    @discardableResult
    public func add(_ layer: any Layer, _ inputs: Output...) -> Output {
        precondition(inputs.allSatisfy { $0.node < nodes.count }, "inputs must come from earlier nodes")
        precondition(!nodes.contains { $0.layer.name == layer.name }, "duplicate layer name \(layer.name)")
        nodes.append(Node(layer: layer, inputs: inputs.map(\.node)))
        return Output(node: nodes.count - 1)
    }

    public var layers: [any Layer] { nodes.map(\.layer) }

    /// The layers of one Keras family (`conv2d`, `batch_normalization`, `dense`) in creation order.
    public func layers(ofKind kind: String) -> [any Layer] { layers.filter { $0.kind == kind } }

    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// Every node's output for input `x` `[N] + inputShape`, in node order. The last is the model output.
    public func forwardAll(_ x: Tensor, training: Bool = false) -> [Tensor] {
        precondition(Array(x.shape.dropFirst()) == inputShape,
                     "\(name) expects input [N] + \(inputShape), got \(x.shape)")
        var outputs: [Tensor] = []
        outputs.reserveCapacity(nodes.count)
        for node in nodes {
            let inputs = node.inputs.map { $0 < 0 ? x : outputs[$0] }
            outputs.append(node.layer.forward(inputs, training: training))
        }
        return outputs
    }

    /// The model output for input `x`, releasing each intermediate once nothing later reads it.
    public func forward(_ x: Tensor, training: Bool = false) -> Tensor {
        precondition(Array(x.shape.dropFirst()) == inputShape,
                     "\(name) expects input [N] + \(inputShape), got \(x.shape)")
        var lastUse = [Int](repeating: -1, count: nodes.count)
        for (i, node) in nodes.enumerated() { for j in node.inputs where j >= 0 { lastUse[j] = i } }
        var outputs = [Tensor?](repeating: nil, count: nodes.count)
        for (i, node) in nodes.enumerated() {
            let inputs = node.inputs.map { $0 < 0 ? x : outputs[$0]! }
            outputs[i] = node.layer.forward(inputs, training: training)
            for j in node.inputs where j >= 0 && lastUse[j] == i { outputs[j] = nil }
        }
        return outputs[nodes.count - 1]!
    }
}
