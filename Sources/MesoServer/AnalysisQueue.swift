import Dispatch
import MesoscopeKit

/// Admits analyses up to a bound and runs them on a fixed set of analyzers.
///
/// A ``VideoAnalyzer`` handles one input at a time, so there are `maxConcurrent` of them and
/// each analysis borrows one; `queueLimit` more analyses may wait for a free one, counting the
/// uploads still being received. A request beyond that is refused (429) before its body is read,
/// instead of piling up temporary files.
actor AnalysisQueue {
    /// An analyzer lent to one analysis at a time: the queue hands each out to exactly one
    /// caller and takes it back before lending it again, which is what makes it safe to send
    /// to the thread that runs the analysis.
    final class Lease: @unchecked Sendable {
        let analyzer: VideoAnalyzer
        init(_ analyzer: VideoAnalyzer) { self.analyzer = analyzer }
    }

    private let maxConcurrent: Int
    private let queueLimit: Int
    private var idle: [Lease]
    private var waiting: [CheckedContinuation<Lease, Never>] = []
    private var admitted = 0

    init(analyzers: [VideoAnalyzer], queueLimit: Int) {
        idle = analyzers.map(Lease.init)
        maxConcurrent = analyzers.count
        self.queueLimit = queueLimit
    }

    /// Analyses running, and those admitted that wait for an analyzer or for their upload.
    var load: (running: Int, waiting: Int) {
        let running = maxConcurrent - idle.count
        return (running, admitted - running)
    }

    /// Reserves a place for one analysis, running or waiting; each admission must be followed
    /// by exactly one ``run(_:)`` or ``withdraw()``.
    func admit() throws(APIError) {
        guard admitted < maxConcurrent + queueLimit else {
            let (running, waiting) = load
            throw APIError.busy(running: running, queued: waiting)
        }
        admitted += 1
    }

    /// Gives back an admission that will not run: its upload was refused or never arrived.
    func withdraw() {
        admitted -= 1
    }

    /// Runs `work` with a free analyzer on a thread of its own (the analysis blocks for seconds,
    /// which must not hold up the server's event loops), waiting for an analyzer if all are busy.
    func run<T: Sendable>(_ work: @escaping @Sendable (VideoAnalyzer) throws -> T) async throws -> T {
        let lease: Lease
        if let free = idle.popLast() {
            lease = free
        } else {
            lease = await withCheckedContinuation { waiting.append($0) }
        }
        defer { release(lease) }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try work(lease.analyzer) })
            }
        }
    }

    private func release(_ lease: Lease) {
        admitted -= 1
        if waiting.isEmpty {
            idle.append(lease)
        } else {
            waiting.removeFirst().resume(returning: lease)
        }
    }
}
