import Foundation
import MesoData
import MesoEngine
import MesoMedia
import MesoModelFiles
import MesoModels

/// Scores face crops with a MesoNet model: load the model and its weights once, then score
/// one image or a batch.
///
/// Faces go in as decoded RGB images of any size; they are stretched to 256×256 with Keras'
/// NEAREST rule and scaled by float32(1/255), exactly as the authors' Keras pipeline did.
/// A detector only reads its model after loading, so one instance may serve many threads.
/// Its model is frozen (no layer trainable): it never trains, and `explain` runs the
/// engine's backward pass without adding weight gradients, so explaining only reads it too.
///
/// Weights trained with `--featurewise` have their `normalization.json` beside them; the
/// detector then applies that mean and std after the 1/255 scaling, as training did.
public final class Detector: @unchecked Sendable {
    public let architecture: Architecture
    /// The weights file as resolved on disk.
    public let weightsPath: String
    /// The featurewise statistics found beside the weights, if any.
    public let normalization: FeaturewiseStatistics?
    let model: Model

    public init(architecture: Architecture, weightsPath: String) throws(ModelFileError) {
        self.architecture = architecture
        self.weightsPath = weightsPath
        model = architecture.build()
        try KerasWeights.load(weightsPath, into: model, architecture: architecture)
        for layer in model.layers { layer.trainable = false }
        let beside = URL(fileURLWithPath: weightsPath).deletingLastPathComponent()
            .appendingPathComponent(FeaturewiseStatistics.fileName).path
        if FileManager.default.fileExists(atPath: beside) {
            do {
                normalization = try FeaturewiseStatistics.load(from: beside)
            } catch {
                throw ModelFileError(.malformed, path: beside,
                                     "the featurewise statistics beside the weights cannot be read (\(error)); "
                                        + "fix or remove the file")
            }
        } else {
            normalization = nil
        }
    }

    /// The network input for a batch of faces: `[N, 256, 256, 3]` in [0, 1], normalised when
    /// the weights came with featurewise statistics.
    public func input(for images: [RGBImage]) -> Tensor {
        let side = MesoNet.inputSide
        var scalars: [Float] = []
        scalars.reserveCapacity(images.count * side * side * 3)
        for image in images { scalars += image.kerasInput(side: side) }
        if let normalization {
            for index in scalars.indices {
                let channel = index % 3
                scalars[index] = (scalars[index] - normalization.mean[channel]) / (normalization.std[channel] + 1e-6)
            }
        }
        return Tensor(shape: [images.count, side, side, 3], scalars: scalars)
    }

    /// Scores a prepared input `[N, 256, 256, 3]`.
    public func score(input: Tensor) -> [FaceScore] {
        model.forward(input).scalars.map { FaceScore(pReal: Double($0)) }
    }

    public func score(_ images: [RGBImage]) -> [FaceScore] {
        images.isEmpty ? [] : score(input: input(for: images))
    }

    public func score(_ image: RGBImage) -> FaceScore { score([image])[0] }
}
