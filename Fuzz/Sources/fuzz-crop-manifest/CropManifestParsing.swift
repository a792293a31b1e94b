import FuzzSupport
import MesoData

/// A crops folder whose `manifest.jsonl` is the input: every row decoded as a `CropRecord`
/// and turned into a dataset item, as training reads it. A thrown error is the right answer to
/// a bad row; only crashes are findings.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    _ = writeInput(start, count, as: CropManifest.fileName)
    _ = try? CropManifestDataset.items(folder: fuzzScratch)
    return 0
}
