import Foundation

/// The jobs the server knows, by id.
///
/// A finished job is kept `retention` seconds for its client to fetch, then dropped with its
/// crops; the sweep runs whenever the store is used, so an idle server holds nothing new and a
/// busy one never holds more than one retention period's worth.
actor JobStore {
    private let retention: Double
    private var jobs: [String: Job] = [:]

    init(retention: Double) { self.retention = retention }

    func add(_ job: Job) {
        sweep()
        jobs[job.id] = job
    }

    func job(_ id: String) -> Job? {
        sweep()
        return jobs[id]
    }

    /// Records how the job ended, which starts its retention clock.
    func finish(_ id: String, _ outcome: Job.State, result: AnalysisOutput? = nil, error: String? = nil) {
        guard var job = jobs[id] else { return }
        job.outcome = outcome
        job.result = result?.result
        job.crops = result?.crops ?? [:]
        job.error = error
        job.finished = Date()
        jobs[id] = job
    }

    /// Asks a queued or running job to stop; it ends as `cancelled` at its next frame.
    func cancel(_ id: String) -> Job? {
        sweep()
        guard let job = jobs[id] else { return nil }
        if !job.state.isFinished { job.control.cancel() }
        return job
    }

    private func sweep() {
        let cutoff = Date().addingTimeInterval(-retention)
        jobs = jobs.filter { _, job in job.finished.map { $0 > cutoff } ?? true }
    }
}
