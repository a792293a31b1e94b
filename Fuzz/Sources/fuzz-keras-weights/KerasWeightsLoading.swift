import FuzzSupport
import MesoEngine
import MesoModelFiles
import MesoModels

/// Both networks, built once: a load that succeeds only overwrites their weights, and one that
/// fails leaves them as they were, so every run can reuse them.
let models: [(Model, Architecture)] = Architecture.allCases.map { ($0.build(), $0) }

/// Loading Keras HDF5 weights (libhdf5 through `HDF5File`, then `KerasWeights`' layer matching)
/// into Meso-4 and MesoInception-4. libhdf5 opens paths, so the input is written to a file first.
/// A thrown `ModelFileError` is the right answer; only crashes are findings. Files declaring
/// datasets far larger than themselves (`Fuzz/regressions/keras-weights/`) are refused from the
/// declared shape before anything is allocated.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let path = writeInput(start, count, as: "weights.h5")
    for (model, architecture) in models {
        try? KerasWeights.load(path, into: model, architecture: architecture)
    }
    return 0
}
