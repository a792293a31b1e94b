/// Adam as Keras 3 implements it (keras/src/optimizers/adam.py, `update_step`), in float32:
/// t = iterations + 1; α = lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ); m += (g − m)(1 − β₁); v += (g² − v)(1 − β₂);
/// w −= m · α / (√v + ε). ε is added to √v, not to a bias-corrected √v̂. Defaults are Keras':
/// lr 1e-3, β₁ 0.9, β₂ 0.999, ε 1e-7.
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float
    /// Steps taken so far (Keras' `iterations`).
    public var iterations = 0
    /// First and second moments, one array per trainable parameter, in parameter order.
    public var m: [[Float]] = []
    public var v: [[Float]] = []

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public func step(_ model: Model) {
        let parameters = model.trainableParameters
        if m.count != parameters.count {
            m = parameters.map { [Float](repeating: 0, count: $0.value.count) }
            v = m
        }
        let t = Float(iterations + 1)
        let alpha = learningRate * (1 - powf(beta2, t)).squareRoot() / (1 - powf(beta1, t))
        for (k, parameter) in parameters.enumerated() {
            var weights = parameter.layer.weights
            let g = parameter.gradient.scalars
            for i in g.indices {
                m[k][i] += (g[i] - m[k][i]) * (1 - beta1)
                v[k][i] += (g[i] * g[i] - v[k][i]) * (1 - beta2)
                weights[parameter.index].scalars[i] -= m[k][i] * alpha / (v[k][i].squareRoot() + epsilon)
            }
            parameter.layer.setWeights(weights)
        }
        iterations += 1
    }
}

#if os(Linux)
import Glibc
#else
import Darwin
#endif
