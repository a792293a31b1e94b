/// Stochastic gradient descent with momentum, as Keras 3's SGD:
/// velocity = momentum · velocity − lr · g; w += velocity (plain w −= lr · g when momentum is 0).
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public var iterations = 0
    /// One velocity array per trainable parameter, in parameter order.
    public var velocity: [[Float]] = []

    public init(learningRate: Float = 0.01, momentum: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    public func step(_ model: Model) {
        let parameters = model.trainableParameters
        if velocity.count != parameters.count {
            velocity = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        }
        for (k, parameter) in parameters.enumerated() {
            var weights = parameter.layer.weights
            let g = parameter.gradient.scalars
            for i in g.indices {
                velocity[k][i] = momentum * velocity[k][i] - learningRate * g[i]
                weights[parameter.index].scalars[i] += velocity[k][i]
            }
            parameter.layer.setWeights(weights)
        }
        iterations += 1
    }
}
