import MesoEngine

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if os(Linux)
import Glibc
#else
import Darwin
#endif

/// The checkpoint file: one file, written atomically.
///
/// Layout (all integers little-endian):
///
/// | offset     | size | field |
/// |------------|------|-------|
/// | 0          | 8    | magic `MESOCKPT` |
/// | 8          | 4    | format version, UInt32 (1) |
/// | 12         | 4    | header length H in bytes, UInt32 |
/// | 16         | 8    | payload length P in bytes, UInt64 (a multiple of 4) |
/// | 24         | H    | header: UTF-8 JSON, keys sorted |
/// | 24 + H     | P    | payload: float32 values, back to back |
/// | 24 + H + P | 8    | FNV-1a 64 of bytes 0 ..< 24 + H + P, UInt64 |
///
/// The JSON header holds everything that is not a big float array, and the shapes of those
/// that are: `model`, `epoch`, `batch`, `step`; `dataGenerator` and `dropoutGenerators`
/// (`[{layer, state}]`), generator states as hexadecimal strings (a UInt64 does not survive every
/// JSON reader); `layers` (`[{name, weights: [{name, shape}]}]`); `optimizer` (`{kind: adam|sgd,
/// iterations, hyperparameters: {learning_rate, beta_1, beta_2, epsilon | momentum}, slots:
/// [{name: m|v|velocity, counts}]}`); `epochTotals` and `history` (metrics as JSON numbers, NaN
/// and infinities as the strings "nan", "inf", "-inf"). Floats in the header are written as
/// doubles, which print and parse back exactly.
///
/// The payload is every layer's weights in header order (each layer's tensors in weight-name
/// order, each tensor row-major as `Tensor.scalars`), then the optimizer's slot arrays in header
/// order (Adam: all of m, then all of v; SGD: velocity).
///
/// A reader checks, in order: empty file, magic (a foreign file), preamble complete, version,
/// file length against H and P (truncated, or bytes after the end), checksum (any flipped
/// byte), then that the header parses and its shapes add up to P. Each failure is a
/// `CheckpointError` with its own code and the file's path.
///
/// Writing (`save`): the bytes go to a temporary file `.<name>.tmp-<pid>-<random>` in the
/// target's directory, which is fsynced, renamed over the target (rename is atomic on POSIX
/// file systems) and then the directory is fsynced so the rename itself is durable. A reader
/// therefore sees the old checkpoint or the new one, never a mix. A writer that fails with an
/// error removes its temporary file; one that is killed leaves it behind, and the next `save`
/// to the same path removes every such leftover (one writer per path is assumed).
enum CheckpointFile {
    static let magic = Array("MESOCKPT".utf8)
    static let version: UInt32 = 1
    static let preambleSize = 24
    static let checksumSize = 8

    // MARK: Header

    struct Header: Codable {
        struct Generator: Codable { var layer: String; var state: String }
        struct Weight: Codable { var name: String; var shape: [Int] }
        struct Layer: Codable { var name: String; var weights: [Weight] }
        struct Slot: Codable { var name: String; var counts: [Int] }
        struct Optimizer: Codable {
            var kind: String
            var iterations: Int
            var hyperparameters: [String: Double]
            var slots: [Slot]
        }

        var model: String
        var epoch: Int
        var batch: Int
        var step: Int
        var dataGenerator: String
        var dropoutGenerators: [Generator]
        var layers: [Layer]
        var optimizer: Optimizer
        var epochTotals: EpochTotals
        var history: History
    }

    static func hex(_ generator: RandomGenerator) -> String { String(generator.state, radix: 16) }

    // MARK: Encoding

    static func encode(_ checkpoint: Checkpoint) -> [UInt8] {
        var arrays: [[Float]] = checkpoint.layers.flatMap { $0.tensors.map(\.scalars) }
        let optimizer: Header.Optimizer
        switch checkpoint.optimizer {
        case .adam(let s):
            optimizer = .init(kind: "adam", iterations: s.iterations,
                              hyperparameters: ["learning_rate": Double(s.learningRate), "beta_1": Double(s.beta1),
                                                "beta_2": Double(s.beta2), "epsilon": Double(s.epsilon)],
                              slots: [.init(name: "m", counts: s.m.map(\.count)), .init(name: "v", counts: s.v.map(\.count))])
            arrays += s.m + s.v
        case .sgd(let s):
            optimizer = .init(kind: "sgd", iterations: s.iterations,
                              hyperparameters: ["learning_rate": Double(s.learningRate), "momentum": Double(s.momentum)],
                              slots: [.init(name: "velocity", counts: s.velocity.map(\.count))])
            arrays += s.velocity
        }
        let header = Header(
            model: checkpoint.modelName, epoch: checkpoint.epoch, batch: checkpoint.batch, step: checkpoint.step,
            dataGenerator: hex(checkpoint.dataGenerator),
            dropoutGenerators: checkpoint.dropoutGenerators.map { .init(layer: $0.layer, state: hex($0.generator)) },
            layers: checkpoint.layers.map { layer in
                .init(name: layer.layer, weights: zip(layer.names, layer.tensors).map { .init(name: $0, shape: $1.shape) })
            },
            optimizer: optimizer, epochTotals: checkpoint.epochTotals, history: checkpoint.history)
        let json = Array(try! jsonEncoder.encode(header))   // plain Codable structs: cannot fail
        let payloadSize = arrays.reduce(0) { $0 + $1.count } * 4

        var bytes: [UInt8] = []
        bytes.reserveCapacity(preambleSize + json.count + payloadSize + checksumSize)
        bytes += magic
        append(version, to: &bytes)
        append(UInt32(json.count), to: &bytes)
        append(UInt64(payloadSize), to: &bytes)
        bytes += json
        for array in arrays { appendFloats(array, to: &bytes) }
        append(fnv1a(bytes[...]), to: &bytes)
        return bytes
    }

    static var jsonEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static var jsonDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    static func appendFloats(_ values: [Float], to bytes: inout [UInt8]) {
        #if _endian(little)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for value in values { append(value.bitPattern, to: &bytes) }
        #endif
    }

    /// FNV-1a, 64 bits: a few lines, and any single changed byte changes it.
    static func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    // MARK: Decoding

    static func decode(_ bytes: [UInt8], path: String) throws(CheckpointError) -> Checkpoint {
        func fail(_ code: CheckpointError.Code, _ message: String) -> CheckpointError {
            CheckpointError(code, path: path, message)
        }
        guard !bytes.isEmpty else {
            throw fail(.empty, "the checkpoint file is empty (0 bytes); use an earlier checkpoint")
        }
        let head = bytes.prefix(magic.count)
        guard head.elementsEqual(magic.prefix(head.count)) else {
            throw fail(.notACheckpoint, "not a Mesoscope checkpoint (it does not start with \"MESOCKPT\")")
        }
        guard bytes.count >= preambleSize else {
            throw fail(.truncated, "the checkpoint is truncated: \(bytes.count) bytes, not even its \(preambleSize)-byte preamble")
        }
        let version: UInt32 = integer(bytes, at: 8)
        guard version == Self.version else {
            throw fail(.unsupportedVersion, "checkpoint format version \(version); this build reads version \(Self.version)")
        }
        let headerSize = Int(integer(bytes, at: 12) as UInt32)
        let payloadSize64: UInt64 = integer(bytes, at: 16)
        guard payloadSize64 % 4 == 0, payloadSize64 < UInt64(Int.max / 2) else {
            throw fail(.malformed, "payload length \(payloadSize64) is not a whole number of float32 values")
        }
        let payloadSize = Int(payloadSize64)
        let expected = preambleSize + headerSize + payloadSize + checksumSize
        guard bytes.count >= expected else {
            throw fail(.truncated, "the checkpoint is truncated: \(bytes.count) bytes, its preamble promises \(expected)")
        }
        guard bytes.count == expected else {
            throw fail(.malformed, "\(bytes.count - expected) unexpected bytes after the checkpoint's end")
        }
        let stored: UInt64 = integer(bytes, at: expected - checksumSize)
        guard fnv1a(bytes[..<(expected - checksumSize)]) == stored else {
            throw fail(.corrupt, "the checkpoint is corrupt: its checksum does not match its contents")
        }
        let header: Header
        do {
            header = try jsonDecoder.decode(Header.self, from: Data(bytes[preambleSize..<(preambleSize + headerSize)]))
        } catch {
            throw fail(.malformed, "unreadable checkpoint header: \(error)")
        }

        // Cut the payload by the header's shapes, which must account for every byte.
        var offset = preambleSize + headerSize
        let end = offset + payloadSize
        func take(_ count: Int, _ what: String) throws(CheckpointError) -> [Float] {
            guard count >= 0, count <= (end - offset) / 4 else {
                throw fail(.malformed, "the header's \(what) needs more values than the payload holds")
            }
            defer { offset += 4 * count }
            return readFloats(bytes, at: offset, count: count)
        }
        var layers: [Checkpoint.LayerWeights] = []
        for layer in header.layers {
            var tensors: [Tensor] = []
            for weight in layer.weights {
                var count = 1
                for dimension in weight.shape {
                    let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                    guard dimension >= 0, !overflow else {
                        throw fail(.malformed, "\(layer.name)/\(weight.name) has an impossible shape \(weight.shape)")
                    }
                    count = product
                }
                tensors.append(Tensor(shape: weight.shape, scalars: try take(count, "\(layer.name)/\(weight.name)")))
            }
            layers.append(.init(layer: layer.name, names: layer.weights.map(\.name), tensors: tensors))
        }
        var slots: [String: [[Float]]] = [:]
        for slot in header.optimizer.slots {
            var arrays: [[Float]] = []
            for count in slot.counts { arrays.append(try take(count, "optimizer slot \(slot.name)")) }
            slots[slot.name] = arrays
        }
        guard offset == end else {
            throw fail(.malformed, "\((end - offset) / 4) payload values are not described by the header")
        }

        let h = header.optimizer.hyperparameters
        func hyper(_ name: String) throws(CheckpointError) -> Float {
            guard let value = h[name] else { throw fail(.malformed, "the optimizer has no \(name)") }
            return Float(value)
        }
        func slot(_ name: String) throws(CheckpointError) -> [[Float]] {
            guard let arrays = slots[name] else { throw fail(.malformed, "the optimizer has no slot \(name)") }
            return arrays
        }
        let optimizer: Checkpoint.OptimizerState
        switch header.optimizer.kind {
        case "adam":
            optimizer = .adam(.init(iterations: header.optimizer.iterations, learningRate: try hyper("learning_rate"),
                                    beta1: try hyper("beta_1"), beta2: try hyper("beta_2"), epsilon: try hyper("epsilon"),
                                    m: try slot("m"), v: try slot("v")))
        case "sgd":
            optimizer = .sgd(.init(iterations: header.optimizer.iterations, learningRate: try hyper("learning_rate"),
                                   momentum: try hyper("momentum"), velocity: try slot("velocity")))
        case let other:
            throw fail(.malformed, "unknown optimizer kind \(other)")
        }
        func generator(_ text: String) throws(CheckpointError) -> RandomGenerator {
            guard let state = UInt64(text, radix: 16) else { throw fail(.malformed, "bad generator state \(text)") }
            return RandomGenerator(seed: state)
        }
        var dropouts: [(layer: String, generator: RandomGenerator)] = []
        for entry in header.dropoutGenerators { dropouts.append((entry.layer, try generator(entry.state))) }
        return Checkpoint(modelName: header.model, layers: layers, optimizer: optimizer, dropoutGenerators: dropouts,
                          epoch: header.epoch, batch: header.batch, step: header.step,
                          dataGenerator: try generator(header.dataGenerator),
                          epochTotals: header.epochTotals, history: header.history)
    }

    static func integer<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int) -> T {
        bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }

    static func readFloats(_ bytes: [UInt8], at offset: Int, count: Int) -> [Float] {
        bytes.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * $0, as: UInt32.self))) }
        }
    }

    // MARK: File I/O (every system call of the module is here)

    /// The points of a write where a test may simulate the process being killed.
    enum WriteStage: String, CaseIterable, Sendable {
        /// The temporary file exists, empty.
        case createdTemporaryFile
        /// The first half of the bytes is in the temporary file.
        case partiallyWritten
        /// All bytes are written, not yet fsynced.
        case written
        /// The temporary file is fsynced and closed, not yet renamed.
        case synced
        /// Renamed over the target; the directory is not yet fsynced.
        case renamed
    }

    /// Returns true to stop the write at that stage as a killed process would: the descriptor
    /// is closed (the kernel does that for a dead process) and nothing is cleaned up.
    typealias FaultInjection = (WriteStage) -> Bool

    static func readAll(_ path: String) throws(CheckpointError) -> [UInt8] {
        let fd = retrying { open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT { throw CheckpointError(.notFound, path: path, "no such checkpoint file") }
            throw CheckpointError(.unreadable, path: path, "cannot open the checkpoint: \(reason(code))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { buffer in retrying { read(fd, buffer.baseAddress, buffer.count) } }
            guard count >= 0 else {
                throw CheckpointError(.unreadable, path: path, "cannot read the checkpoint: \(reason(errno))")
            }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
        }
    }

    static func writeAtomically(_ bytes: [UInt8], to path: String, faultInjection: FaultInjection? = nil) throws(CheckpointError) {
        let (directory, name) = split(path)
        let prefix = ".\(name).tmp-"
        removeLeftovers(in: directory, prefix: prefix)
        let temporary = "\(directory)/\(prefix)\(getpid())-\(String(UInt32.random(in: .min ... .max), radix: 16))"

        func fail(_ what: String, _ code: Int32) -> CheckpointError {
            CheckpointError(.writeFailed, path: path, "\(what): \(reason(code))")
        }
        // A simulated kill stops where it is and cleans nothing up; real errors remove the temporary file.
        var killed = false
        func dies(at stage: WriteStage) throws(CheckpointError) {
            guard faultInjection?(stage) == true else { return }
            killed = true
            throw CheckpointError(.writeFailed, path: path, "write killed after stage \(stage.rawValue) (fault injection)")
        }
        let fd = retrying { open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { throw fail("cannot create a temporary file in \(directory)", errno) }
        var isOpen = true
        do throws(CheckpointError) {
            try dies(at: .createdTemporaryFile)
            let half = bytes.count / 2
            try writeAll(fd, bytes[..<half], path: path)
            try dies(at: .partiallyWritten)
            try writeAll(fd, bytes[half...], path: path)
            try dies(at: .written)
            guard retrying({ fsync(fd) }) == 0 else { throw fail("cannot fsync the temporary file", errno) }
            isOpen = false
            guard close(fd) == 0 else { throw fail("cannot close the temporary file", errno) }
            try dies(at: .synced)
            guard rename(temporary, path) == 0 else { throw fail("cannot rename the temporary file over the checkpoint", errno) }
            try dies(at: .renamed)
        } catch {
            if isOpen { close(fd) }
            if !killed { unlink(temporary) }
            throw error
        }
        try syncDirectory(of: path)
    }

    /// Moves a finished file written by someone else (libhdf5) over `path`: fsync it, rename,
    /// fsync the directory. The file is removed if that fails.
    static func replace(_ path: String, with finished: String) throws(CheckpointError) {
        let fd = retrying { open(finished, O_RDONLY | O_CLOEXEC) }
        let synced = fd >= 0 && retrying({ fsync(fd) }) == 0
        let code = errno
        if fd >= 0 { close(fd) }
        guard synced, rename(finished, path) == 0 else {
            let failure = synced ? errno : code
            unlink(finished)
            throw CheckpointError(.writeFailed, path: path, "cannot move \(finished) into place: \(reason(failure))")
        }
        try syncDirectory(of: path)
    }

    /// Makes a rename durable: fsyncs the directory that holds the new entry.
    static func syncDirectory(of path: String) throws(CheckpointError) {
        let directory = split(path).directory
        let fd = retrying { open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else {
            throw CheckpointError(.writeFailed, path: path, "cannot open the directory \(directory) to fsync it: \(reason(errno))")
        }
        defer { close(fd) }
        guard retrying({ fsync(fd) }) == 0 else {
            throw CheckpointError(.writeFailed, path: path, "cannot fsync the directory \(directory): \(reason(errno))")
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>, path: String) throws(CheckpointError) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                retrying { write(fd, buffer.baseAddress! + written, buffer.count - written) }
            }
            guard count > 0 else {
                throw CheckpointError(.writeFailed, path: path, "cannot write the temporary file: \(reason(errno))")
            }
            written += count
        }
    }

    /// Removes temporary files that killed writers left beside the checkpoint.
    static func removeLeftovers(in directory: String, prefix: String) {
        guard let stream = opendir(directory) else { return }
        defer { closedir(stream) }
        var leftovers: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix(prefix) { leftovers.append(name) }
        }
        for name in leftovers { unlink("\(directory)/\(name)") }
    }

    /// `dir/name` → (`dir`, `name`); a bare name lives in `.`.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// Retries a system call interrupted by a signal, as swift-nio's `syscall` does.
    static func retrying<T: FixedWidthInteger>(_ call: () -> T) -> T {
        while true {
            let result = call()
            if result == -1 && errno == EINTR { continue }
            return result
        }
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}

extension Checkpoint {
    /// Writes the checkpoint to `path` atomically (see `CheckpointFile`): afterwards the path
    /// holds either the previous file or this checkpoint, whatever happens during the write.
    public func save(to path: String) throws(CheckpointError) {
        try save(to: path, faultInjection: nil)
    }

    /// `save` with a hook that can stop the write at any stage, as if the process were killed there.
    func save(to path: String, faultInjection: CheckpointFile.FaultInjection?) throws(CheckpointError) {
        try CheckpointFile.writeAtomically(CheckpointFile.encode(self), to: path, faultInjection: faultInjection)
    }

    /// Reads a checkpoint written by `save`, refusing empty, foreign, truncated, corrupt or
    /// inconsistent files with a `CheckpointError` naming `path`.
    public static func load(from path: String) throws(CheckpointError) -> Checkpoint {
        try CheckpointFile.decode(CheckpointFile.readAll(path), path: path)
    }
}
