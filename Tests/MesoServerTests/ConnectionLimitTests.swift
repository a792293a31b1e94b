import Foundation
import MesoTestSupport
import Testing

/// What a client cannot make the server hold: disk for uploads it will refuse, connections that
/// send nothing or trickle, more connections than the limit. Raw sockets over 127.0.0.1.
@Suite(.serialized) struct ConnectionLimitTests {
    static func uploadHead(length: Int) -> String {
        "POST /api/v1/detect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: video/mp4\r\nContent-Length: \(length)\r\n\r\n"
    }

    @Test func aFullQueueRefusesAnUploadFromItsHeadersBeforeStoringIt() async throws {
        let server = try await TestServer.start { $0.queueLimit = 0 }
        defer { server.stop() }
        // The one place: an upload that is still arriving.
        let first = try RawConnection(port: server.port)
        await first.send(Self.uploadHead(length: 60_000_000) + String(repeating: "x", count: 1000))
        #expect(try await TestServer.eventually(within: 30) { server.temporaryFiles.count == 1 })

        let second = try RawConnection(port: server.port)
        await second.send(Self.uploadHead(length: 60_000_000))
        let refused = try await second.response(timeout: 30)
        #expect(refused.status == 429)
        #expect(refused.headers["retry-after"] == "5")
        #expect(refused.headers["connection"] == "close")
        #expect((try refused.json["error"] as? String)?.contains("busy") == true)
        #expect(server.temporaryFiles.count == 1, "the refused body was never stored")
        #expect(await second.closedByServer(within: 30))

        first.hangUp()
        let photo = try Data(contentsOf: SharedData.url(APITests.photo))
        #expect(try await TestServer.eventually(within: 30) { server.temporaryFiles.isEmpty })
        #expect(try await server.upload(photo, name: "a.jpg").status == 200, "the place is free again")
    }

    @Test func aConnectionThatStopsSendingIsClosedAfterTheIdleTimeout() async throws {
        let server = try await TestServer.start { $0.idleTimeout = 0.5 }
        defer { server.stop() }
        let start = ContinuousClock.now
        let halfHead = try RawConnection(port: server.port)
        await halfHead.send("POST /api/v1/detect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
        let halfBody = try RawConnection(port: server.port)
        await halfBody.send(Self.uploadHead(length: 100_000) + String(repeating: "x", count: 1000))
        #expect(await halfHead.closedByServer(within: 30))
        let reply = try await halfBody.response(timeout: 30)
        #expect(reply.status == 408)
        #expect((try reply.json["error"] as? String)?.contains("--idle-timeout") == true)
        #expect(await halfBody.closedByServer(within: 30))
        #expect(ContinuousClock.now - start < .seconds(20), "closed by the 0.5 s idle timeout, not by a later limit")
        #expect(try await TestServer.eventually(within: 30) { server.temporaryFiles.isEmpty }, "left behind: \(server.temporaryFiles)")
    }

    @Test func anUploadThatTricklesIsRefusedAfterTheReadTimeout() async throws {
        // The idle timeout is well beyond the read timeout, so only the latter can end this upload.
        let server = try await TestServer.start {
            $0.idleTimeout = 10
            $0.readTimeout = 1
        }
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        await connection.send(Self.uploadHead(length: 100_000))
        let trickle = Task {
            for _ in 0..<50 {
                guard await connection.send("x") else { return }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        let reply = try await connection.response(timeout: 30)
        trickle.cancel()
        #expect(reply.status == 408)
        #expect(reply.headers["connection"] == "close")
        #expect((try reply.json["error"] as? String)?.contains("--read-timeout") == true)
        #expect(await connection.closedByServer(within: 30))
        #expect(try await TestServer.eventually(within: 30) { server.temporaryFiles.isEmpty }, "left behind: \(server.temporaryFiles)")
    }

    @Test func connectionsOverTheLimitAreClosedAtOnce() async throws {
        let server = try await TestServer.start { $0.maxConnections = 2 }
        defer { server.stop() }
        let health = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        let open = try [RawConnection(port: server.port), RawConnection(port: server.port)]
        for connection in open {
            await connection.send(health)
            #expect(try await connection.response().status == 200)
        }
        let third = try RawConnection(port: server.port)
        #expect(await third.closedByServer(within: 30), "the third connection is closed")

        open[0].hangUp()
        // The server counts the closed connection as soon as it notices it.
        var answered = false
        for _ in 0..<100 where !answered {
            try await Task.sleep(for: .milliseconds(100))
            let next = try RawConnection(port: server.port)
            await next.send(health)
            answered = (try? await next.response(timeout: 5))?.status == 200
        }
        #expect(answered, "a place is free again")
        await open[1].send(health)
        #expect(try await open[1].response().status == 200, "the open connections still work")
    }
}
