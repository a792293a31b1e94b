import Foundation

/// A TCP connection to a test server on 127.0.0.1 over a plain socket, for what URLSession will
/// not do: send half a request or send it slowly, speak HTTP/1.0, hold a connection open.
///
/// Every wait is bounded by a timeout, and the blocking calls run on a Dispatch thread, off the
/// threads that run the server's handlers.
final class RawConnection: @unchecked Sendable {
    struct Response {
        let statusLine: String
        /// Header names in lower case.
        let headers: [String: String]
        let body: Data

        var status: Int { Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0 }

        var json: [String: Any] {
            get throws {
                guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                    throw URLError(.cannotParseResponse)
                }
                return object
            }
        }
    }

    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(descriptor) }

    /// Ends the connection from this side, as a client that gives up.
    func hangUp() { shutdown(descriptor, Int32(SHUT_RDWR)) }

    /// Sends all of `text`; false when the server has closed the connection.
    @discardableResult
    func send(_ text: String) async -> Bool {
        await blocking { [descriptor] in
            let bytes = Array(text.utf8)
            var sent = 0
            while sent < bytes.count {
                let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard count > 0 else { return false }
                sent += count
            }
            return true
        }
    }

    /// Reads one response: its head, then `Content-Length` bytes of body, or the body up to the
    /// end of the connection. Throws when it has not all arrived within `timeout` seconds.
    func response(timeout: Double = 30) async throws -> Response {
        var received = Data()
        let deadline = ContinuousClock.now + .seconds(timeout)
        while true {
            if let response = Self.parse(received, complete: false) { return response }
            switch try await read(until: deadline) {
            case .some(let chunk): received += chunk
            case .none:
                guard let response = Self.parse(received, complete: true) else { throw URLError(.networkConnectionLost) }
                return response
            }
        }
    }

    /// Reads and drops what the server sends until it closes the connection; false when it is
    /// still open after `timeout` seconds.
    func closedByServer(within timeout: Double) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while true {
            do {
                guard try await read(until: deadline) != nil else { return true }
            } catch {
                return false
            }
        }
    }

    /// The next bytes, or nil when the server closed the connection (or reset it).
    private func read(until deadline: ContinuousClock.Instant) async throws -> Data? {
        let wait = deadline - ContinuousClock.now
        let milliseconds = max(0, Int32(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000))
        let chunk: Data?? = await blocking { [descriptor] in
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, milliseconds) > 0 else { return .none }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = recv(descriptor, &buffer, buffer.count, 0)
            return .some(count > 0 ? Data(buffer[..<count]) : nil)
        }
        guard let chunk else { throw URLError(.timedOut) }
        return chunk
    }

    private static func parse(_ data: Data, complete: Bool) -> Response? {
        guard let end = data.firstRange(of: Data("\r\n\r\n".utf8)) else { return nil }
        let lines = String(decoding: data[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = data[end.upperBound...]
        if let length = headers["content-length"].flatMap(Int.init) {
            guard body.count >= length else { return nil }
            return Response(statusLine: lines[0], headers: headers, body: Data(body.prefix(length)))
        }
        return complete ? Response(statusLine: lines[0], headers: headers, body: Data(body)) : nil
    }

    private func blocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}
