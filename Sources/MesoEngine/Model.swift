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

    /// For each node, the nodes that read its output, in node order.
    private var readers: [[Int]] {
        var readers = [[Int]](repeating: [], count: nodes.count)
        for (i, node) in nodes.enumerated() { for j in node.inputs where j >= 0 { readers[j].append(i) } }
        return readers
    }

    /// The layers of one Keras family (`conv2d`, `batch_normalization`, `dense`) in creation order.
    public func layers(ofKind kind: String) -> [any Layer] { layers.filter { $0.kind == kind } }

    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// The layers in the order Keras lists a functional model's layers (and saves them): by
    /// depth, the longest path to the output, deepest first; creation order within a depth.
    /// Keras' legacy loader assigns weights by this position, so saved files must follow it.
    /// For a chain like Meso-4 it is the creation order; MesoInception's branches interleave.
    public var kerasOrderedLayers: [any Layer] {
        var depth = [Int](repeating: 0, count: nodes.count)
        for i in stride(from: nodes.count - 1, through: 0, by: -1) {
            for j in nodes[i].inputs where j >= 0 { depth[j] = max(depth[j], depth[i] + 1) }
        }
        return nodes.indices.sorted { (depth[$0], -$0) > (depth[$1], -$1) }.map { nodes[$0].layer }
    }

    /// Every node's output for input `x` `[N] + inputShape`, in node order. The last is the model output.
    public func forwardAll(_ x: Tensor, training: Bool = false) -> [Tensor] {
        precondition(Array(x.shape.dropFirst()) == inputShape,
                     "\(name) expects input [N] + \(inputShape), got \(x.shape)")
        _ = AllocatorTuning.applied
        var outputs: [Tensor] = []
        outputs.reserveCapacity(nodes.count)
        for node in nodes {
            let inputs = node.inputs.map { $0 < 0 ? x : outputs[$0] }
            outputs.append(node.layer.forward(inputs, training: training))
        }
        return outputs
    }

    /// The model output for input `x` `[N] + inputShape`.
    ///
    /// A batch is pushed through the graph one image at a time, images spread over the threads:
    /// one image's activations stay in a core's L2 cache, and a batch never allocates
    /// batch-sized buffers. A single image uses the threads inside each layer instead.
    public func forward(_ x: Tensor, training: Bool = false) -> Tensor {
        precondition(Array(x.shape.dropFirst()) == inputShape,
                     "\(name) expects input [N] + \(inputShape), got \(x.shape)")
        return forwardByImage(x, through: nodes.count, training: training)
    }

    /// The output of node `end − 1`, one image at a time across the threads (see `forward`).
    private func forwardByImage(_ x: Tensor, through end: Int, training: Bool) -> Tensor {
        _ = AllocatorTuning.applied
        let n = x.shape[0]
        if n <= 1 { return forwardReleasing(x, through: end, training: training) }
        var parts = [Tensor?](repeating: nil, count: n)
        parts.withUnsafeMutableBufferPointer { slots in
            let slots = slots
            Parallelism.forEachChunk(n) { images in
                for i in images { slots[i] = forwardReleasing(x.batchSlice(i..<(i + 1)), through: end, training: training) }
            }
        }
        return Tensor.concatenatingBatches(parts.map { $0! })
    }

    /// Every node's output for a training step, as `forwardAll(x, training: true)` gives, except
    /// for the frozen stem: the leading chain of nodes that no trainable layer precedes and that
    /// act the same in training and inference (no Dropout; BatchNormalization frozen). It runs
    /// through the fused, image-parallel inference path. Backward never reads the stem's
    /// outputs, so only its last one is kept; the others are empty tensors.
    public func forwardForTraining(_ x: Tensor) -> [Tensor] {
        let readers = self.readers
        var stem = 0
        for (i, node) in nodes.enumerated() {
            guard !node.layer.hasTrainableWeights, !(node.layer is Dropout), node.inputs == [i - 1], readers[i] == [i + 1] else { break }
            stem = i + 1
        }
        guard stem > 0 else { return forwardAll(x, training: true) }
        var outputs = [Tensor](repeating: Tensor(zeros: [0]), count: stem - 1)
        outputs.append(forwardByImage(x, through: stem, training: false))
        for node in nodes[stem...] {
            let inputs = node.inputs.map { $0 < 0 ? x : outputs[$0] }
            outputs.append(node.layer.forward(inputs, training: true))
        }
        return outputs
    }

    /// Runs the graph, releasing each intermediate as soon as nothing later reads it.
    ///
    /// At inference a Conv2D read only by a BatchNormalization, read only by a MaxPooling2D,
    /// runs as one fused kernel (either follower may be absent), and so does a BatchNormalization
    /// read only by a MaxPooling2D: the same arithmetic without writing and re-reading the
    /// largest tensors. `forwardAll` keeps every layer separate.
    private func forwardReleasing(_ x: Tensor, through end: Int, training: Bool) -> Tensor {
        let readers = self.readers
        func soleNextReader(_ j: Int) -> (any Layer)? {
            readers[j] == [j + 1] ? nodes[j + 1].layer : nil
        }
        var outputs = [Tensor?](repeating: nil, count: nodes.count)
        var i = 0
        while i < end {
            let node = nodes[i]
            let inputs = node.inputs.map { $0 < 0 ? x : outputs[$0]! }
            var last = i
            if !training, let conv = node.layer as? Conv2D {
                let batchNorm = last + 1 < end ? soleNextReader(last) as? BatchNormalization : nil
                if batchNorm != nil { last += 1 }
                var pool = last + 1 < end ? soleNextReader(last) as? MaxPooling2D : nil
                if let p = pool, p.tilesExactly(conv.outputShape(for: [inputs[0].shape])) { last += 1 } else { pool = nil }
                outputs[last] = conv.forward(inputs[0], then: batchNorm, pool)
            } else if !training, let batchNorm = node.layer as? BatchNormalization, i + 1 < end,
                      let pool = soleNextReader(i) as? MaxPooling2D, pool.tilesExactly(inputs[0].shape) {
                last += 1
                outputs[last] = batchNorm.forward(inputs[0], thenPool: pool.poolSize)
            } else {
                outputs[i] = node.layer.forward(inputs, training: training)
            }
            for j in node.inputs where j >= 0 && readers[j].last! <= last { outputs[j] = nil }
            i = last + 1
        }
        return outputs[end - 1]!
    }

    // MARK: Training

    /// A weight an optimizer may change: `layer.weights[index]`, whose gradient is `layer.gradients[index]`.
    public struct Parameter {
        public let layer: any Layer
        public let index: Int
        public var value: Tensor { layer.weights[index] }
        public var gradient: Tensor { layer.gradients[index] }
    }

    /// The trainable weights in node order (kernel, bias; gamma, beta) of trainable layers.
    public var trainableParameters: [Parameter] {
        layers.filter(\.trainable).flatMap { layer in layer.gradients.indices.map { Parameter(layer: layer, index: $0) } }
    }

    public func zeroGradients() { for layer in layers { layer.zeroGradients() } }

    /// Where backpropagation starts: dL/d(model output), or dL/d(logit) of a final Dense whose
    /// activation the loss folded in (binary cross-entropy from logits).
    public enum GradientSeed {
        case output(Tensor)
        case logit(Tensor)
    }

    /// Backpropagates through the graph in exact reverse node order, adding weight gradients
    /// into the trainable layers. `outputs` are `forwardAll(x, training: true)`'s.
    ///
    /// A node runs its backward only when a trainable weighted layer sits at or before it:
    /// with the convolutions frozen, backpropagation stops at the dense head.
    public func backward(_ outputs: [Tensor], input x: Tensor, seed: GradientSeed) {
        var reaches = [Bool](repeating: false, count: nodes.count)
        for (i, node) in nodes.enumerated() {
            reaches[i] = node.layer.hasTrainableWeights || node.inputs.contains { $0 >= 0 && reaches[$0] }
        }
        var gradients = [Tensor?](repeating: nil, count: nodes.count)
        let last = nodes.count - 1
        for i in stride(from: last, through: 0, by: -1) where reaches[i] {
            let node = nodes[i]
            let inputs = node.inputs.map { $0 < 0 ? x : outputs[$0] }
            let inputGradients: [Tensor]
            if i == last, case .logit(let dZ) = seed {
                guard let dense = node.layer as? Dense else { preconditionFailure("a logit seed needs a final Dense layer") }
                inputGradients = dense.backward(preActivationGradient: dZ, input: inputs[0])
            } else {
                guard let gradient = i == last ? seed.outputGradient : gradients[i] else { continue }
                inputGradients = node.layer.backward(gradient, inputs: inputs, output: outputs[i],
                                                     needsInputGradients: node.inputs.contains { $0 >= 0 && reaches[$0] })
            }
            for (j, g) in zip(node.inputs, inputGradients) where j >= 0 && reaches[j] {
                if gradients[j] == nil { gradients[j] = g } else { gradients[j]!.add(g) }
            }
            gradients[i] = nil
        }
    }
}

// MARK: Gradients at an inner node

extension Model {
    /// One inner node's output and the gradient that reaches it, for input `x`.
    public struct NodeGradient {
        /// The node's output, `[N] + its shape`.
        public let activation: Tensor
        /// The seed carried back to the node's output: `activation`'s shape.
        public let gradient: Tensor
        /// The model output.
        public let output: Tensor
    }

    /// Runs `x` through the model and backpropagates `seed` down to the output of the node
    /// whose layer is named `layerName`, in inference mode: BatchNormalization uses its moving
    /// statistics and Dropout is the identity (so it is skipped both ways). This is what
    /// Grad-CAM needs: a feature map and d(score)/d(feature map).
    ///
    /// The node must cut the graph: no node after it reads the model input or a node before
    /// it, so its output alone determines the model output. Up to the node the model runs the
    /// fused inference path `forward` takes, so `output` equals `forward(x)`; only the nodes
    /// after it are kept for backward. Every layer after the node must be frozen
    /// (`trainable == false`): backward then adds no weight gradients, the call only reads
    /// the model, and one model may serve many threads.
    public func gradient(at layerName: String, input x: Tensor, seed: GradientSeed) -> NodeGradient {
        precondition(Array(x.shape.dropFirst()) == inputShape,
                     "\(name) expects input [N] + \(inputShape), got \(x.shape)")
        guard let cut = nodes.firstIndex(where: { $0.layer.name == layerName }) else {
            preconditionFailure("\(name) has no layer named \(layerName)")
        }
        let tail = nodes.indices.dropFirst(cut + 1)
        precondition(tail.allSatisfy { nodes[$0].inputs.allSatisfy { $0 >= cut } },
                     "\(layerName) does not cut \(name): a later node reads an earlier one")
        precondition(tail.allSatisfy { !nodes[$0].layer.hasTrainableWeights },
                     "freeze the layers after \(layerName) first: backward would change their gradients")
        precondition(!tail.isEmpty || seed.outputGradient != nil, "a logit seed needs a Dense after \(layerName)")

        // Forward: fused up to the cut, then node by node, keeping every output of the tail.
        var outputs = [Int: Tensor]()
        outputs[cut] = forwardByImage(x, through: cut + 1, training: false)
        for i in tail {
            let node = nodes[i]
            let inputs = node.inputs.map { outputs[$0]! }
            outputs[i] = node.layer is Dropout ? inputs[0] : node.layer.forward(inputs, training: false)
        }

        // Backward: exact reverse node order, gradients summed where a node has several readers.
        let last = nodes.count - 1
        var gradients = [Int: Tensor]()
        if case .output(let g) = seed { gradients[last] = g }
        for i in tail.reversed() {
            let node = nodes[i]
            let inputs = node.inputs.map { outputs[$0]! }
            let inputGradients: [Tensor]
            if i == last, case .logit(let dZ) = seed {
                guard let dense = node.layer as? Dense else { preconditionFailure("a logit seed needs a final Dense layer") }
                inputGradients = dense.backward(preActivationGradient: dZ, input: inputs[0])
            } else if let gradient = gradients[i] {
                inputGradients = node.layer is Dropout
                    ? [gradient]
                    : node.layer.backward(gradient, inputs: inputs, output: outputs[i]!, needsInputGradients: true)
            } else {
                continue   // nothing of the seed reaches this node
            }
            for (j, g) in zip(node.inputs, inputGradients) {
                if gradients[j] == nil { gradients[j] = g } else { gradients[j]!.add(g) }
            }
            gradients[i] = nil
        }
        let activation = outputs[cut]!
        return NodeGradient(activation: activation, gradient: gradients[cut] ?? Tensor(zeros: activation.shape),
                            output: outputs[last]!)
    }
}

extension Model.GradientSeed {
    var outputGradient: Tensor? {
        if case .output(let g) = self { return g }
        return nil
    }
}
