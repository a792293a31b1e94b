import MesoData
import NIOCore
import NIOHTTP1

/// Keeps HTTP/1.x's rules on when a connection ends, which the server's HTTPTypes codec cannot:
/// it drops the request's version.
///
/// It sits between NIO's HTTP/1 decoder and that codec. An HTTP/1.0 request is answered in
/// HTTP/1.0; a request that does not keep its connection alive (any HTTP/1.0 one, or
/// `Connection: close`) and a response that says `Connection: close` (a refusal sent before the
/// body was read) end the connection once the response is written. It ends as a lingering
/// close: the server stops sending at once, but reads and drops what the client still sends
/// for ``lingerTime`` before closing, so that a client still sending its body reads the answer
/// instead of a reset connection.
///
/// A request whose answer has not begun when the connection is closed under it (the idle
/// timeout cutting off an upload that stopped) is answered 408 first, so the client learns why.
final class ConnectionCloseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    static let lingerTime = TimeAmount.seconds(2)

    /// The idle timeout, named in the 408 to a request it cuts off.
    private let idleTimeout: Double
    /// The requests read and not yet answered, in order: a client may send the next one early.
    private var requests: [(version: HTTPVersion, keepAlive: Bool)] = []
    /// Whether a response has begun and not yet ended.
    private var isResponding = false
    private var closeAfterResponse = false

    init(idleTimeout: Double) { self.idleTimeout = idleTimeout }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            requests.append((head.version, head.isKeepAlive && head.version != .http1_0))
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            // A response with no request before it (a malformed one) is HTTP/1.1 and closes.
            let request = requests.isEmpty ? (version: HTTPVersion.http1_1, keepAlive: false) : requests.removeFirst()
            if request.version == .http1_0 { head.version = .http1_0 }
            closeAfterResponse = !request.keepAlive || head.headers[canonicalForm: "connection"].contains("close")
            if closeAfterResponse { head.headers.replaceOrAdd(name: "Connection", value: "close") }
            isResponding = true
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            isResponding = false
            guard closeAfterResponse else {
                context.write(data, promise: promise)
                return
            }
            context.writeAndFlush(data, promise: promise)
            context.close(mode: .output, promise: nil)
            let channel = context.channel
            channel.eventLoop.scheduleTask(in: Self.lingerTime) { channel.close(promise: nil) }
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .all, !isResponding, !closeAfterResponse, let request = requests.first {
            let error = APIError.stalled(idleTimeout: idleTimeout)
            let body = context.channel.allocator.buffer(string: error.json.serialized())
            let headers: HTTPHeaders = ["Content-Type": "application/json; charset=utf-8",
                                        "Content-Length": String(body.readableBytes), "Connection": "close"]
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: .requestTimeout,
                                                                 headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            requests.removeAll()
        }
        context.close(mode: mode, promise: promise)
    }
}
