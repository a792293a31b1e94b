import Foundation
import MesoMedia
import MesoscopeKit

/// What `mesoscope serve` is told: where to listen and how much work and data to accept.
public struct ServerOptions: Sendable {
    /// Loopback unless told otherwise: the page and API have no authentication.
    public var host = "127.0.0.1"
    /// 0 lets the system choose a free port (the tests do).
    public var port = 8080
    /// The largest request body accepted; a larger one is answered 413 and never stored.
    public var maxUploadBytes = 200 * 1_048_576
    /// Analyses running at once, each on its own thread with its own face finder.
    public var maxConcurrent = 2
    /// Uploads waiting for a free analysis beyond those running; more get 429.
    public var queueLimit = 8
    /// Seconds one analysis may run before it is stopped and its job failed.
    public var jobTimeout: Double = 300
    /// Seconds a finished job (and its crops) is kept for `GET /api/v1/jobs/{id}`.
    public var retention: Double = 3600
    /// Seconds a connection may send nothing (within a request or between two) before it is
    /// closed; this also ends a request whose headers never finish.
    public var idleTimeout: Double = 30
    /// Seconds a request body may take to arrive; a slower upload is refused (408).
    public var readTimeout: Double = 300
    /// Connections open at once; one more is closed as soon as it is accepted.
    public var maxConnections = 100
    /// The folder in which the server makes its own temporary folder (``TemporaryFolder``);
    /// nil means the system's temp folder. The server never deletes anything else there.
    public var temporaryDirectory: String?
    /// The same sampling, aggregate and threshold as `mesoscope detect`'s defaults.
    public var sampling = FrameSampling.evenly(30)
    public var aggregate = Aggregate.mean
    public var threshold = 0.5

    public init() {}
}
