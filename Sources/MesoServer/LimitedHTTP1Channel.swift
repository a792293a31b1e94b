import Foundation
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1.1 connection with the server's limits: at most a number of connections
/// open at once, the idle timeout of `HTTP1Channel`, and HTTP/1.x's connection rules
/// (``ConnectionCloseHandler``).
///
/// A connection over the limit is closed as soon as it is accepted, instead of waiting in the
/// listen backlog, so a client that opens many idle sockets cannot hold the server's file
/// descriptors; one that stays silent is closed after the idle timeout.
struct LimitedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    private let http1: HTTP1Channel
    private let idleTimeout: Double
    private let connections: ConnectionCount

    /// `idleTimeout` is in seconds.
    init(responder: @escaping HTTPChannelHandler.Responder, idleTimeout: Double, connections: ConnectionCount) {
        http1 = HTTP1Channel(responder: responder, configuration: .init(idleTimeout: .nanoseconds(Int64(idleTimeout * 1e9))))
        self.idleTimeout = idleTimeout
        self.connections = connections
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        http1.setup(channel: channel, logger: logger).flatMapThrowing { [idleTimeout, connections] value in
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(ConnectionCloseHandler(idleTimeout: idleTimeout),
                                    position: .after(try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)))
            if connections.opened() {
                channel.closeFuture.whenComplete { _ in connections.closed() }
            } else {
                channel.close(promise: nil)
            }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}

/// The server's open connections, counted across its event loops.
final class ConnectionCount: @unchecked Sendable {
    private let limit: Int
    private let lock = NSLock()
    private var count = 0

    init(limit: Int) { self.limit = limit }

    /// Counts a new connection, or answers false when the limit is reached (it is not counted).
    func opened() -> Bool {
        lock.withLock {
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func closed() {
        lock.withLock { count -= 1 }
    }
}
