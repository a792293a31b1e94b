import MesoEngine

/// One training step's data: images `[N, H, W, C]` and targets `[N, U]` (U = 1 for MesoNet).
public typealias Batch = (x: Tensor, y: Tensor)

/// Anything that yields the batches of an epoch: in-memory tensors here, folders of face
/// crops later.
///
/// The one rule that makes runs reproducible and resumable: every random number an epoch needs
/// (its shuffle, its augmentation) is drawn from `generator` before `batches` returns. The
/// returned sequence may build batches lazily, but it must not draw randomness of its own.
/// (`inout` cannot be captured by a lazy sequence, so the compiler already holds an
/// implementation to most of this.) Then the generator's state before the call fixes the epoch
/// completely, and a checkpoint only has to store that one word to replay an epoch's order.
public protocol BatchSource {
    /// The batches of epoch `epoch` (0-based), in the order they are to be trained on.
    func batches(epoch: Int, generator: inout RandomGenerator) -> AnySequence<Batch>
}

/// A data set held in memory as two tensors, cut into batches of `batchSize` (the last one
/// may be smaller, as in Keras) and, when `shuffle` is on, reshuffled every epoch.
public struct TensorBatches: BatchSource, Sendable {
    public let x: Tensor
    public let y: Tensor
    public let batchSize: Int
    public let shuffle: Bool

    /// `x` `[N, ...]` and `y` `[N, ...]` hold the same number of samples on their leading axis.
    public init(x: Tensor, y: Tensor, batchSize: Int = 32, shuffle: Bool = true) {
        precondition(x.rank >= 1 && y.rank >= 1 && x.shape[0] == y.shape[0],
                     "x \(x.shape) and y \(y.shape) must hold the same number of samples")
        precondition(batchSize >= 1, "batch size must be at least 1")
        self.x = x
        self.y = y
        self.batchSize = batchSize
        self.shuffle = shuffle
    }

    public var sampleCount: Int { x.shape[0] }
    public var batchCount: Int { (sampleCount + batchSize - 1) / batchSize }

    public func batches(epoch: Int, generator: inout RandomGenerator) -> AnySequence<Batch> {
        let order = shuffle ? Self.permutation(sampleCount, using: &generator) : Array(0..<sampleCount)
        let (x, y, batchSize, n) = (x, y, batchSize, sampleCount)
        return AnySequence(stride(from: 0, to: n, by: batchSize).lazy.map { start in
            let indices = order[start..<min(start + batchSize, n)]
            return (Self.gather(x, indices), Self.gather(y, indices))
        })
    }

    /// A Fisher–Yates shuffle of `0..<count`. Written out rather than `Array.shuffle(using:)`,
    /// whose draws are the standard library's to change: checkpoints replay this order later,
    /// possibly under another toolchain. j = ⌊r · (i + 1) / 2⁶⁴⌋ (the high word of a 64×64
    /// product) is uniform up to a bias of (i + 1) / 2⁶⁴.
    static func permutation(_ count: Int, using generator: inout RandomGenerator) -> [Int] {
        var order = Array(0..<count)
        var i = count - 1
        while i > 0 {
            let j = Int(UInt64(i + 1).multipliedFullWidth(by: generator.next()).high)
            order.swapAt(i, j)
            i -= 1
        }
        return order
    }

    /// The samples `indices` of `t`, in that order, as one batch.
    static func gather(_ t: Tensor, _ indices: ArraySlice<Int>) -> Tensor {
        let per = t.count / max(t.shape[0], 1)
        var scalars: [Float] = []
        scalars.reserveCapacity(indices.count * per)
        for i in indices { scalars += t.scalars[(i * per)..<((i + 1) * per)] }
        return Tensor(shape: [indices.count] + t.shape.dropFirst(), scalars: scalars)
    }
}
