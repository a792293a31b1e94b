import Foundation
@testable import MesoMedia
import MesoTestSupport
import Testing

@Suite struct VideoWriterTests {
    static let directory: URL = {
        do { return try SharedData.scratchDirectory("mesomedia-writer-test") } catch { fatalError("\(error)") }
    }()

    /// Frame `index` of a synthetic clip: a smooth gradient with a white square moving right.
    static func movingSquare(_ index: Int, width: Int = 96, height: Int = 64) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let inSquare = (8 + 4 * index..<24 + 4 * index).contains(x) && (20..<36).contains(y)
                let p = (y * width + x) * 3
                pixels[p] = inSquare ? 250 : UInt8(40 + x)
                pixels[p + 1] = inSquare ? 250 : UInt8(60 + y)
                pixels[p + 2] = inSquare ? 250 : 90
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Writes `frames` and returns the file's path.
    static func write(_ frames: [RGBImage], fps: Double, name: String, rotation: Int = 0) throws -> String {
        let path = directory.appendingPathComponent(name).path
        let writer = try VideoWriter(path: path, width: frames[0].width, height: frames[0].height, fps: fps,
                                     rotation: rotation)
        for frame in frames { try writer.write(frame) }
        #expect(!FileManager.default.fileExists(atPath: path), "the final name appears only on finish")
        try writer.finish()
        return path
    }

    static func meanAbsoluteError(_ a: RGBImage, _ b: RGBImage) -> Double {
        Double(zip(a.pixels, b.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.pixels.count)
    }

    static func readAll(_ path: String) throws -> [VideoFrame] {
        var frames: [VideoFrame] = []
        try VideoReader(contentsOf: path).forEachFrame { frames.append($0) }
        return frames
    }

    @Test func roundTrip() throws {
        let written = (0..<10).map { Self.movingSquare($0) }
        let path = try Self.write(written, fps: 10, name: "square.mp4")
        let reader = try VideoReader(contentsOf: path)
        #expect(reader.info.width == 96 && reader.info.height == 64)
        #expect(reader.info.fps == 10 && reader.info.frameCount == 10 && reader.info.rotation == 0)
        let read = try Self.readAll(path)
        #expect(read.map(\.index) == Array(0..<10))
        for (frame, original) in zip(read, written) {
            let error = Self.meanAbsoluteError(frame.image, original)
            #expect(error < 8, "frame \(frame.index): mean absolute error \(error)")
        }
        // Other tests write into the same folder at the same time: only this file's partial counts.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
            .filter { $0.hasPrefix(".square.mp4.") && $0.hasSuffix(".partial") }
        #expect(leftovers.isEmpty)
    }

    /// Odd sizes are padded by a copy of the last column and row.
    @Test func oddSizeIsPadded() throws {
        let path = try Self.write((0..<3).map { Self.movingSquare($0, width: 33, height: 25) }, fps: 25, name: "odd.mp4")
        let info = try VideoReader(contentsOf: path).info
        #expect(info.width == 34 && info.height == 26)
    }

    /// A writer dropped without ``VideoWriter/finish()`` leaves nothing behind.
    @Test func abandonedWriterLeavesNoFile() throws {
        let directory = try SharedData.scratchDirectory("mesomedia-abandoned")
        let path = directory.appendingPathComponent("abandoned.mp4").path
        do {
            let writer = try VideoWriter(path: path, width: 32, height: 32, fps: 25)
            try writer.write(Self.movingSquare(0, width: 32, height: 32))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func unwritableFolder() {
        let path = "/nonexistent-folder/out.mp4"
        #expect { try VideoWriter(path: path, width: 32, height: 32, fps: 25) } throws: { error in
            (error as? MediaError)?.description.hasPrefix(path + ": ") == true
        }
    }

    /// With a keyframe every 20 frames, reading frame 50 after frame 0 seeks to the keyframe at
    /// 40 and decodes on; the pixels are those of a full decode.
    @Test func seekingGivesTheSameFrames() throws {
        let path = try Self.write((0..<60).map { Self.movingSquare($0 % 20, width: 64, height: 48) }, fps: 10,
                                  name: "keyframes.mp4")
        let all = try Self.readAll(path)
        let reader = try VideoReader(contentsOf: path)
        var sparse: [VideoFrame] = []
        try reader.forEachFrame(at: [0, 50, 59]) { sparse.append($0) }
        #expect(reader.seekCount == 1)
        #expect(sparse.map(\.index) == [0, 50, 59])
        #expect(sparse.map(\.image) == [all[0].image, all[50].image, all[59].image])
    }

    /// Display rotation is stored and honoured on reading: turned 90° clockwise, the left half
    /// (red) is on top.
    @Test(arguments: [90, 180, 270])
    func rotatedVideoReadsUpright(rotation: Int) throws {
        var pixels: [UInt8] = []
        for _ in 0..<48 {
            for x in 0..<64 { pixels += x < 32 ? [220, 30, 30] : [30, 30, 220] }
        }
        let image = RGBImage(width: 64, height: 48, pixels: pixels)
        let path = try Self.write([image, image], fps: 25, name: "rotated\(rotation).mp4", rotation: rotation)
        let info = try VideoReader(contentsOf: path).info
        let upright = image.rotatedClockwise(rotation)
        #expect(info.rotation == rotation)
        #expect(info.width == upright.width && info.height == upright.height)
        let frame = try #require(try Self.readAll(path).first).image
        #expect(Self.meanAbsoluteError(frame, upright) < 8)
        if rotation == 90 {
            let top = (10 * 48 + 24) * 3
            let bottom = (54 * 48 + 24) * 3
            #expect(frame.pixels[top] > 150 && frame.pixels[top + 2] < 100)
            #expect(frame.pixels[bottom] < 100 && frame.pixels[bottom + 2] > 150)
        }
    }

    /// Pixel by pixel on a 3×2 image: 1 2 3 / 4 5 6.
    @Test func rotatedClockwise() {
        let image = RGBImage(width: 3, height: 2, pixels: (1...6).flatMap { [UInt8($0), 0, 0] })
        func reds(_ image: RGBImage) -> [UInt8] { stride(from: 0, to: image.pixels.count, by: 3).map { image.pixels[$0] } }
        #expect(reds(image.rotatedClockwise(90)) == [4, 1, 5, 2, 6, 3])
        #expect(reds(image.rotatedClockwise(180)) == [6, 5, 4, 3, 2, 1])
        #expect(reds(image.rotatedClockwise(270)) == [3, 6, 2, 5, 1, 4])
        #expect(image.rotatedClockwise(270).width == 2)
        #expect(image.rotatedClockwise(360) == image)
    }
}
