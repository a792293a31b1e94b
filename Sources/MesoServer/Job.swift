import Foundation
import MesoData
import MesoMedia

/// One upload's analysis, as `GET /api/v1/jobs/{id}` shows it.
struct Job: Sendable {
    enum State: String, Sendable {
        case queued, running, done, failed, cancelled

        var isFinished: Bool { self == .done || self == .failed || self == .cancelled }
    }

    let id: String
    let kind: MediaKind
    /// What the client called the file, or "upload".
    let name: String
    /// p_fake above this is called fake (`--threshold`), for the page to draw.
    let threshold: Double
    let control = JobControl()
    /// How the job ended; nil while it waits or runs.
    var outcome: State?
    /// The `mesoscope detect --json` object, once done.
    var result: JSONValue?
    var error: String?
    /// Each face's aligned crop as JPEG, by ``AnalysisOutput/cropKey(frame:track:)``.
    var crops: [String: [UInt8]] = [:]
    var finished: Date?

    var state: State { outcome ?? (control.isStarted ? .running : .queued) }

    init(kind: MediaKind, name: String, threshold: Double) {
        id = UUID().uuidString.lowercased()
        self.kind = kind
        self.name = name
        self.threshold = threshold
    }

    var json: JSONValue {
        let progress = control.progress
        return .object([
            ("id", .string(id)),
            ("kind", .string(kind == .image ? "image" : "video")),
            ("name", .string(name)),
            ("state", .string(state.rawValue)),
            ("progress", .object([("frames_done", .integer(progress.done)), ("frames_total", .integer(progress.total))])),
            ("threshold", .number(threshold)),
            ("result", result ?? .null),
            ("error", .string(orNull: error)),
        ])
    }
}

/// Why an analysis was stopped before its end.
enum JobStop: Error, CustomStringConvertible {
    case cancelled
    case timedOut(seconds: Double)

    var description: String {
        switch self {
        case .cancelled: "cancelled"
        case .timedOut(let seconds): "the analysis took longer than this server's limit of \(Int(seconds)) s (mesoscope serve --job-timeout)"
        }
    }
}

/// What the analysis thread and the server share while a job runs: the frames done so far, and
/// whether to stop. The analysis checks it after every frame; a lock keeps it consistent
/// between that thread and the requests reading it.
final class JobControl: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0, total = 0
    private var cancelled = false
    private var timeout = 0.0
    private var deadline: Date?

    var progress: (done: Int, total: Int) { lock.withLock { (done, total) } }

    /// Whether the analysis has begun (it may still be waiting for a free analyzer).
    var isStarted: Bool { lock.withLock { deadline != nil } }

    func cancel() { lock.withLock { cancelled = true } }

    /// Starts the clock: the analysis must end within `timeout` seconds from now.
    func start(timeout: Double) {
        lock.withLock {
            self.timeout = timeout
            deadline = Date().addingTimeInterval(timeout)
        }
    }

    /// Records progress, and throws when the job was cancelled or its time is up.
    func update(done: Int, of total: Int) throws(JobStop) {
        lock.lock()
        defer { lock.unlock() }
        self.done = done
        self.total = total
        try checkLocked()
    }

    /// Throws when the job was cancelled or its time is up.
    func check() throws(JobStop) {
        lock.lock()
        defer { lock.unlock() }
        try checkLocked()
    }

    private func checkLocked() throws(JobStop) {
        if cancelled { throw .cancelled }
        if let deadline, Date() > deadline { throw .timedOut(seconds: timeout) }
    }
}
