import Dispatch
import MesoEngine
import MesoModels

/// Throughput measurements that `mesoscope bench` prints. Timing lives here, never in tests.
public enum Benchmark {
    /// Forward images per second of `architecture` at `batch`: one warm-up pass, then passes until
    /// `seconds` have elapsed; the best of `rounds` rounds. Weights do not change the work, so
    /// the model keeps its initial weights and needs no file.
    public static func forwardImagesPerSecond(_ architecture: Architecture, batch: Int,
                                              seconds: Double = 1.0, rounds: Int = 3) -> Double {
        let model = architecture.build()
        var generator = RandomGenerator(seed: 42)
        let count = batch * MesoNet.inputSide * MesoNet.inputSide * 3
        let input = Tensor(shape: [batch, MesoNet.inputSide, MesoNet.inputSide, 3],
                           scalars: (0..<count).map { _ in generator.nextUnitFloat() })
        _ = model.forward(input)
        var best = 0.0
        for _ in 0..<rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            var images = 0
            var elapsed = 0.0
            repeat {
                _ = model.forward(input)
                images += batch
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            } while elapsed < seconds
            best = max(best, Double(images) / elapsed)
        }
        return best
    }
}

extension Benchmark {
    /// Milliseconds per Meso-4 training step at `batch` (MSE + Adam): forward in training mode,
    /// loss, backward, update. `denseOnly` freezes everything but the dense head, as the
    /// write-up's fine-tuning does. Best of `rounds` steps after one warm-up step.
    public static func trainStepMilliseconds(denseOnly: Bool, batch: Int = 32, rounds: Int = 3) -> Double {
        let model = MesoNet.meso4()
        if denseOnly { MesoNet.freezeAllButDenseHead(model) }
        var generator = RandomGenerator(seed: 7)
        let side = MesoNet.inputSide
        let x = Tensor(shape: [batch, side, side, 3], scalars: (0..<(batch * side * side * 3)).map { _ in generator.nextUnitFloat() })
        let y = Tensor(shape: [batch, 1], scalars: (0..<batch).map { Float($0 % 2) })
        let optimizer = Adam()
        var best = Double.infinity
        for round in 0...rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            model.zeroGradients()
            let outputs = model.forwardForTraining(x)
            let (_, seed) = Loss.meanSquaredError.evaluate(model: model, predictions: outputs.last!, targets: y)
            model.backward(outputs, input: x, seed: seed)
            optimizer.step(model)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            if round > 0 { best = min(best, elapsed) }
        }
        return best
    }
}

