import Foundation

/// A scratch folder for inputs that the code under test reads by path (HDF5, video, JSON files),
/// in RAM when `/dev/shm` exists so that a million runs do not write a million files to disk.
/// One per process (its id in the name), so fuzzers running side by side never share files.
public let fuzzScratch: String = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let folder = "\(base)/mesoscope-fuzz-\(getpid())"
    try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
}()

/// Writes the fuzzer's input to `name` in ``fuzzScratch`` and returns the file's path; the next
/// run overwrites it.
public func writeInput(_ start: UnsafeRawPointer, _ count: Int, as name: String) -> String {
    let path = "\(fuzzScratch)/\(name)"
    let written = FileManager.default.createFile(atPath: path, contents: Data(bytes: start, count: count))
    precondition(written, "cannot write the fuzz input to \(path)")
    return path
}

/// The fuzzer's input as an array.
public func inputBytes(_ start: UnsafeRawPointer, _ count: Int) -> [UInt8] {
    Array(UnsafeRawBufferPointer(start: start, count: count))
}
