import MesoData
import MesoEngine
import MesoMedia
import MesoModels

/// Face crops held in memory as 256×256 RGB, cut into augmented batches: the write-up's
/// `datagen.flow(X, y, batch_size=32)`.
///
/// Each sample goes through Keras' order: a random transform drawn by ``ImageDataGenerator``
/// on the un-rescaled 0–255 values, then the extra augmentations, then `standardize` (rescale to
/// [0, 1], featurewise normalisation when fitted). As Keras' flow iterators re-seed NumPy with
/// `seed + batches seen` before each batch, batch `b` of an epoch draws its transforms from a
/// NumPy generator seeded with the epoch's seed + b, and the epoch's seed and shuffle come from
/// the run's generator before the batches are made (the ``BatchSource`` rule), so a resumed
/// run replays them exactly. The draws of a batch are made in sample order; the transforms
/// then run on every core.
public struct CropBatches: BatchSource, Sendable {
    public let images: [RGBImage]
    public let targets: [Float]
    public let batchSize: Int
    public let shuffle: Bool
    /// Random transforms are drawn only when `augment` is on; validation batches are only
    /// standardized.
    public let augment: Bool
    public let generator: ImageDataGenerator
    public let extras: [ExtraAugmentation]

    public init(images: [RGBImage], targets: [Float], batchSize: Int, shuffle: Bool, augment: Bool,
                generator: ImageDataGenerator, extras: [ExtraAugmentation] = []) {
        precondition(images.count == targets.count, "\(images.count) images but \(targets.count) targets")
        precondition(batchSize >= 1, "batch size must be at least 1")
        self.images = images
        self.targets = targets
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.augment = augment
        self.generator = generator
        self.extras = extras
    }

    public var sampleCount: Int { images.count }
    public var batchCount: Int { (images.count + batchSize - 1) / batchSize }

    public func batches(epoch: Int, generator random: inout RandomGenerator) -> AnySequence<Batch> {
        let order = shuffle ? TensorBatches.permutation(images.count, using: &random) : Array(0..<images.count)
        let epochSeed = random.next()
        let source = self
        return AnySequence(stride(from: 0, to: images.count, by: batchSize).lazy.map { start in
            source.batch(order[start..<min(start + source.batchSize, order.count)],
                         seed: epochSeed &+ UInt64(start / source.batchSize))
        })
    }

    /// One batch: `[N, 256, 256, 3]` standardized inputs and `[N, 1]` targets.
    func batch(_ indices: ArraySlice<Int>, seed: UInt64) -> Batch {
        let side = MesoNet.inputSide
        let indices = Array(indices)
        var numpy = NumpyRandomState(seed: UInt32(truncatingIfNeeded: seed))
        let transforms = indices.map { _ in
            augment ? generator.randomTransform(height: side, width: side, using: &numpy) : .identity
        }
        let sampleSize = side * side * 3
        var scalars = [Float](repeating: 0, count: indices.count * sampleSize)
        scalars.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            nonisolated(unsafe) let output = base
            Parallelism.forEachChunk(indices.count) { range in
                for slot in range {
                    var image = FloatImage(images[indices[slot]])
                    generator.applyTransform(&image, transforms[slot])
                    if augment {
                        var extraRandom = RandomGenerator(seed: seed ^ (UInt64(slot) &* 0x9E37_79B9_7F4A_7C15))
                        // Only a JPEG round trip can fail, on memory exhaustion; the sample then keeps its other augmentations.
                        for extra in extras { try? extra.apply(to: &image, using: &extraRandom) }
                    }
                    generator.standardize(&image)
                    image.write(into: output + slot * sampleSize)
                }
            }
        }
        return (Tensor(shape: [indices.count, side, side, 3], scalars: scalars),
                Tensor(shape: [indices.count, 1], scalars: indices.map { targets[$0] }))
    }
}
