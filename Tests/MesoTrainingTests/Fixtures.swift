import Foundation
import MesoEngine
import MesoTestSupport
@testable import MesoTraining

/// Small models and data made by the tests themselves: fast enough to train many times.
enum Fixtures {
    /// Input `[8, 8, 3]`: Conv2D(4, 3×3, relu) → BatchNormalization → MaxPooling2D(2) → Flatten
    /// → Dropout(`dropout`) → Dense(1, sigmoid), glorot-initialized from `initSeed`.
    static func smallModel(batchNorm: Bool = true, dropout: Float = 0.5, filters: Int = 4, initSeed: UInt64 = 7) -> Model {
        let model = Model(name: "small", inputShape: [8, 8, 3])
        var x = model.add(Conv2D(name: "conv2d_1", inputChannels: 3, filters: filters, kernelSize: 3, activation: .relu), model.input)
        if batchNorm { x = model.add(BatchNormalization(name: "batch_normalization_1", channels: filters), x) }
        x = model.add(MaxPooling2D(name: "max_pooling2d_1", poolSize: 2), x)
        x = model.add(Flatten(name: "flatten_1"), x)
        x = model.add(Dropout(name: "dropout_1", rate: dropout), x)
        model.add(Dense(name: "dense_1", inputUnits: 4 * 4 * filters, units: 1, activation: .sigmoid), x)
        GlorotUniform.initialize(model, seed: initSeed)
        return model
    }

    /// A separable toy problem: `count` images of uniform noise in [0, 1), half of them (label 1)
    /// with 0.5 added to the red channel. Labels alternate 0, 1, 0, 1, …
    static func toyData(count: Int, seed: UInt64) -> (x: Tensor, y: Tensor) {
        var generator = RandomGenerator(seed: seed)
        var scalars: [Float] = []
        var labels: [Float] = []
        for i in 0..<count {
            let label: Float = i % 2 == 0 ? 0 : 1
            labels.append(label)
            for p in 0..<(8 * 8 * 3) {
                scalars.append(generator.nextUnitFloat() + (p % 3 == 0 ? 0.5 * label : 0))
            }
        }
        return (Tensor(shape: [count, 8, 8, 3], scalars: scalars), Tensor(shape: [count, 1], scalars: labels))
    }

    static func batches(count: Int = 64, batchSize: Int = 16, seed: UInt64 = 1, shuffle: Bool = true) -> TensorBatches {
        let (x, y) = toyData(count: count, seed: seed)
        return TensorBatches(x: x, y: y, batchSize: batchSize, shuffle: shuffle)
    }

    /// Every weight of every layer (BatchNorm's moving statistics included) as bit patterns,
    /// so that equality is bitwise.
    static func weightBits(_ model: Model) -> [[UInt32]] {
        model.layers.flatMap { $0.weights.map { $0.scalars.map(\.bitPattern) } }
    }

    enum OptimizerKind: String, CaseIterable, Sendable, CustomStringConvertible {
        case adam, sgdMomentum
        var description: String { rawValue }

        func make() -> any Optimizer {
            switch self {
            case .adam: Adam(learningRate: 0.01)
            case .sgdMomentum: SGD(learningRate: 0.05, momentum: 0.9)
            }
        }
    }

    /// The optimizer's state as bit patterns: iterations and every slot array.
    static func optimizerBits(_ optimizer: any Optimizer) -> [[UInt32]] {
        switch optimizer {
        case let adam as Adam: [[UInt32(adam.iterations)]] + (adam.m + adam.v).map { $0.map(\.bitPattern) }
        case let sgd as SGD: [[UInt32(sgd.iterations)]] + sgd.velocity.map { $0.map(\.bitPattern) }
        default: []
        }
    }

    /// `name` in a fresh scratch directory.
    static func scratchPath(_ name: String) throws -> String {
        try SharedData.scratchDirectory("meso-training").appendingPathComponent(name).path
    }
}
