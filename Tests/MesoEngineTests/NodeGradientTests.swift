@testable import MesoEngine
import Testing

/// `Model.gradient(at:input:seed:)`, the inference-mode backward that explanations use.
@Suite struct NodeGradientTests {
    /// On `GradientCheckTests.smallModel`, frozen, cut at the first max-pool, whose output feeds
    /// two branches (so its gradient is a sum) through a BatchNormalization in inference mode:
    /// the gradient equals finite differences of Σ outputs through the layers after the node, the
    /// output equals `forward`, a logit seed gives the same gradient scaled by 1/(y(1 − y)), and
    /// no layer's weight gradients change.
    @Test func gradientAtAnInnerNodeMatchesFiniteDifferences() {
        let (model, _) = GradientCheckTests.smallModel()
        for layer in model.layers { layer.trainable = false }
        let x = GradientCheckTests.scaled(randomTensor([2, 8, 8, 2], seed: 4242), 1, plus: 0.5)
        let layer = "max_pooling2d_1"
        let ones = Tensor(repeating: 1, shape: [2, 1])
        let result = model.gradient(at: layer, input: x, seed: .output(ones))
        #expect(result.output == model.forward(x))
        #expect(result.activation.shape == [2, 4, 4, 3] && result.gradient.shape == result.activation.shape)
        #expect(result.gradient.scalars.contains { $0 != 0 })

        let cut = model.nodes.firstIndex { $0.layer.name == layer }!
        let prefix = Array(model.forwardAll(x).prefix(cut + 1))
        GradientCheckTests.Checker().check("gradient(at: \(layer))", analytic: result.gradient, at: result.activation,
                                           minimumCompared: result.activation.count / 2) { activation in
            var outputs = prefix
            outputs[cut] = activation
            for node in model.nodes[(cut + 1)...] {
                outputs.append(node.layer.forward(node.inputs.map { outputs[$0] }, training: false))
            }
            let loss = GradientCheckTests.dot(outputs.last!, ones)
            outputs[cut] = prefix[cut]   // the kinks after the node; the node's own pool winners stay put
            return (loss, GradientCheckTests.branches(model, outputs: outputs, input: x))
        }

        let y = result.output.scalars
        let dZ = Tensor(shape: [2, 1], scalars: y.map { $0 * (1 - $0) })
        let fromLogit = model.gradient(at: layer, input: x, seed: .logit(dZ))
        #expect(fromLogit.output == result.output)
        for (a, b) in zip(fromLogit.gradient.scalars, result.gradient.scalars) { #expect(abs(a - b) <= 1e-6 + 1e-5 * abs(b)) }
        for layer in model.layers {
            for gradient in layer.gradients { #expect(gradient.scalars.allSatisfy { $0 == 0 }, "\(layer.name)") }
        }
    }

    /// At the output node itself the gradient is the seed.
    @Test func gradientAtTheOutputIsTheSeed() {
        let (model, _) = GradientCheckTests.smallModel()
        for layer in model.layers { layer.trainable = false }
        let x = randomTensor([1, 8, 8, 2], seed: 7)
        let seed = Tensor(shape: [1, 1], scalars: [-1])
        let result = model.gradient(at: "dense_2", input: x, seed: .output(seed))
        #expect(result.gradient == seed && result.activation == result.output && result.output == model.forward(x))
    }
}
