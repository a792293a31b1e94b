import CHDF5
import Foundation

/// The one place that calls libhdf5: open a file, read and write string attributes and
/// float32 datasets. Every failing call throws a `ModelFileError` carrying HDF5's own reason.
final class HDF5File {
    let path: String
    private let id: hid_t

    private init(path: String, id: hid_t) {
        self.path = path
        self.id = id
    }

    deinit { H5Fclose(id) }

    /// Opens an existing file read-only, telling "missing", "empty", "not HDF5" and "truncated" apart.
    static func open(_ path: String) throws(ModelFileError) -> HDF5File {
        chdf5_silence_errors()
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ModelFileError(.notFound, path: path, "no such file")
        }
        // libhdf5 opens with a blocking open(2): a FIFO would hang it and a device would be read without end.
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ModelFileError(.notRegularFile, path: path, "not a regular file (a folder, pipe or device); give a Keras .h5 weights file")
        }
        guard info.st_size > 0 else {
            throw ModelFileError(.empty, path: path, "the file is empty; fetch the weights again (scripts/fetch-weights)")
        }
        guard H5Fis_hdf5(path) > 0 else {
            throw ModelFileError(.notHDF5, path: path,
                                 "not an HDF5 file (Keras .h5 weights expected), or cut off before its header")
        }
        let id = H5Fopen(path, chdf5_acc_rdonly(), chdf5_default())
        guard id >= 0 else {
            let reason = lastError()
            if reason.contains("truncated") {
                throw ModelFileError(.truncated, path: path, "the HDF5 file is truncated (\(reason)); fetch it again")
            }
            throw ModelFileError(.malformed, path: path, "HDF5 could not open it: \(reason)")
        }
        return HDF5File(path: path, id: id)
    }

    /// Creates (or overwrites) a file for writing.
    static func create(_ path: String) throws(ModelFileError) -> HDF5File {
        chdf5_silence_errors()
        let id = H5Fcreate(path, chdf5_acc_trunc(), chdf5_default(), chdf5_default())
        guard id >= 0 else {
            throw ModelFileError(.writeFailed, path: path, "cannot create the file: \(lastError())")
        }
        return HDF5File(path: path, id: id)
    }

    private static func lastError() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        chdf5_last_error(&buffer)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func fail(_ code: ModelFileError.Code, _ what: String) -> ModelFileError {
        let reason = Self.lastError()
        return ModelFileError(code, path: path, reason.isEmpty ? what : "\(what): \(reason)")
    }

    /// Whether a group or dataset exists at `objectPath` (every intermediate link must exist too).
    func exists(_ objectPath: String) -> Bool {
        var prefix = ""
        for component in objectPath.split(separator: "/") {
            prefix += "/" + component
            guard H5Lexists(id, prefix, chdf5_default()) > 0 else { return false }
        }
        return true
    }

    /// Whether the object at `objectPath` carries the attribute `name`.
    func hasAttribute(_ objectPath: String, _ name: String) -> Bool {
        H5Aexists_by_name(id, objectPath, name, chdf5_default()) > 0
    }

    /// A string-array attribute (fixed- or variable-length strings). An attribute of another
    /// type with no elements — how Keras 2 marks weightless layers — reads as `[]`.
    func stringsAttribute(_ objectPath: String, _ name: String) throws(ModelFileError) -> [String] {
        let attr = H5Aopen_by_name(id, objectPath, name, chdf5_default(), chdf5_default())
        guard attr >= 0 else { throw fail(.malformed, "attribute \(name) of \(objectPath) is missing") }
        defer { H5Aclose(attr) }
        let space = H5Aget_space(attr)
        defer { H5Sclose(space) }
        let count = Int(H5Sget_simple_extent_npoints(space))
        let fileType = H5Aget_type(attr)
        defer { H5Tclose(fileType) }
        // Bounded before anything is allocated: the sizes are whatever the file declares.
        guard (0...Self.maximumStringCount).contains(count) else {
            throw ModelFileError(.malformed, path: path, "attribute \(name) of \(objectPath) declares \(count) strings")
        }
        guard H5Tget_class(fileType) == H5T_STRING else {
            if count == 0 { return [] }
            throw ModelFileError(.malformed, path: path, "attribute \(name) of \(objectPath) is not a list of strings")
        }
        if count == 0 { return [] }
        if H5Tis_variable_str(fileType) > 0 {
            let memType = H5Tcopy(chdf5_c_s1())
            defer { H5Tclose(memType) }
            H5Tset_size(memType, chdf5_variable())
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            guard H5Aread(attr, memType, &pointers) >= 0 else { throw fail(.malformed, "cannot read \(name)") }
            defer { H5Dvlen_reclaim(memType, space, chdf5_default(), &pointers) }
            return pointers.map { $0.map { String(cString: $0) } ?? "" }
        }
        let size = H5Tget_size(fileType)
        guard (1...Self.maximumStringLength).contains(size) else {
            throw ModelFileError(.malformed, path: path, "attribute \(name) of \(objectPath) declares strings of \(size) bytes")
        }
        var bytes = [UInt8](repeating: 0, count: count * size)
        guard H5Aread(attr, fileType, &bytes) >= 0 else { throw fail(.malformed, "cannot read \(name)") }
        return (0..<count).map { i in
            let field = bytes[(i * size)..<((i + 1) * size)]
            return String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Attributes larger than this are refused: Keras lists a few hundred layer and weight names.
    static let maximumStringCount = 1 << 16
    static let maximumStringLength = 1 << 12

    /// A dataset's declared shape, read from its header without touching its data.
    func datasetShape(_ objectPath: String) throws(ModelFileError) -> [Int] {
        let dataset = H5Dopen2(id, objectPath, chdf5_default())
        guard dataset >= 0 else { throw fail(.missingLayer, "dataset \(objectPath) is missing") }
        defer { H5Dclose(dataset) }
        return try shape(of: dataset, objectPath)
    }

    /// The values of a dataset whose declared shape is `expected`, converted to float32.
    ///
    /// The declared shape is checked before the buffer is allocated: a small file may declare a
    /// dataset of 2⁴⁰ rows that it never wrote, and reading it would ask for terabytes.
    func floatDataset(_ objectPath: String, shape expected: [Int]) throws(ModelFileError) -> [Float] {
        let dataset = H5Dopen2(id, objectPath, chdf5_default())
        guard dataset >= 0 else { throw fail(.missingLayer, "dataset \(objectPath) is missing") }
        defer { H5Dclose(dataset) }
        let declared = try shape(of: dataset, objectPath)
        guard declared == expected else {
            throw ModelFileError(.shapeMismatch, path: path, "dataset \(objectPath) is \(declared), expected \(expected)")
        }
        let type = H5Dget_type(dataset)
        defer { H5Tclose(type) }
        guard H5Tget_class(type) == H5T_FLOAT else {
            throw ModelFileError(.malformed, path: path, "dataset \(objectPath) does not hold floating-point numbers")
        }
        var values = [Float](repeating: 0, count: expected.reduce(1, *))
        guard H5Dread(dataset, chdf5_native_float(), chdf5_all(), chdf5_all(), chdf5_default(), &values) >= 0 else {
            let reason = Self.lastError()
            let code: ModelFileError.Code = reason.contains("truncated") || reason.contains("addr") ? .truncated : .malformed
            throw ModelFileError(code, path: path, "cannot read dataset \(objectPath): \(reason)")
        }
        return values
    }

    private func shape(of dataset: hid_t, _ objectPath: String) throws(ModelFileError) -> [Int] {
        let space = H5Dget_space(dataset)
        defer { H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        guard rank >= 0 else { throw fail(.malformed, "dataset \(objectPath) has no simple shape") }
        var dims = [hsize_t](repeating: 0, count: rank)
        H5Sget_simple_extent_dims(space, &dims, nil)
        var shape: [Int] = []
        for dim in dims {
            guard let size = Int(exactly: dim) else {
                throw ModelFileError(.malformed, path: path, "dataset \(objectPath) declares a dimension of \(dim)")
            }
            shape.append(size)
        }
        return shape
    }

    /// Creates a group (and no intermediate ones) at `objectPath`.
    func createGroup(_ objectPath: String) throws(ModelFileError) {
        let group = H5Gcreate2(id, objectPath, chdf5_default(), chdf5_default(), chdf5_default())
        guard group >= 0 else { throw fail(.writeFailed, "cannot create group \(objectPath)") }
        H5Gclose(group)
    }

    /// Writes a fixed-length string-array attribute, as h5py stores Keras' `layer_names` and
    /// `weight_names`. An empty list is stored as an empty float64 array, as Keras 2 did.
    func writeStringsAttribute(_ objectPath: String, _ name: String, _ strings: [String]) throws(ModelFileError) {
        var dims = [hsize_t(strings.count)]
        try writeStrings(objectPath, name, strings, space: H5Screate_simple(1, &dims, nil))
    }

    /// Writes a scalar string attribute, as Keras stores `backend` and `keras_version`.
    func writeStringAttribute(_ objectPath: String, _ name: String, _ string: String) throws(ModelFileError) {
        try writeStrings(objectPath, name, [string], space: H5Screate(H5S_SCALAR))
    }

    private func writeStrings(_ objectPath: String, _ name: String, _ strings: [String], space: hid_t) throws(ModelFileError) {
        defer { H5Sclose(space) }
        let width = max(1, strings.map(\.utf8.count).max() ?? 1)
        let type = strings.isEmpty ? H5Tcopy(chdf5_ieee_f64le()) : H5Tcopy(chdf5_c_s1())
        defer { H5Tclose(type) }
        if !strings.isEmpty {
            H5Tset_size(type, width)
            H5Tset_strpad(type, H5T_STR_NULLPAD)
        }
        let attr = H5Acreate_by_name(id, objectPath, name, type, space, chdf5_default(), chdf5_default(), chdf5_default())
        guard attr >= 0 else { throw fail(.writeFailed, "cannot create attribute \(name) on \(objectPath)") }
        defer { H5Aclose(attr) }
        var bytes = [UInt8](repeating: 0, count: max(1, strings.count * width))
        for (i, string) in strings.enumerated() {
            for (j, byte) in string.utf8.enumerated() { bytes[i * width + j] = byte }
        }
        guard H5Awrite(attr, type, &bytes) >= 0 else { throw fail(.writeFailed, "cannot write attribute \(name)") }
    }

    /// Writes a float32 dataset of `shape` at `objectPath`.
    func writeFloatDataset(_ objectPath: String, shape: [Int], values: [Float]) throws(ModelFileError) {
        var dims = shape.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(dims.count), &dims, nil)
        defer { H5Sclose(space) }
        let dataset = H5Dcreate2(id, objectPath, chdf5_ieee_f32le(), space, chdf5_default(), chdf5_default(), chdf5_default())
        guard dataset >= 0 else { throw fail(.writeFailed, "cannot create dataset \(objectPath)") }
        defer { H5Dclose(dataset) }
        var values = values
        guard H5Dwrite(dataset, chdf5_native_float(), chdf5_all(), chdf5_all(), chdf5_default(), &values) >= 0 else {
            throw fail(.writeFailed, "cannot write dataset \(objectPath)")
        }
    }

    /// Flushes everything to disk; the file stays open.
    func flush() throws(ModelFileError) {
        guard H5Fflush(id, H5F_SCOPE_GLOBAL) >= 0 else { throw fail(.writeFailed, "cannot flush") }
    }
}
