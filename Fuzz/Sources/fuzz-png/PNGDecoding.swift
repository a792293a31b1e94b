import FuzzSupport
import MesoMedia

/// PNG decoding (libpng through `PNGDecoder`, with Pillow's conversions), from the bytes as
/// `ImageDecoder` sniffs them. A thrown `MediaError` is the right answer; only crashes are findings.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    _ = try? ImageDecoder.decode(bytes: inputBytes(start, count), path: "fuzz.png")
    return 0
}
