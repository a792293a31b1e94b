import FuzzSupport
import MesoEngine
import MesoModelFiles
import MesoModels

/// Both networks, built once: a load that succeeds only overwrites their weights, and one that
/// fails leaves them as they were, so every run can reuse them.
let models: [(Model, Architecture)] = Architecture.allCases.map { ($0.build(), $0) }

/// Loading Keras HDF5 weights (libhdf5 through `HDF5File`, then `KerasWeights`' layer matching)
/// into Meso-4 and MesoInception-4. libhdf5 opens paths, so the input is written to a file first.
/// A thrown `ModelFileError` is the right answer; only crashes are findings. The files it found
/// declaring datasets far larger than themselves were mutated copies of ../shared's weights, so
/// they are not committed; `WeightFileErrorTests.hugeDeclaredDatasetIsRefusedBeforeReading`
/// makes such a file from the shared weights at test time instead.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let path = writeInput(start, count, as: "weights.h5")
    for (model, architecture) in models {
        try? KerasWeights.load(path, into: model, architecture: architecture)
    }
    return 0
}
