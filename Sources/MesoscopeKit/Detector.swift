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
    /// the weights came with featurewise statistics. Each face is resized and scaled straight
    /// into its slot of the batch, with no intermediate image or array.
    public func input(for images: [RGBImage]) -> Tensor {
        var next = images.makeIterator()
        return input(count: images.count) { next.next()! }
    }

    /// The network input for `count` faces, each made by `face` only when its slot is written:
    /// callers that decode files one at a time hold one decoded image at most, however large.
    /// `face` returns nil for a face that could not be made; the input then holds only the
    /// faces made, in order.
    public func input(count: Int, face: () -> RGBImage?) -> Tensor {
        let side = MesoNet.inputSide
        let perImage = side * side * 3
        let scalars = [Float](unsafeUninitializedCapacity: count * perImage) { buffer, filled in
            filled = 0
            for _ in 0..<count {
                guard let image = face() else { continue }
                let slot = UnsafeMutableBufferPointer(rebasing: buffer[filled..<(filled + perImage)])
                image.writeKerasInput(side: side, into: slot)
                if let normalization {
                    for offset in slot.indices {
                        let channel = offset % 3
                        slot[offset] = (slot[offset] - normalization.mean[channel]) / (normalization.std[channel] + 1e-6)
                    }
                }
                filled += perImage
            }
        }
        return Tensor(shape: [scalars.count / perImage, side, side, 3], scalars: scalars)
    }

    /// Scores a prepared input `[N, 256, 256, 3]`.
    public func score(input: Tensor) throws(ScoringError) -> [FaceScore] {
        try model.forward(input).scalars.map { pReal throws(ScoringError) in try faceScore(pReal) }
    }

    public func score(_ images: [RGBImage]) throws(ScoringError) -> [FaceScore] {
        images.isEmpty ? [] : try score(input: input(for: images))
    }

    public func score(_ image: RGBImage) throws(ScoringError) -> FaceScore { try score([image])[0] }

    /// The network's output as a score, refused when it is not a number.
    func faceScore(_ pReal: Float) throws(ScoringError) -> FaceScore {
        guard pReal.isFinite else { throw ScoringError(weightsPath: weightsPath) }
        return FaceScore(pReal: Double(pReal))
    }
}
