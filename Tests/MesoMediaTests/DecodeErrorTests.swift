import Foundation
import MesoMedia
import Testing

/// Every failure has its code and a description that names the file.
@Suite struct DecodeErrorTests {
    /// Decodes the file at `path`, expecting failure with `code`; returns the error.
    @discardableResult
    static func expectFailure(_ code: MediaError.Code, path: String, sourceLocation: SourceLocation = #_sourceLocation)
        -> MediaError?
    {
        do {
            let image = try ImageDecoder.decode(contentsOf: path)
            Issue.record("decoded a \(image.width)×\(image.height) image, expected \(code)", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.path == path, sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix(path + ": "), sourceLocation: sourceLocation)
            #expect(error.description.count > path.count + 20, sourceLocation: sourceLocation)
            return error
        }
    }

    @discardableResult
    static func expectFailure(_ code: MediaError.Code, bytes: [UInt8], name: String,
                              sourceLocation: SourceLocation = #_sourceLocation) throws -> MediaError? {
        try expectFailure(code, path: Fixtures.write(bytes, name: name), sourceLocation: sourceLocation)
    }

    @Test func emptyFile() throws {
        try Self.expectFailure(.empty, bytes: [], name: "empty.jpg")
    }

    @Test func missingFile() {
        let path = Fixtures.directory.appendingPathComponent("no-such-image.jpg").path
        let error = Self.expectFailure(.fileNotFound, path: path)
        #expect(error?.message.contains("no such file") == true)
    }

    @Test func directory() {
        Self.expectFailure(.unreadable, path: Fixtures.directory.path)
    }

    @Test func truncatedJPEG() throws {
        let jpeg = try Fixtures.testImage("df/df00204.jpg")
        let error = try Self.expectFailure(.truncated, bytes: Array(jpeg.prefix(jpeg.count * 6 / 10)), name: "cut.jpg")
        #expect(error?.message.contains("Premature end of JPEG file") == true)
    }

    /// Pillow also refuses a JPEG that lacks only its final EOI marker.
    @Test func jpegWithoutEOI() throws {
        let jpeg = try Fixtures.testImage("df/df00204.jpg")
        #expect(jpeg.suffix(2) == [0xFF, 0xD9])
        try Self.expectFailure(.truncated, bytes: Array(jpeg.dropLast(2)), name: "no-eoi.jpg")
    }

    @Test func jpegHeaderCutOff() throws {
        let jpeg = try Fixtures.testImage("df/df00204.jpg")
        try Self.expectFailure(.truncated, bytes: Array(jpeg.prefix(100)), name: "header-cut.jpg")
        try Self.expectFailure(.truncated, bytes: [0xFF, 0xD8], name: "two-bytes.jpg")
    }

    @Test func truncatedPNG() throws {
        let png = try PNGEncoder.encode(width: 64, height: 64, format: .rgb, samples: Fixtures.noise(count: 64 * 64 * 3, seed: 1))
        try Self.expectFailure(.truncated, bytes: Array(png.prefix(png.count * 6 / 10)), name: "cut.png")
        try Self.expectFailure(.truncated, bytes: Array(png.prefix(20)), name: "header-cut.png")
        try Self.expectFailure(.truncated, bytes: Array(png.prefix(5)), name: "five-bytes.png")
    }

    @Test func pngWithABadChecksum() throws {
        var png = try PNGEncoder.encode(width: 4, height: 4, format: .grey, samples: [UInt8](repeating: 9, count: 16))
        png[24] = 16  // IHDR bit depth 8 → 16 without fixing the CRC
        let error = try Self.expectFailure(.corrupt, bytes: png, name: "bad-crc.png")
        #expect(error?.message.contains("CRC") == true)
    }

    @Test func randomBytes() throws {
        var noise = Fixtures.noise(count: 4096, seed: 42)
        noise[0] = 0x00
        let error = try Self.expectFailure(.notAnImage, bytes: noise, name: "noise.jpg")
        #expect(error?.message.contains("starts with 0x00 ") == true)
        try Self.expectFailure(.notAnImage, bytes: Array("hi\n".utf8), name: "text.png")
    }

    @Test func otherImageFormatsAreNamed() throws {
        let gif = try Self.expectFailure(.unsupported, bytes: Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 20),
                                         name: "anim.gif")
        #expect(gif?.message.contains("a GIF image") == true)
        let webp = try Self.expectFailure(.unsupported, bytes: Array("RIFF\u{0}\u{1}\u{0}\u{0}WEBPVP8 ".utf8), name: "photo.webp")
        #expect(webp?.message.contains("a WebP image") == true)
    }

    /// The IHDR claims 20000×20000 = 400 MP: refused from the header, before the (absent) pixel
    /// data is read, which would otherwise fail as truncated.
    @Test func pngClaimingTooManyPixels() throws {
        let png = try PNGEncoder.encode(width: 1, height: 1, format: .rgb, samples: [1, 2, 3])
        let error = try Self.expectFailure(.tooLarge, bytes: Fixtures.claimingSize(png, width: 20_000, height: 20_000),
                                           name: "huge.png")
        #expect(error?.message.contains("20000×20000") == true)
        #expect(error?.message.contains("100-megapixel") == true)
    }

    @Test func jpegClaimingTooManyPixels() throws {
        var jpeg = try Fixtures.testImage("df/df00204.jpg")
        let sof = try #require((0..<(jpeg.count - 1)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        #expect(Array(jpeg[(sof + 5)..<(sof + 9)]) == [0x01, 0x56, 0x01, 0x56])  // 342 × 342
        jpeg.replaceSubrange((sof + 5)..<(sof + 9), with: [0xFD, 0xE8, 0xFD, 0xE8])  // 65000 × 65000
        let error = try Self.expectFailure(.tooLarge, bytes: jpeg, name: "huge.jpg")
        #expect(error?.message.contains("65000×65000") == true)
    }

    /// Two components is no colour space libjpeg (or Pillow) knows.
    @Test func twoComponentJPEG() throws {
        let jpeg = Fixtures.flatJPEG(blocksWide: 1, blocksHigh: 1, levels: [[1], [2]])
        let error = try Self.expectFailure(.unsupported, bytes: jpeg, name: "two-components.jpg")
        #expect(error?.message.contains("2 components") == true)
    }

    @Test func bytesEntryPointNamesTheGivenPath() {
        #expect(throws: MediaError.self) { try ImageDecoder.decode(bytes: [], path: "upload #3") }
        do {
            _ = try ImageDecoder.decode(bytes: [1, 2, 3, 4, 5], path: "upload #3")
        } catch {
            #expect(error.code == .notAnImage)
            #expect(error.description.hasPrefix("upload #3: "))
        }
    }
}
