import Dispatch
import Foundation
import FuzzSupport
import Hummingbird
@testable import MesoServer
import MesoMedia

/// The server's folder for uploads, here under the fuzz scratch folder.
let folder: TemporaryFolder = {
    try! FileManager.default.createDirectory(atPath: "\(fuzzScratch)/uploads", withIntermediateDirectories: true)
    return try! TemporaryFolder(inside: "\(fuzzScratch)/uploads")
}()

/// Small enough that inputs reach the "too large" refusal as well as complete forms.
let limit = 16 * 1024

/// A `POST /api/v1/detect` body as the server receives it (`Upload.receive`, MultipartKit's
/// parser, the `Content-Disposition` reading), without a socket.
///
/// The first input byte shapes the request: 2 to the power of its low 4 bits is the size of the
/// chunks the body arrives in (a form's boundary can straddle two; sizes grow by powers of two so
/// that 1-byte chunks, a write each, stay a small share of the runs), and its high bit sends the
/// body raw instead of as `multipart/form-data; boundary=fuzz`. The rest is the body. A refusal is the
/// right answer to a bad form; the findings are crashes, and an upload that outlives its
/// request: a temporary file left behind, or more bytes kept than the limit allows.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = inputBytes(start, count)
    guard let shape = bytes.first else { return 0 }
    let body = bytes.dropFirst()
    let chunkSize = 1 << Int(shape & 0x0F)

    var head = HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/api/v1/detect")
    if shape & 0x80 == 0 { head.headerFields[.contentType] = "multipart/form-data; boundary=fuzz" }
    let (chunks, source) = AsyncStream<ByteBuffer>.makeStream()
    for offset in stride(from: body.startIndex, to: body.endIndex, by: chunkSize) {
        source.yield(ByteBuffer(bytes: body[offset..<min(offset + chunkSize, body.endIndex)]))
    }
    source.finish()
    let request = Request(head: head, body: RequestBody(asyncSequence: chunks))

    let finished = DispatchSemaphore(value: 0)
    Task {
        defer { finished.signal() }
        guard let upload = try? await Upload.receive(request, limit: limit, timeout: 60, into: folder) else { return }
        precondition(upload.size <= limit, "kept \(upload.size) bytes, over the \(limit)-byte limit")
        folder.remove(upload.file)
    }
    finished.wait()
    let left = try! FileManager.default.contentsOfDirectory(atPath: folder.url.path)
    precondition(left.isEmpty, "a refused upload left \(left) behind")
    return 0
}
