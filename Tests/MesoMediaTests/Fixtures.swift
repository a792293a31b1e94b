import Foundation
import MesoMedia
import MesoTestSupport

/// Test fixtures made on the fly: files in a scratch directory, hand-edited PNG chunks, a tiny
/// hand-built JPEG, and deterministic noise.
enum Fixtures {
    /// One scratch directory for the whole run.
    static let directory: URL = {
        do { return try SharedData.scratchDirectory("mesomedia-test") } catch { fatalError("no scratch directory: \(error)") }
    }()

    /// Writes `bytes` to `name` in the scratch directory and returns its path.
    static func write(_ bytes: [UInt8], name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Writes `bytes` and decodes the file through the public path-based entry point.
    static func decodeFile(_ bytes: [UInt8], name: String) throws -> RGBImage {
        try ImageDecoder.decode(contentsOf: write(bytes, name: name))
    }

    /// The bytes of one of the four MesoNet test images.
    static func testImage(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: SharedData.url("mesonet/test_images/" + name)))
    }

    /// Deterministic pseudo-random bytes (SplitMix64).
    static func noise(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return UInt8(truncatingIfNeeded: z ^ (z >> 31))
        }
    }

    // MARK: PNG chunk editing

    /// CRC-32 as PNG uses it (over chunk type and data).
    static func crc32<C: Collection<UInt8>>(_ bytes: C) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// A complete chunk: length, type, data, CRC.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }

    /// `png` with its IHDR claiming `width`×`height`, CRC recomputed so only the size is wrong.
    static func claimingSize(_ png: [UInt8], width: UInt32, height: UInt32) -> [UInt8] {
        // Signature (8), IHDR length (4) and type (4), then width and height at 16..<24, CRC at 29..<33.
        precondition(png[12..<16].elementsEqual("IHDR".utf8))
        var patched = png
        patched.replaceSubrange(16..<24, with: bigEndian(width) + bigEndian(height))
        patched.replaceSubrange(29..<33, with: bigEndian(crc32(patched[12..<29])))
        return patched
    }

    /// `png` with a chunk inserted just before its first IDAT.
    static func inserting(_ type: String, _ data: [UInt8], into png: [UInt8]) -> [UInt8] {
        var offset = 8
        while !png[(offset + 4)..<(offset + 8)].elementsEqual("IDAT".utf8) {
            let length = png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            offset += 12 + length
        }
        var edited = png
        edited.insert(contentsOf: chunk(type, data), at: offset)
        return edited
    }

    // MARK: JPEG

    /// A baseline JPEG built by hand, `blocksWide`×`blocksHigh` blocks of 8×8 pixels, every block
    /// flat: block i of component c decodes to exactly `128 + levels[c][i]` (DC-only blocks with
    /// DC quantiser 8, so libjpeg's ISLOW IDCT gives DC * 8 / 8, no rounding), no subsampling.
    /// One component is a greyscale JPEG; four is CMYK to libjpeg, or YCCK with an Adobe marker
    /// whose transform is 2.
    static func flatJPEG(blocksWide: Int, blocksHigh: Int, levels: [[Int]], adobeTransform: UInt8? = nil) -> [UInt8] {
        let components = levels.count
        var out: [UInt8] = [0xFF, 0xD8]
        func segment(_ marker: UInt8, _ data: [UInt8]) {
            out += [0xFF, marker, UInt8((data.count + 2) >> 8), UInt8((data.count + 2) & 0xFF)] + data
        }
        if let adobeTransform {
            segment(0xEE, Array("Adobe".utf8) + [0, 100, 0, 0, 0, 0, adobeTransform])  // APP14
        }
        segment(0xDB, [0x00, 8] + [UInt8](repeating: 1, count: 63))  // DQT: table 0, DC 8
        let (width, height) = (blocksWide * 8, blocksHigh * 8)
        var frame: [UInt8] = [8, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), UInt8(components)]
        for c in 0..<components { frame += [UInt8(c + 1), 0x11, 0x00] }
        segment(0xC0, frame)
        // DC table 0: categories 0...11, all 4-bit codes 0000...1011. AC table 0: only EOB, code "0".
        let dcCounts: [UInt8] = [0, 0, 0, 12] + [UInt8](repeating: 0, count: 12)
        let acCounts: [UInt8] = [1] + [UInt8](repeating: 0, count: 15)
        segment(0xC4, [0x00] + dcCounts + (0...11).map(UInt8.init) + [0x10] + acCounts + [0x00])
        var scan: [UInt8] = [UInt8(components)]
        for c in 0..<components { scan += [UInt8(c + 1), 0x00] }
        segment(0xDA, scan + [0, 63, 0])

        var bits: [Bool] = []
        func put(_ value: Int, _ count: Int) {
            for shift in stride(from: count - 1, through: 0, by: -1) { bits.append(value >> shift & 1 == 1) }
        }
        var predictions = [Int](repeating: 0, count: components)
        for block in 0..<(blocksWide * blocksHigh) {
            for c in 0..<components {
                let diff = levels[c][block] - predictions[c]
                predictions[c] = levels[c][block]
                let category = diff == 0 ? 0 : Int.bitWidth - abs(diff).leadingZeroBitCount
                put(category, 4)
                put(diff >= 0 ? diff : diff + (1 << category) - 1, category)
                put(0, 1)  // EOB
            }
        }
        while bits.count % 8 != 0 { bits.append(true) }
        for start in stride(from: 0, to: bits.count, by: 8) {
            let byte = bits[start..<(start + 8)].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
            out.append(byte)
            if byte == 0xFF { out.append(0x00) }
        }
        return out + [0xFF, 0xD9]
    }
}
