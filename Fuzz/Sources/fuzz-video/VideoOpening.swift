import FuzzSupport
import MesoMedia

/// Opening a video (libavformat's probe, the stream checks) and decoding its first three frames
/// to RGB, as `detect` and the server's upload check do. libav* reads from a path, so the input
/// is written to a file first. A thrown `MediaError` is the right answer; only crashes are findings.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let path = writeInput(start, count, as: "input.mp4")
    guard let reader = try? VideoReader(contentsOf: path) else { return 0 }
    try? reader.forEachFrame(at: [0, 1, 2]) { _ in }
    return 0
}
