import Foundation
import Hummingbird
import MesoData

/// An API failure: an HTTP status and a message saying what was wrong with the request and, where
/// it can, what to send instead. It answers as `{"error": message}`.
struct APIError: Error, HTTPResponseError, CustomStringConvertible {
    let status: HTTPResponse.Status
    let message: String
    var headers: HTTPFields = [:]

    var description: String { "\(status.code): \(message)" }

    /// The body every API error answers with.
    var json: JSONValue { .object([("error", .string(message))]) }

    func response(from request: Request, context: some RequestContext) -> Response {
        var response = Response.json(json, status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    /// The refusals that can come before the body has been read say `Connection: close`: the
    /// server stops reading a body it will not use, and the connection is not reused.
    static func tooLarge(limit: Int) -> APIError {
        APIError(status: .contentTooLarge,
                 message: "the upload is larger than this server's limit of \(megabytes(limit)) (mesoscope serve --max-upload-mb)",
                 headers: [.connection: "close"])
    }

    static func readTimeout(seconds: Double) -> APIError {
        APIError(status: .requestTimeout,
                 message: "the upload took longer than this server's limit of \(String(format: "%g", seconds)) s to arrive (mesoscope serve --read-timeout)",
                 headers: [.connection: "close"])
    }

    static func badRequest(_ message: String) -> APIError { APIError(status: .badRequest, message: message) }

    static func unsupportedType(_ message: String) -> APIError { APIError(status: .unsupportedMediaType, message: message) }

    static func unreadable(_ message: String) -> APIError { APIError(status: .unprocessableContent, message: message) }

    static func busy(running: Int, queued: Int) -> APIError {
        APIError(status: .tooManyRequests,
                 message: "the server is busy: \(running) analyses running and \(queued) waiting; try again shortly",
                 headers: [.retryAfter: "5", .connection: "close"])
    }

    static func stalled(idleTimeout seconds: Double) -> APIError {
        APIError(status: .requestTimeout,
                 message: "the upload stopped: nothing arrived for \(String(format: "%g", seconds)) s (mesoscope serve --idle-timeout)",
                 headers: [.connection: "close"])
    }

    static func noRoute(_ request: Request) -> APIError {
        APIError(status: .notFound,
                 message: "nothing answers \(request.method) \(request.uri.path): the page is /, the API is under /api/v1/ (docs/api.md)")
    }

    static func methodNotAllowed(_ request: Request, allowed: [HTTPRequest.Method]) -> APIError {
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        return APIError(status: .methodNotAllowed, message: "\(request.uri.path) answers \(allow), not \(request.method)",
                        headers: [.allow: allow])
    }

    static func noSuchJob(_ id: String) -> APIError {
        APIError(status: .notFound, message: "no job \(id): it never existed or was dropped after the retention time")
    }

    private static func megabytes(_ bytes: Int) -> String {
        bytes % 1_048_576 == 0 ? "\(bytes / 1_048_576) MB" : "\(bytes) bytes"
    }
}

extension Response {
    /// A JSON body written by the project's one JSON writer, so job results keep the key order
    /// of `mesoscope detect --json`.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        let buffer = ByteBuffer(string: value.serialized())
        return Response(status: status,
                        headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(buffer.readableBytes)],
                        body: .init(byteBuffer: buffer))
    }
}
