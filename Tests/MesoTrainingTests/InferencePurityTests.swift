import MesoEngine
@testable import MesoTraining
import Testing

/// Inference is a pure function of the model: `Model.forward` runs one model on several threads
/// at once (validation during `fit` does), so no layer may write state there. A Dropout that
/// cleared its mask on every inference forward corrupted the heap during validation.
@Suite struct InferencePurityTests {
    /// A training forward, then an image-parallel inference forward, then the backward: the
    /// gradients are bit for bit those of the same step without the inference in between.
    @Test func inferenceBetweenForwardAndBackwardChangesNothing() {
        let (x, y) = Fixtures.toyData(count: 8, seed: 3)
        func gradients(inferenceInBetween: Bool) -> [[UInt32]] {
            let model = Fixtures.smallModel(dropout: 0.5)
            let outputs = model.forwardAll(x, training: true)
            if inferenceInBetween { _ = model.forward(x) }
            let (_, seed) = Loss.meanSquaredError.evaluate(model: model, predictions: outputs.last!, targets: y)
            model.backward(outputs, input: x, seed: seed)
            return model.trainableParameters.map { $0.gradient.scalars.map(\.bitPattern) }
        }
        let plain = gradients(inferenceInBetween: false)
        #expect(plain.contains { $0.contains { $0 != 0 } })
        #expect(gradients(inferenceInBetween: true) == plain)
    }
}
