import Foundation
import Hummingbird
@testable import MesoServer
import Testing

/// MultipartKit 4.7.1's parser traps on a byte over 0x7F in a part's header name (the upload
/// fuzzer's find, Fuzz/regressions/upload/); `MultipartHeaderGuard` must refuse such a form first,
/// and nothing else.
@Suite struct MultipartHeaderGuardTests {
    /// `text`'s UTF-8 split into chunks of `size` bytes, as a body may arrive.
    static func chunks(_ text: String, size: Int) -> [ByteBuffer] {
        let bytes = Array(text.utf8)
        return stride(from: 0, to: bytes.count, by: size).map { ByteBuffer(bytes: bytes[$0..<min($0 + size, bytes.count)]) }
    }

    static func passes(_ text: String, boundary: String = "b", size: Int) -> Bool {
        var headerGuard = MultipartHeaderGuard(boundary: boundary)
        return (try? chunks(text, size: size).forEach { try headerGuard.check($0) }) != nil
    }

    @Test(arguments: [1, 2, 5, 1000])
    func aNonASCIIHeaderNameIsRefusedWhereverTheChunksSplit(size: Int) {
        #expect(!Self.passes("--b\r\nCo\u{C5}ntent-Disposition: form-data; name=file\r\n\r\nx\r\n--b--\r\n", size: size))
        #expect(!Self.passes("--b\r\nContent-Disposition: form-data; name=file\r\nÉtag: 1\r\n\r\nx\r\n--b--\r\n", size: size))
        #expect(!Self.passes("preamble\r\n--b\r\nContent-Type: a\r\n\r\nx\r\n--b\r\n\u{C5}: y\r\n\r\n--b--\r\n", size: size))
        // The parser keeps a lone "\n" in the value, so the name starts after "\n\r\n" here.
        #expect(!Self.passes("--b\r\nContent-Disposition: form-data; name=file\t\n\r\n\u{FF}\r\n\r\nx\r\n--b--\r\n", size: size))
    }

    @Test(arguments: [1, 3, 1000])
    func utf8ValuesAndFileDataPass(size: Int) {
        let form = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"été.jpg\"\r\n\r\n"
            + "\u{C5}\n\u{C5}: data that only looks like a header\r\n--c\r\n\u{C5}\r\n--b--\r\n"
        #expect(Self.passes(form, size: size))
    }

    @Test func theServerAnswers400AndStaysUp() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let form = Data("--fuzz\r\nCo\u{C5}ntent-Disposition: form-data; name=file\r\n\r\nx\r\n--fuzz--\r\n".utf8)
        let reply = try await server.request("POST", "api/v1/detect", body: form,
                                             contentType: "multipart/form-data; boundary=fuzz")
        #expect(reply.status == 400)
        #expect(try reply.json["error"] as? String == "the multipart/form-data body is malformed")
        #expect(try await server.get("api/v1/jobs/nope").status == 404)
        #expect(server.temporaryFiles.isEmpty, "left behind: \(server.temporaryFiles)")
    }
}
