/// A dense float32 tensor in row-major order.
///
/// Images and feature maps are NHWC, as in Keras with TensorFlow: `[batch, height, width, channels]`.
/// Weights keep Keras' own layouts (Conv2D kernels HWIO, Dense kernels `[in, out]`) so that
/// HDF5 files load and save without transposition.
///
/// A value type: copies share storage until one of them is written (copy-on-write of `[Float]`).
public struct Tensor: Sendable, Equatable {
    public private(set) var shape: [Int]
    public var scalars: [Float]

    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "shape \(shape) holds \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    public init(zeros shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    public var count: Int { scalars.count }
    public var rank: Int { shape.count }

    /// The same scalars under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// Images `range` of the batch (the leading dimension).
    public func batchSlice(_ range: Range<Int>) -> Tensor {
        let per = shape.dropFirst().reduce(1, *)
        return Tensor(shape: [range.count] + shape.dropFirst(),
                      scalars: Array(scalars[(range.lowerBound * per)..<(range.upperBound * per)]))
    }

    /// Joins batches: every part has the same trailing shape, and their leading dimensions add up.
    public static func concatenatingBatches(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "no tensors to join")
        let tail = Array(parts[0].shape.dropFirst())
        precondition(parts.allSatisfy { Array($0.shape.dropFirst()) == tail }, "trailing shapes differ")
        var scalars: [Float] = []
        scalars.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { scalars += part.scalars }
        return Tensor(shape: [parts.reduce(0) { $0 + $1.shape[0] }] + tail, scalars: scalars)
    }
}

extension Tensor {
    /// Adds `other` (same shape) element by element.
    public mutating func add(_ other: Tensor) {
        precondition(shape == other.shape, "cannot add \(other.shape) to \(shape)")
        for i in scalars.indices { scalars[i] += other.scalars[i] }
    }

    /// NHWC dimensions of a rank-4 tensor.
    var nhwc: (n: Int, h: Int, w: Int, c: Int) {
        precondition(rank == 4, "expected an NHWC tensor, got shape \(shape)")
        return (shape[0], shape[1], shape[2], shape[3])
    }
}

extension Array where Element == Float {
    /// `count` floats left unwritten, for kernels that write every element before anything
    /// reads it: a batch-32 feature map is up to 67 MB, and zero-filling it first costs as
    /// much memory traffic as the layer itself.
    init(uninitializedCount count: Int) {
        self.init(unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}
