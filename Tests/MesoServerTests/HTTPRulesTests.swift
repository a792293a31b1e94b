import Foundation
import MesoTestSupport
import Testing

/// HTTP's rules as the server keeps them: the request's version and connection, and JSON errors
/// for what it does not serve.
@Suite(.serialized) struct HTTPRulesTests {
    @Test func anHTTP10RequestGetsAnHTTP10AnswerAndTheConnectionCloses() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let old = try RawConnection(port: server.port)
        await old.send("GET /healthz HTTP/1.0\r\n\r\n")
        let reply = try await old.response()
        #expect(reply.statusLine.hasPrefix("HTTP/1.0 200"), "\(reply.statusLine)")
        #expect(reply.headers["connection"] == "close")
        #expect(try reply.json["status"] as? String == "ok")
        #expect(await old.closedByServer(within: 30))

        let closing = try RawConnection(port: server.port)
        await closing.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let closed = try await closing.response()
        #expect(closed.statusLine.hasPrefix("HTTP/1.1 200"))
        #expect(closed.headers["connection"] == "close")
        #expect(await closing.closedByServer(within: 30))
    }

    @Test func unknownRoutesGetJSON404AndWrongMethodsJSON405() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let missing = try await server.get("nope")
        #expect(missing.status == 404)
        #expect(missing.headers["content-type"]?.hasPrefix("application/json") == true)
        #expect((try missing.json["error"] as? String)?.contains("GET /nope") == true)

        let get = try await server.get("api/v1/detect")
        #expect(get.status == 405)
        #expect(get.headers["allow"] == "POST")
        #expect((try get.json["error"] as? String)?.contains("answers POST") == true)
        let put = try await server.request("PUT", "api/v1/jobs/abc", body: Data("x".utf8))
        #expect(put.status == 405)
        #expect(put.headers["allow"] == "GET, DELETE")

        let raw = try RawConnection(port: server.port)
        await raw.send("OPTIONS /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let options = try await raw.response()
        #expect(options.status == 405)
        #expect(options.headers["allow"] == "GET")
        await raw.send("PROPFIND /nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let propfind = try await raw.response()
        #expect(propfind.status == 404)
        #expect((try propfind.json["error"] as? String)?.contains("PROPFIND /nope") == true)
    }

    /// A usage error, which `mesoscope` exits with 2 (MesoscopeCommand), never an overflow trap.
    @Test func outOfRangeNumbersAreUsageErrors() throws {
        for arguments in [["--max-upload-mb", "99999999999999"], ["--port", "70000"], ["--idle-timeout", "1e300"],
                          ["--read-timeout", "nan"], ["--max-connections", "0"], ["--queue", "20000"]] {
            // Weights that do not exist make a run that got past the checks end at once.
            let run = try CommandRunner.mesoscope(["serve", "--weights", "/nonexistent/weights.h5"] + arguments)
            #expect(run.status == 2, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains("\(arguments[0]) must be between"), "\(run.stderr)")
        }
    }
}
