import MesoMedia
import Testing

/// PNG layouts Pillow converts in its own way, written with PNGEncoder and read back; each
/// expectation is what Pillow 13's `Image.open(path).convert("RGB")` gives for the same file.
@Suite struct PNGDecodingTests {
    /// Each grey level replicated into R, G and B.
    static func replicated(_ grey: [UInt8]) -> [UInt8] { grey.flatMap { [$0, $0, $0] } }

    @Test func grey8IsReplicated() throws {
        let grey: [UInt8] = [0, 17, 128, 200, 254, 255]
        let png = try PNGEncoder.encode(width: 3, height: 2, format: .grey, samples: grey)
        let image = try Fixtures.decodeFile(png, name: "grey8.png")
        #expect(image == RGBImage(width: 3, height: 2, pixels: Self.replicated(grey)))
    }

    @Test(arguments: [(1, 255), (2, 85), (4, 17)])
    func lowBitGreyIsScaledTo8Bits(bitDepth: Int, step: Int) throws {
        let levels = (0..<(1 << bitDepth)).map(UInt8.init)
        let png = try PNGEncoder.encode(width: levels.count, height: 1, format: .grey, bitDepth: bitDepth, samples: levels)
        let image = try Fixtures.decodeFile(png, name: "grey\(bitDepth).png")
        #expect(image.pixels == Self.replicated(levels.map { UInt8(Int($0) * step) }))
    }

    @Test func greyAlphaDropsAlpha() throws {
        let png = try PNGEncoder.encode(width: 3, height: 1, format: .greyAlpha, samples: [10, 0, 100, 128, 250, 255])
        let image = try Fixtures.decodeFile(png, name: "grey-alpha8.png")
        #expect(image.pixels == Self.replicated([10, 100, 250]))
    }

    @Test func rgbaDropsAlphaWithoutCompositing() throws {
        let rgba: [UInt8] = [200, 100, 50, 0, 10, 20, 30, 128, 255, 254, 253, 255, 7, 8, 9, 1]
        let png = try PNGEncoder.encode(width: 2, height: 2, format: .rgba, samples: rgba)
        let image = try Fixtures.decodeFile(png, name: "rgba8.png")
        #expect(image.pixels == [200, 100, 50, 10, 20, 30, 255, 254, 253, 7, 8, 9])
    }

    @Test func rgb16KeepsTheHighByte() throws {
        // 0x12FF would round to 0x13 if scaled; the high byte is 0x12.
        let samples: [UInt16] = [0x12FF, 0xABCD, 0x00FF, 0xFFFF, 0x0100, 0x7F80]
        let png = try PNGEncoder.encode(width: 2, height: 1, format: .rgb, samples16: samples)
        let image = try Fixtures.decodeFile(png, name: "rgb16.png")
        #expect(image.pixels == [0x12, 0xAB, 0x00, 0xFF, 0x01, 0x7F])
    }

    @Test func rgba16KeepsTheHighByteAndDropsAlpha() throws {
        let samples: [UInt16] = [0x12FF, 0xABCD, 0x00FF, 0x0000, 0xFFFF, 0x0100, 0x7F80, 0x8000]
        let png = try PNGEncoder.encode(width: 2, height: 1, format: .rgba, samples16: samples)
        let image = try Fixtures.decodeFile(png, name: "rgba16.png")
        #expect(image.pixels == [0x12, 0xAB, 0x00, 0xFF, 0x01, 0x7F])
    }

    @Test func greyAlpha16KeepsTheHighByte() throws {
        let png = try PNGEncoder.encode(width: 2, height: 1, format: .greyAlpha, samples16: [0x12FF, 0x0000, 0x00FF, 0xFFFF])
        let image = try Fixtures.decodeFile(png, name: "grey-alpha16.png")
        #expect(image.pixels == Self.replicated([0x12, 0x00]))
    }

    /// Pillow opens 16-bit grey as mode I;16 and converts that to RGB by clipping at 255, not by
    /// taking the high byte as it does for every other 16-bit layout.
    @Test func grey16IsClippedAt255() throws {
        let samples: [UInt16] = [0x0000, 0x0012, 0x00FF, 0x0100, 0x12FF, 0xFFFF]
        let png = try PNGEncoder.encode(width: 6, height: 1, format: .grey, samples16: samples)
        let image = try Fixtures.decodeFile(png, name: "grey16.png")
        #expect(image.pixels == Self.replicated([0x00, 0x12, 0xFF, 0xFF, 0xFF, 0xFF]))
    }

    @Test func paletteIsLookedUp() throws {
        let palette: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 99, 199]
        let png = try PNGEncoder.encode(width: 4, height: 1, format: .palette(palette), samples: [3, 2, 1, 0])
        let image = try Fixtures.decodeFile(png, name: "palette8.png")
        #expect(image.pixels == [9, 99, 199, 0, 0, 255, 0, 255, 0, 255, 0, 0])
    }

    /// Indices past the end of PLTE give black, as in Pillow.
    @Test func lowBitPaletteWithIndicesPastItsEnd() throws {
        let palette: [UInt8] = [10, 20, 30, 40, 50, 60]
        let png = try PNGEncoder.encode(width: 4, height: 1, format: .palette(palette), bitDepth: 2, samples: [0, 1, 2, 3])
        let image = try Fixtures.decodeFile(png, name: "palette2.png")
        #expect(image.pixels == [10, 20, 30, 40, 50, 60, 0, 0, 0, 0, 0, 0])
    }

    @Test func paletteTransparencyIsIgnored() throws {
        let palette: [UInt8] = [200, 150, 100, 1, 2, 3]
        let png = try PNGEncoder.encode(width: 2, height: 1, format: .palette(palette), samples: [0, 1])
        let withTRNS = Fixtures.inserting("tRNS", [0, 128], into: png)
        let image = try Fixtures.decodeFile(withTRNS, name: "palette-trns.png")
        #expect(image.pixels == [200, 150, 100, 1, 2, 3])
    }

    @Test func rgbTransparencyAndGammaAreIgnored() throws {
        let rgb: [UInt8] = [0, 0, 0, 60, 120, 180]
        let png = try PNGEncoder.encode(width: 2, height: 1, format: .rgb, samples: rgb)
        // tRNS making black transparent, and gAMA 1.0, which a gamma-correcting decoder would apply.
        let edited = Fixtures.inserting("gAMA", Fixtures.bigEndian(100_000),
                                        into: Fixtures.inserting("tRNS", [0, 0, 0, 0, 0, 0], into: png))
        let image = try Fixtures.decodeFile(edited, name: "rgb-trns-gamma.png")
        #expect(image.pixels == rgb)
    }

    @Test func interlacedDecodesLikeProgressiveRows() throws {
        let (width, height) = (13, 11)
        let rgb = Fixtures.noise(count: width * height * 3, seed: 7)
        let interlaced = try PNGEncoder.encode(width: width, height: height, format: .rgb, samples: rgb, interlaced: true)
        let plain = try PNGEncoder.encode(width: width, height: height, format: .rgb, samples: rgb)
        #expect(interlaced[28] == 1 && plain[28] == 0)  // IHDR interlace method byte
        let image = try Fixtures.decodeFile(interlaced, name: "interlaced.png")
        #expect(image == RGBImage(width: width, height: height, pixels: rgb))
    }

    @Test func pngDataRoundTrips() throws {
        let image = RGBImage(width: 5, height: 3, pixels: Fixtures.noise(count: 45, seed: 3))
        let png = try image.pngData()
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(try ImageDecoder.decode(bytes: png, path: "roundtrip.png") == image)
    }

    @Test func formatIsSniffedNotTakenFromTheName() throws {
        let png = try PNGEncoder.encode(width: 1, height: 1, format: .rgb, samples: [1, 2, 3])
        #expect(try Fixtures.decodeFile(png, name: "actually-a-png.jpg").pixels == [1, 2, 3])
        let jpeg = try Fixtures.testImage("real/real00772.jpg")
        #expect(try Fixtures.decodeFile(jpeg, name: "actually-a-jpeg.png").width == 208)
    }
}
