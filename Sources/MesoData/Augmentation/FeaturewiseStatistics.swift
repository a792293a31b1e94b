import Foundation

/// The per-channel mean and std of a training set, after rescale: what Keras'
/// `ImageDataGenerator.fit` stores as `mean` and `std`, and what a run saves as
/// `RUN_DIR/normalization.json` (`{"mean":[r,g,b],"std":[r,g,b]}`) so that evaluation and
/// detection standardise exactly as training did.
public struct FeaturewiseStatistics: Sendable, Equatable, Codable {
    /// The file beside a run's weights that holds them: `predict`, `detect` and `evaluate` apply
    /// it whenever it sits beside the weights they load.
    public static let fileName = "normalization.json"

    public var mean: [Float]
    /// Population std (ddof 0), without the 1e-6 that ``ImageDataGenerator/standardize(_:)`` adds.
    public var std: [Float]

    public init(mean: [Float], std: [Float]) {
        precondition(mean.count == std.count, "\(mean.count) means but \(std.count) stds")
        self.mean = mean
        self.std = std
    }

    /// How ``init(fitting:rescale:summation:)`` adds up samples.
    public enum Summation: Sendable {
        /// Double sums of x and x², one pass: accurate for any number of images.
        case double
        /// Keras' own arithmetic, bit for bit: NumPy reduces a float32 `(N, H, W, C)` array over
        /// its first three axes by adding pixel after pixel into a float32 total per channel
        /// (no pairwise summation across those axes), for the mean, then again for the mean
        /// and the squares of the centred data. On the four 256×256 test images that puts the
        /// mean 2e-4 off; beyond 2^24 pixels per channel a float32 total stops growing at all,
        /// so use this only to reproduce a Keras run.
        case numpyFloat32
    }

    /// The statistics of every sample, row and column of `images`, each sample first multiplied
    /// by `rescale` in Float (as NumPy does on a float32 array). `images` is read once with
    /// `.double` and three times with `.numpyFloat32`, so it may be a lazy collection that
    /// decodes files as it goes.
    public init(fitting images: some Collection<FloatImage>, rescale: Float?, summation: Summation = .double) {
        precondition(!images.isEmpty, "fitting featurewise statistics needs at least one image")
        let channels = images.first!.channels
        precondition(images.allSatisfy { $0.channels == channels }, "images with different channel counts")
        let count = images.reduce(0) { $0 + $1.width * $1.height }
        /// Calls `body` with each rescaled sample and its channel, in memory order.
        func forEachSample(_ body: (Float, Int) -> Void) {
            for image in images {
                image.pixels.withUnsafeBufferPointer { samples in
                    var index = 0
                    while index < samples.count {
                        for channel in 0..<channels {
                            let value = samples[index + channel]
                            body(rescale.map { value * $0 } ?? value, channel)
                        }
                        index += channels
                    }
                }
            }
        }
        switch summation {
        case .double:
            var sums = [Double](repeating: 0, count: channels)
            var squares = sums
            forEachSample { value, channel in
                let wide = Double(value)
                sums[channel] += wide
                squares[channel] += wide * wide
            }
            let n = Double(count)
            let means = sums.map { $0 / n }
            self.init(mean: means.map { Float($0) },
                      std: zip(squares, means).map { Float(max($0 / n - $1 * $1, 0).squareRoot()) })
        case .numpyFloat32:
            // NumPy divides a float32 total by the intp count in double and stores float32.
            let n = Double(count)
            func average(_ totals: [Float]) -> [Float] { totals.map { Float(Double($0) / n) } }
            var totals = [Float](repeating: 0, count: channels)
            forEachSample { value, channel in totals[channel] += value }
            let mean = average(totals)
            // Keras: x -= mean; std = np.std(x), which takes the mean of x again, then of the squares.
            totals = [Float](repeating: 0, count: channels)
            forEachSample { value, channel in totals[channel] += value - mean[channel] }
            let centredMean = average(totals)
            totals = [Float](repeating: 0, count: channels)
            forEachSample { value, channel in
                let deviation = (value - mean[channel]) - centredMean[channel]
                totals[channel] += deviation * deviation
            }
            self.init(mean: mean, std: average(totals).map { $0.squareRoot() })
        }
    }

    /// The JSON of `normalization.json`.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    public func save(to path: String) throws {
        try jsonData().write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    public static func load(from path: String) throws -> FeaturewiseStatistics {
        let statistics = try JSONDecoder().decode(Self.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        guard statistics.mean.count == statistics.std.count, !statistics.mean.isEmpty else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [
                NSFilePathErrorKey: path,
                NSLocalizedDescriptionKey: "\(path): normalization needs as many std values as mean values",
            ])
        }
        return statistics
    }
}
