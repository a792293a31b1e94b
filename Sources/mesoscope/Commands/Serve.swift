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

    @Option(help: "The server's temporary folder for uploads, emptied at start-up (default: mesoscope-serve-PORT in the system temp folder).")
    var tempDir: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard maxUploadMB >= 1 else { throw ValidationError("--max-upload-mb must be at least 1") }
        if let maxConcurrent, maxConcurrent < 1 { throw ValidationError("--max-concurrent must be at least 1") }
        guard queueLimit >= 0 else { throw ValidationError("--queue must be 0 or more") }
        guard jobTimeout > 0 else { throw ValidationError("--job-timeout must be positive") }
        guard retention > 0 else { throw ValidationError("--retention must be positive") }
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
