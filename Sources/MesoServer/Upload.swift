import Foundation
import Hummingbird
import MultipartKit

/// An uploaded file, written to the server's temporary folder under a name the server chose.
struct Upload: Sendable {
    let file: URL
    /// What the client called the file (the form part's `filename`), for display in results
    /// only; nil for a raw body.
    let name: String?
    let size: Int
}

extension Upload {
    /// Refuses a body whose declared `Content-Length` is over `limit`, before anything is read.
    static func checkDeclaredSize(_ request: Request, limit: Int) throws(APIError) {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw APIError.tooLarge(limit: limit)
        }
    }

    /// Streams the request body into a new file of `folder`, chunk by chunk, so a large video is
    /// never held in memory.
    ///
    /// The body is either `multipart/form-data`, whose first part with a file name (or named
    /// `file`) is the upload, or the raw bytes of the file. It is counted as it arrives and
    /// refused at the first byte over `limit`, or at the first chunk after `timeout` seconds, so
    /// a client that trickles its bytes cannot hold a place in the queue for long (one that stops
    /// sending is cut off by the connection's idle timeout). Whatever goes wrong, including a
    /// client that hangs up, the partial file is removed before the error leaves.
    static func receive(_ request: Request, limit: Int, timeout: Double, into folder: TemporaryFolder) async throws -> Upload {
        let (file, handle): (URL, FileHandle)
        do {
            (file, handle) = try folder.create()
        } catch {
            throw APIError(status: .internalServerError, message: error.description)
        }
        do {
            defer { try? handle.close() }
            var budget = BodyBudget(limit: limit, timeout: timeout)
            let received: (name: String?, size: Int)
            if let boundary = multipartBoundary(request) {
                received = try await receiveForm(request.body, boundary: boundary, budget: &budget, into: handle)
            } else {
                received = (nil, try await receiveRaw(request.body, budget: &budget, into: handle))
            }
            return Upload(file: file, name: received.name, size: received.size)
        } catch {
            folder.remove(file)
            throw error
        }
    }

    /// The boundary of a `multipart/form-data` body; nil for any other body.
    private static func multipartBoundary(_ request: Request) -> String? {
        guard let header = request.headers[.contentType], let type = MediaType(from: header),
              type.isType(.multipartForm), let parameter = type.parameter, parameter.name == "boundary",
              !parameter.value.isEmpty else { return nil }
        return parameter.value
    }

    private static func receiveRaw(_ body: RequestBody, budget: inout BodyBudget, into handle: FileHandle) async throws -> Int {
        for try await buffer in body {
            try budget.take(buffer)
            try buffer.withUnsafeReadableBytes { try handle.write(contentsOf: $0) }
        }
        return budget.received
    }

    /// Writes the form's file part as the parser finds it; the other parts are skipped.
    private static func receiveForm(_ body: RequestBody, boundary: String, budget: inout BodyBudget,
                                    into handle: FileHandle) async throws -> (name: String?, size: Int) {
        let parser = MultipartParser(boundary: boundary)
        var partIsFile = false, fileSeen = false, fileComplete = false
        var name: String?
        var pending: [ByteBuffer] = []
        parser.onHeader = { field, value in
            guard field.lowercased() == "content-disposition", !fileSeen else { return }
            let filename = dispositionParameter("filename", in: value)
            if filename != nil || dispositionParameter("name", in: value) == "file" {
                partIsFile = true
                fileSeen = true
                name = filename.map(displayName)
            }
        }
        parser.onBody = { chunk in if partIsFile { pending.append(chunk) } }
        parser.onPartComplete = {
            if partIsFile { fileComplete = true }
            partIsFile = false
        }
        var headerGuard = MultipartHeaderGuard(boundary: boundary)
        var fileSize = 0
        for try await buffer in body {
            try budget.take(buffer)
            do {
                try headerGuard.check(buffer)
                try parser.execute(buffer)
            } catch {
                throw APIError.badRequest("the multipart/form-data body is malformed")
            }
            for chunk in pending {
                fileSize += chunk.readableBytes
                try chunk.withUnsafeReadableBytes { try handle.write(contentsOf: $0) }
            }
            pending.removeAll(keepingCapacity: true)
        }
        guard fileSeen else {
            throw APIError.badRequest("the form holds no file: send it as a part with a file name, e.g. curl -F file=@video.mp4")
        }
        guard fileComplete else {
            throw APIError.badRequest("the upload was cut off: the form ended inside the file part")
        }
        return (name, fileSize)
    }

    /// A `Content-Disposition` parameter (`name="file"`, `filename="a.mp4"`), unquoted.
    private static func dispositionParameter(_ key: String, in header: String) -> String? {
        for item in header.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            let value = pair[1].trimmingCharacters(in: .whitespaces)
            return value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"")
                ? String(value.dropFirst().dropLast()) : value
        }
        return nil
    }

    /// A client's file name made safe to show: its last path component, at most 200 characters.
    /// It is only ever displayed, never used to name a file.
    private static func displayName(_ filename: String) -> String {
        let last = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        return String(last.filter { !$0.isNewline }.prefix(200))
    }
}

/// What one request body may use: at most `limit` bytes, all arrived within `timeout` seconds of
/// the start.
private struct BodyBudget {
    let limit: Int
    let timeout: Double
    private let deadline: ContinuousClock.Instant
    private(set) var received = 0

    init(limit: Int, timeout: Double) {
        self.limit = limit
        self.timeout = timeout
        deadline = .now + .seconds(timeout)
    }

    /// Counts a chunk that arrived, and refuses it when it is over the size or the time.
    mutating func take(_ buffer: ByteBuffer) throws(APIError) {
        received += buffer.readableBytes
        guard received <= limit else { throw .tooLarge(limit: limit) }
        guard ContinuousClock.now <= deadline else { throw .readTimeout(seconds: timeout) }
    }
}
