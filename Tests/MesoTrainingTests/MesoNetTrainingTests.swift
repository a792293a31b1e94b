import MesoEngine
import MesoModelFiles
import MesoModels
import MesoTestSupport
@testable import MesoTraining
import Testing

/// The one test on the real network: Meso-4 from the authors' Meso4_DF weights, the dense head
/// fine-tuned (the write-up's transfer-learning preset) for one epoch of two batches of two
/// 256×256 images, checkpointed and exported as Keras weights.
@Suite struct MesoNetTrainingTests {
    @Test func fineTunedHeadRoundTripsThroughCheckpointAndKerasWeights() throws {
        let model = MesoNet.meso4(dropout: 0.5)
        try KerasWeights.load(Golden.weightsPath("Meso4_DF"), into: model, architecture: .meso4)
        MesoNet.freezeAllButDenseHead(model)
        let original = Fixtures.weightBits(model)

        var generator = RandomGenerator(seed: 8)
        let x = Tensor(shape: [4, 256, 256, 3], scalars: (0..<(4 * 256 * 256 * 3)).map { _ in generator.nextUnitFloat() })
        let data = TensorBatches(x: x, y: Tensor(shape: [4, 1], scalars: [0, 1, 0, 1]), batchSize: 2)
        let path = try Fixtures.scratchPath("meso4.ckpt"), h5 = path + ".h5"
        let history = try fit(model: model, optimizer: Adam(learningRate: 1e-3), loss: .binaryCrossentropy, data: data,
                              epochs: 1, seed: 4, callbacks: [CheckpointCallback(path: path, kerasWeightsPath: h5)])
        #expect(history.epochs.map(\.batches) == [2])

        // Only the head moved: the conv blocks and their BatchNorm statistics are frozen.
        let trained = Fixtures.weightBits(model)
        let kinds = model.layers.flatMap { layer in layer.weights.map { _ in layer.kind } }
        for (kind, (before, after)) in zip(kinds, zip(original, trained)) {
            #expect((before == after) == (kind != "dense"), "\(kind) weights changed: \(before != after)")
        }

        let checkpoint = try Checkpoint.load(from: path)
        #expect(checkpoint.layers.count == 10)   // 4 conv, 4 batch norm, 2 dense
        let restored = MesoNet.meso4(dropout: 0.5)
        MesoNet.freezeAllButDenseHead(restored)
        try checkpoint.restore(into: restored, optimizer: Adam(learningRate: 1e-3))
        #expect(Fixtures.weightBits(restored) == trained)

        let exported = MesoNet.meso4()
        try KerasWeights.load(h5, into: exported, architecture: .meso4)
        #expect(Fixtures.weightBits(exported) == trained)
    }
}
