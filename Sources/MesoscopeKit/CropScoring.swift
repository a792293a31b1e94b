import Dispatch
import MesoEngine
import MesoMedia

/// Scores face-crop files in bounded batches, in input order, decoding the next batch on one
/// thread while the network scores this one on the engine's threads.
///
/// At most two batches are in memory at once, the one being scored and the one being decoded,
/// so a folder of any size runs in the same memory (about 190 MB at batch 32). Each crop is
/// written into its batch as soon as it is decoded and then dropped, so at most one decoded
/// image is in flight whatever the images' sizes (a 100-megapixel PNG takes 300 MB while it
/// lasts, not 300 MB per batch slot). A file that cannot be decoded is delivered as its error,
/// naming the file, and the others go on.
///
/// Why one decoding thread beside the network's: decoding and preparing a crop is about a
/// quarter of the work, so one thread keeps up with the network, and it runs while the network's
/// threads wait between layers. On the 2-core bench machine, with the machine shared, this was
/// the fastest of the three ways measured (2,000 mixed-size JPEGs): decoding each batch on every
/// core and then scoring it on every core took 13.9–23.1 s (120–148 MB), a decoding thread that
/// itself used every core 10.2–23.2 s (195–216 MB), one decoding thread 9.2–16.4 s (187 MB).
/// With `Parallelism.threads` at 1 nothing runs beside the network: each batch is decoded, then scored.
public enum CropScoring {
    /// Crops per network pass: the engine's throughput is flat from 32 on, and larger batches only cost memory.
    public static let batchSize = 32

    /// Scores the crops at `paths` with `detector`, calling `deliver` once per path, in order.
    public static func score(_ paths: [String], with detector: Detector, batchSize: Int = batchSize,
                             deliver: (String, Result<FaceScore, any Error>) throws -> Void) rethrows {
        let batches = stride(from: 0, to: paths.count, by: batchSize).map {
            Array(paths[$0..<min($0 + batchSize, paths.count)])
        }
        guard let first = batches.first else { return }
        var next = PreparedBatch(first, for: detector)
        for index in batches.indices {
            let current = next
            let upcoming = index + 1 < batches.count ? batches[index + 1] : nil
            if let upcoming, Parallelism.threads > 1 {
                let decoded = Slot()
                let group = DispatchGroup()
                DispatchQueue.global().async(group: group) { decoded.batch = PreparedBatch(upcoming, for: detector) }
                try current.deliver(current.scores(with: detector), to: deliver)
                group.wait()
                next = decoded.batch!
            } else {
                try current.deliver(current.scores(with: detector), to: deliver)
                if let upcoming { next = PreparedBatch(upcoming, for: detector) }
            }
        }
    }

    /// Hands the decoding thread's batch over to the scoring loop (read after the group's wait).
    private final class Slot: @unchecked Sendable {
        var batch: PreparedBatch?
    }
}

/// One batch of crop files, decoded one after another and laid out as the network's input.
private struct PreparedBatch: Sendable {
    let paths: [String]
    /// The decode failures, by position in `paths`.
    let failures: [Int: MediaError]
    /// The decoded crops' input tensor, `[decoded, 256, 256, 3]`.
    let input: Tensor

    init(_ paths: [String], for detector: Detector) {
        var failures: [Int: MediaError] = [:]
        var index = 0
        input = detector.input(count: paths.count) {
            defer { index += 1 }
            do throws(MediaError) { return try ImageDecoder.decode(contentsOf: paths[index]) } catch {
                failures[index] = error
                return nil
            }
        }
        self.paths = paths
        self.failures = failures
    }

    /// The decoded crops' scores, or why the network could not score them.
    func scores(with detector: Detector) -> Result<[FaceScore], ScoringError> {
        input.shape[0] == 0 ? .success([]) : Result { () throws(ScoringError) in try detector.score(input: input) }
    }

    /// Hands each path its score or its error, in order.
    func deliver(_ scores: Result<[FaceScore], ScoringError>,
                 to deliver: (String, Result<FaceScore, any Error>) throws -> Void) rethrows {
        var scoreIterator = ((try? scores.get()) ?? []).makeIterator()
        for (index, path) in paths.enumerated() {
            if let failure = failures[index] {
                try deliver(path, .failure(failure))
            } else if case .failure(let failure) = scores {
                try deliver(path, .failure(failure))
            } else {
                try deliver(path, .success(scoreIterator.next()!))
            }
        }
    }
}
