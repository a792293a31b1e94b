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
final class ConnectionCloseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    static let lingerTime = TimeAmount.seconds(2)

    /// The requests read and not yet answered, in order: a client may send the next one early.
    private var requests: [(version: HTTPVersion, keepAlive: Bool)] = []
    private var closeAfterResponse = false

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
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
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
}
