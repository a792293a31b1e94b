import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MesoFaces
import MesoServer
import MesoscopeKit
import MesoTestSupport

/// A real `mesoscope serve` in this process, on a port the system chose, making its temporary
/// folder in a fresh scratch folder; requests go to it over loopback through URLSession.
struct TestServer {
    static let detector: Detector = {
        do {
            return try Detector(architecture: .meso4, weightsPath: SharedData.path("mesonet/weights/Meso4_DF.h5"))
        } catch { fatalError("\(error)") }
    }()
    static let landmarks: LandmarkModel = {
        do { return try LandmarkModel() } catch { fatalError("\(error)") }
    }()

    let base: URL
    /// The server's own folder, which it made inside `options.temporaryDirectory`.
    let folder: URL
    private let task: Task<Void, any Error>

    /// Starts a server with `configure`'s options; stop it with ``stop()``.
    static func start(_ configure: (inout ServerOptions) -> Void = { _ in }) async throws -> TestServer {
        var options = ServerOptions()
        options.port = 0
        options.maxConcurrent = 1
        options.temporaryDirectory = try SharedData.scratchDirectory("serve-tmp").path
        configure(&options)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = try buildApplication(options, detector: detector, landmarks: landmarks) { port in
            portContinuation.yield(port)
        }
        let task = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw URLError(.cannotConnectToHost) }
        let parent = URL(fileURLWithPath: options.temporaryDirectory!, isDirectory: true)
        let own = try FileManager.default.contentsOfDirectory(atPath: parent.path).filter { $0.hasPrefix("mesoscope-serve-") }
        guard own.count == 1 else { throw CocoaError(.fileNoSuchFile) }
        return TestServer(base: URL(string: "http://127.0.0.1:\(port)")!, folder: parent.appendingPathComponent(own[0]), task: task)
    }

    var port: Int { base.port! }

    func stop() { task.cancel() }

    /// The files left in the server's temporary folder.
    var temporaryFiles: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    }

    /// Waits until `condition` holds, checking every 50 ms, and says whether it did within `timeout` seconds.
    static func eventually(within timeout: Double, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }

    struct Reply {
        let status: Int
        let headers: [String: String]
        let body: Data

        var json: [String: Any] {
            get throws {
                guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                    throw URLError(.cannotParseResponse)
                }
                return object
            }
        }
    }

    /// `streamed` sends the body from a stream, chunked, without a Content-Length.
    func request(_ method: String, _ path: String, body: Data? = nil, contentType: String? = nil,
                 streamed: Bool = false) async throws -> Reply {
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = method
        request.timeoutInterval = 120
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        let (data, response): (Data, URLResponse)
        if let body, streamed {
            request.httpBodyStream = InputStream(data: body)
            (data, response) = try await URLSession.shared.data(for: request)
        } else if let body {
            (data, response) = try await URLSession.shared.upload(for: request, from: body)
        } else {
            (data, response) = try await URLSession.shared.data(for: request)
        }
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers[String(describing: key).lowercased()] = String(describing: value) }
        return Reply(status: http.statusCode, headers: headers, body: data)
    }

    func get(_ path: String) async throws -> Reply { try await request("GET", path) }

    /// POSTs `file` as the `file` part of a multipart form, as the page and `curl -F` do.
    func upload(_ file: Data, name: String, path: String = "api/v1/detect") async throws -> Reply {
        let boundary = "mesoscope-test-\(UUID().uuidString)"
        return try await request("POST", path, body: Self.form(file, name: name, boundary: boundary),
                                 contentType: "multipart/form-data; boundary=\(boundary)")
    }

    static func form(_ file: Data, name: String, boundary: String, closed: Bool = true) -> Data {
        var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n".utf8)
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\n".utf8)
        body += Data("Content-Type: application/octet-stream\r\n\r\n".utf8)
        body += file
        if closed { body += Data("\r\n--\(boundary)--\r\n".utf8) }
        return body
    }

    /// Polls the job until it has finished, or fails after `timeout` seconds.
    func waitForJob(_ id: String, timeout: Double = 120) async throws -> [String: Any] {
        let start = Date()
        while true {
            let job = try await get("api/v1/jobs/\(id)").json
            if let state = job["state"] as? String, ["done", "failed", "cancelled"].contains(state) { return job }
            if Date().timeIntervalSince(start) > timeout { throw URLError(.timedOut) }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
