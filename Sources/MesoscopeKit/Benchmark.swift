import Dispatch
import MesoData
import MesoEngine
import MesoMedia
import MesoModels
import MesoTraining

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


extension Benchmark {
    /// Seconds for one Meso-4 training epoch over `images` (256×256 crops) with the write-up's
    /// augmentation, batch 32, MSE + Adam at 0.005, as the write-up trains: every layer, or the
    /// dense head only. The crops are in memory, as `train` keeps them.
    public static func epochSeconds(images: [RGBImage], targets: [Float], denseOnly: Bool) throws -> Double {
        let model = MesoNet.meso4()
        GlorotUniform.initialize(model, seed: 3)
        if denseOnly { MesoNet.freezeAllButDenseHead(model) }
        let data = CropBatches(images: images, targets: targets, batchSize: 32, shuffle: true, augment: true,
                               generator: .writeup)
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try fit(model: model, optimizer: Adam(learningRate: 0.005), loss: .meanSquaredError, data: data, epochs: 1, seed: 1)
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The epoch benchmark's crops: the first 500 fake and 500 real of a class-folder dataset,
    /// by sorted name, as the Keras peer reads them.
    public static func epochCrops(_ folder: String) throws -> (images: [RGBImage], targets: [Float]) {
        let items = try ImageFolderDataset.items(folder: folder).sorted { $0.path < $1.path }
        let chosen = Label.allCases.flatMap { label in items.filter { $0.label == label }.prefix(500) }
        let (images, failures) = CropLoader.load(chosen.map(\.path))
        if let failure = failures.first { throw failure }
        return (images.map { $0! }, chosen.map { $0.label!.networkTarget })
    }
}

extension Benchmark {
    /// The float32 matmul peak measured on the project's 2-core machine (issue 6), in FLOP/s.
    public static let peakFLOPsPerSecond = 321e9

    /// The work of one 256×256 face (issue 6, a multiply-add counting 2): 120 MFLOP for Meso-4,
    /// 114 MFLOP for MesoInception-4.
    public static func flopsPerImage(_ architecture: Architecture) -> Double {
        switch architecture {
        case .meso4: 120e6
        case .mesoInception4: 114e6
        }
    }

    /// The most images/s the machine could score if every cycle did useful matmul work: the
    /// yardstick of `limit_share`.
    public static func limitImagesPerSecond(_ architecture: Architecture) -> Double {
        peakFLOPsPerSecond / flopsPerImage(architecture)
    }
}
