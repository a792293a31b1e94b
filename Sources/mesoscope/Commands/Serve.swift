import ArgumentParser
import Foundation
import MesoServer
import MesoscopeKit

/// `mesoscope serve`: the demo page and the JSON API (docs/api.md) over HTTP.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the demo page and the JSON API (docs/api.md) over HTTP.",
        discussion: """
        Open http://HOST:PORT/ in a browser, or POST photos and videos to /api/v1/detect. \
        The server binds to loopback unless --host says otherwise: it has no authentication.
        """
    )

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "The address to listen on; 0.0.0.0 for every interface.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    @Option(name: .customLong("max-upload-mb"), help: "The largest upload accepted, in MB; larger ones get 413.")
    var maxUploadMB = 200

    @Option(help: "Analyses run at once (default: one per core, at most 2).")
    var maxConcurrent: Int?

    @Option(name: .customLong("queue"), help: "Uploads that may wait for a free analysis; more get 429.")
    var queueLimit = 8

    @Option(help: "Seconds one analysis may take before it is stopped and its job failed.")
    var jobTimeout: Double = 300

    @Option(help: "Seconds a finished job and its face crops are kept.")
    var retention: Double = 3600

    @Option(help: "Seconds a connection may send nothing before it is closed.")
    var idleTimeout: Double = 30

    @Option(help: "Seconds an upload may take to arrive; slower ones get 408.")
    var readTimeout: Double = 300

    @Option(help: "Connections open at once; more are closed at once.")
    var maxConnections = 100

    @Option(help: "The folder in which the server makes its own temporary folder for uploads, deleted when it stops (default: the system temp folder).")
    var tempDir: String?

    /// Every number is checked against a range, so none can overflow the server's arithmetic
    /// (`--max-upload-mb` in bytes, timeouts in nanoseconds) or ask for absurd resources.
    func validate() throws {
        try Self.check("--port", port, 0...65535)
        try Self.check("--max-upload-mb", maxUploadMB, 1...1_048_576)
        if let maxConcurrent { try Self.check("--max-concurrent", maxConcurrent, 1...64) }
        try Self.check("--queue", queueLimit, 0...10_000)
        try Self.check("--max-connections", maxConnections, 1...100_000)
        for (name, seconds) in [("--job-timeout", jobTimeout), ("--retention", retention),
                                ("--idle-timeout", idleTimeout), ("--read-timeout", readTimeout)] {
            try Self.check(name, seconds, 0.001...1_000_000)
        }
    }

    private static func check<Value: Comparable>(_ name: String, _ value: Value, _ range: ClosedRange<Value>) throws {
        guard range.contains(value) else {
            throw ValidationError("\(name) must be between \(range.lowerBound) and \(range.upperBound)")
        }
    }

    func run() async throws {
        var options = ServerOptions()
        options.host = host
        options.port = port
        options.maxUploadBytes = maxUploadMB * 1_048_576
        options.maxConcurrent = maxConcurrent ?? min(2, ProcessInfo.processInfo.activeProcessorCount)
        options.queueLimit = queueLimit
        options.jobTimeout = jobTimeout
        options.retention = retention
        options.idleTimeout = idleTimeout
        options.readTimeout = readTimeout
        options.maxConnections = maxConnections
        options.temporaryDirectory = tempDir
        options.threshold = modelOptions.threshold
        let detector = try modelOptions.loadDetector()
        let app = try buildApplication(options, detector: detector, landmarks: SamplingOptions.loadLandmarks()) { [options] port in
            let line = "mesoscope serve: http://\(options.host):\(port)/ (\(modelOptions.weightsName), "
                + "\(options.maxConcurrent) analyses at once, \(options.queueLimit) waiting, uploads up to \(maxUploadMB) MB)\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
        try await app.runService()
    }
}
