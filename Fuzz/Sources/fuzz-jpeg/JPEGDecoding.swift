import FuzzSupport
import MesoMedia

/// JPEG decoding (libjpeg-turbo through `JPEGDecoder`), from the bytes as `ImageDecoder` sniffs them.
/// A thrown `MediaError` is the right answer to a broken file; only crashes are findings.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    _ = try? ImageDecoder.decode(bytes: inputBytes(start, count), path: "fuzz.jpg")
    return 0
}
