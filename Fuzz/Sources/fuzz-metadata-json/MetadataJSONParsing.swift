import FuzzSupport
import MesoData

/// The two `{"file name": {"label", "split"}}` files: DFDC's `metadata.json` (labels "FAKE"/"REAL")
/// and the write-up's `traindata.json` (labels 1/0), which share `MetadataEntry` but name their
/// files differently. Both readers get the same input. A thrown `DatasetError` is the right
/// answer; only crashes are findings.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let path = writeInput(start, count, as: DFDCDataset.metadataFileName)
    _ = try? DFDCDataset.items(folder: fuzzScratch)
    _ = try? WriteupDataset.items(file: path)
    return 0
}
