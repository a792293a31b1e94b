import MesoEngine

/// Keras' default initialization for a model trained from scratch: every `kernel` drawn from
/// glorot_uniform, U(−l, l) with l = √(6 / (fan_in + fan_out)), biases zero; BatchNorm keeps
/// gamma 1, beta 0 and its moving statistics. The engine's layers start at zero, which would
/// train nothing (every ReLU dead, every gradient equal).
///
/// Conv2D kernels `[KH, KW, Cin, Cout]`: fan_in = KH·KW·Cin, fan_out = KH·KW·Cout. Dense
/// kernels `[In, Out]`: fan_in = In, fan_out = Out. The draws come from one seeded generator in
/// node order, so a seed fixes the initial weights.
public enum GlorotUniform {
    public static func initialize(_ model: Model, seed: UInt64) {
        var generator = RandomGenerator(seed: seed)
        for layer in model.layers {
            guard let k = layer.weightNames.firstIndex(of: "kernel") else { continue }
            var weights = layer.weights
            let shape = weights[k].shape
            let receptive = shape.dropLast(2).reduce(1, *)
            let fanIn = receptive * shape[shape.count - 2], fanOut = receptive * shape[shape.count - 1]
            let limit = (6 / Float(fanIn + fanOut)).squareRoot()
            weights[k].scalars = weights[k].scalars.map { _ in (2 * generator.nextUnitFloat() - 1) * limit }
            if let b = layer.weightNames.firstIndex(of: "bias") { weights[b] = Tensor(zeros: weights[b].shape) }
            layer.setWeights(weights)
        }
    }
}
