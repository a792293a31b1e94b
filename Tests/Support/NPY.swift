import Foundation

/// A NumPy `.npy` array (format 1.0, little-endian, C order), as the reference dumps write them.
public struct NPYArray {
    public var shape: [Int]
    /// The NumPy dtype descriptor, e.g. `<f4` or `|u1`.
    public var dtype: String
    /// The raw element bytes.
    public var bytes: [UInt8]

    public enum ReadError: Error, CustomStringConvertible {
        case malformed(String, String)
        public var description: String {
            switch self { case let .malformed(path, why): "\(path): not a .npy file I can read: \(why)" }
        }
    }

    public init(contentsOf url: URL) throws {
        let data = [UInt8](try Data(contentsOf: url))
        guard data.count > 10, data[0] == 0x93, String(decoding: data[1..<6], as: UTF8.self) == "NUMPY" else {
            throw ReadError.malformed(url.path, "missing magic")
        }
        let major = data[6]
        let headerLength: Int
        let headerStart: Int
        if major == 1 {
            headerLength = Int(data[8]) | Int(data[9]) << 8
            headerStart = 10
        } else {
            headerLength = Int(data[8]) | Int(data[9]) << 8 | Int(data[10]) << 16 | Int(data[11]) << 24
            headerStart = 12
        }
        let header = String(decoding: data[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard let descr = header.firstMatch(of: /'descr':\s*'([^']+)'/)?.1,
              let shapeText = header.firstMatch(of: /'shape':\s*\(([^)]*)\)/)?.1 else {
            throw ReadError.malformed(url.path, "header \(header)")
        }
        guard !header.contains("'fortran_order': True") else { throw ReadError.malformed(url.path, "Fortran order") }
        dtype = String(descr)
        shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        bytes = Array(data[(headerStart + headerLength)...])
    }

    public var count: Int { shape.reduce(1, *) }

    /// The elements as Float; accepts `<f4` and `|u1`.
    public var floats: [Float] {
        switch dtype {
        case "<f4":
            return bytes.withUnsafeBytes { raw in (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) } }
        case "|u1":
            return bytes.prefix(count).map(Float.init)
        default:
            fatalError("unsupported dtype \(dtype)")
        }
    }

    /// The elements as bytes; `|u1` only.
    public var uint8: [UInt8] {
        precondition(dtype == "|u1", "dtype is \(dtype)")
        return Array(bytes.prefix(count))
    }
}
