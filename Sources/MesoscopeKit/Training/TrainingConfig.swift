import MesoEngine
import MesoModels

/// What a training run was asked to do: `mesoscope train`'s options, saved as
/// `RUN_DIR/config.json` so that `--resume RUN_DIR` continues the same run.
public struct TrainingConfig: Codable, Sendable, Equatable {
    /// Which layers learn: `conv` freezes everything but the dense head (the write-up's
    /// transfer learning), `none` trains every layer.
    public enum Freeze: String, Codable, Sendable, CaseIterable {
        case conv, none
    }

    public var data: String
    public var architecture: Architecture
    /// A weights name (`Meso4_DF`, …), a path to a Keras `.h5` file, or `scratch` (glorot_uniform).
    public var initialization: String
    public var freeze: Freeze
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    public var loss: Loss
    /// `writeup`, `none`, or a comma-separated list (see ``AugmentationPlan``).
    public var augment: String
    public var validationSplit: Double
    public var seed: UInt64
    /// Featurewise centring and std normalisation, fitted on the training split.
    public var featurewise: Bool

    /// The write-up's fine-tuning: Meso4_DF, frozen convolutions, 15 epochs of batch 32, Adam at
    /// 0.005, MSE, its augmentation, 5% validation.
    public init(data: String, architecture: Architecture = .meso4, initialization: String? = nil,
                freeze: Freeze = .conv, epochs: Int = 15, batchSize: Int = 32, learningRate: Double = 0.005,
                loss: Loss = .meanSquaredError, augment: String = "writeup", validationSplit: Double = 0.05,
                seed: UInt64 = 1, featurewise: Bool = false) {
        self.data = data
        self.architecture = architecture
        self.initialization = initialization ?? WeightsLocator.defaultName(for: architecture)
        self.freeze = freeze
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.loss = loss
        self.augment = augment
        self.validationSplit = validationSplit
        self.seed = seed
        self.featurewise = featurewise
    }

    public var fromScratch: Bool { initialization == "scratch" }
}

extension Architecture: Codable {}
extension Loss: Codable {}
