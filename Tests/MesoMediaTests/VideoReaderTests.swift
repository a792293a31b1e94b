import Foundation
@testable import MesoMedia
import MesoTestSupport
import Testing

@Suite struct VideoReaderTests {
    static func media(_ name: String) -> String { SharedData.path("media/" + name) }

    /// The four shared videos, with the numbers from shared/media/README.md.
    static let sharedVideos: [(name: String, width: Int, height: Int, fps: Double, frames: Int)] = [
        ("df00204_noise_move_rotate_640x480.mp4", 640, 480, 25, 125),
        ("real00240_plain_move_rotate_1280x720.mp4", 1280, 720, 30, 120),
        ("noface_noise_640x480.mp4", 640, 480, 25, 75),
        ("df01254_exit_reenter_640x480.mp4", 640, 480, 25, 150),
    ]

    @Test(arguments: sharedVideos)
    func infoMatchesTheREADME(video: (name: String, width: Int, height: Int, fps: Double, frames: Int)) throws {
        let info = try VideoReader(contentsOf: Self.media(video.name)).info
        #expect(info == VideoInfo(width: video.width, height: video.height, frameCount: video.frames, fps: video.fps,
                                  duration: Double(video.frames) / video.fps, rotation: 0, codec: "h264"))
    }

    @Test func everyFrameInOrder() throws {
        let reader = try VideoReader(contentsOf: Self.media("noface_noise_640x480.mp4"))
        var indices: [Int] = []
        try reader.forEachFrame { frame in
            indices.append(frame.index)
            #expect(frame.time == Double(frame.index) / 25)
            #expect(frame.image.width == 640 && frame.image.height == 480)
        }
        #expect(indices == Array(0..<75))
    }

    /// The shared videos have one keyframe, so this reads [0, 100] without seeking; frames far
    /// apart must still be the very frames of a full decode.
    @Test func sparseFramesMatchAFullDecode() throws {
        let path = Self.media("df00204_noise_move_rotate_640x480.mp4")
        var all: [Int: RGBImage] = [:]
        try VideoReader(contentsOf: path).forEachFrame { frame in
            if [0, 100].contains(frame.index) { all[frame.index] = frame.image }
        }
        var sparse: [Int: RGBImage] = [:]
        try VideoReader(contentsOf: path).forEachFrame(at: [0, 100]) { sparse[$0.index] = $0.image }
        #expect(sparse.keys.sorted() == [0, 100])
        #expect(sparse == all)
    }

    /// Reading again from an earlier frame rewinds, on the same reader.
    @Test func readingAgainRewinds() throws {
        let reader = try VideoReader(contentsOf: Self.media("df01254_exit_reenter_640x480.mp4"))
        var first: [RGBImage] = []
        try reader.forEachFrame(at: [3, 140]) { first.append($0.image) }
        var again: [RGBImage] = []
        try reader.forEachFrame(at: [3]) { again.append($0.image) }
        #expect(reader.seekCount == 1)
        #expect(again == [first[0]])
    }

    /// Indices past the real end stop quietly.
    @Test func indicesPastTheEndStop() throws {
        var indices: [Int] = []
        try VideoReader(contentsOf: Self.media("noface_noise_640x480.mp4")).forEachFrame(at: [74, 75, 500]) {
            indices.append($0.index)
        }
        #expect(indices == [74])
    }

    /// Frame 0 of df00204 shows the face crop in the middle of grey noise: the middle is far
    /// redder than the grey corner.
    @Test func firstFrameShowsTheFace() throws {
        var image: RGBImage?
        try VideoReader(contentsOf: Self.media("df00204_noise_move_rotate_640x480.mp4")).forEachFrame(at: [0]) {
            image = $0.image
        }
        let frame = try #require(image)
        func meanRedness(x: Range<Int>, y: Range<Int>) -> Double {
            var sum = 0
            for row in y {
                for column in x {
                    let p = (row * frame.width + column) * 3
                    sum += Int(frame.pixels[p]) - Int(frame.pixels[p + 2])
                }
            }
            return Double(sum) / Double(x.count * y.count)
        }
        let middle = meanRedness(x: 200..<260, y: 160..<220)
        let corner = meanRedness(x: 580..<640, y: 420..<480)
        #expect(middle > corner + 20, "R−B middle \(middle), corner \(corner)")
    }
}

/// Every failure has a code and a description starting with the path; none crashes.
@Suite struct VideoReaderErrorTests {
    static let directory: URL = {
        do { return try SharedData.scratchDirectory("mesomedia-video-test") } catch { fatalError("\(error)") }
    }()

    static func write(_ data: Data, name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    static func expectOpenFailure(_ code: MediaError.Code, path: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let reader = try VideoReader(contentsOf: path)
            Issue.record("opened \(reader.info), expected \(code)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix(path + ": "), sourceLocation: sourceLocation)
        }
    }

    @Test func missingFile() {
        Self.expectOpenFailure(.fileNotFound, path: Self.directory.appendingPathComponent("nothing.mp4").path)
    }

    @Test func emptyFile() throws {
        Self.expectOpenFailure(.empty, path: try Self.write(Data(), name: "empty.mp4"))
    }

    @Test func directory() {
        Self.expectOpenFailure(.unreadable, path: Self.directory.path)
    }

    @Test(arguments: ["notes.txt", "notes.mp4"])
    func textFile(name: String) throws {
        Self.expectOpenFailure(.notAVideo, path: try Self.write(Data("hello, not a video\n".utf8), name: name))
    }

    /// The first 30% or 60% of an MP4 whose index is at the front: it opens, then fails as cut
    /// off after delivering the frames before the cut (none at 30%: the first keyframe is larger).
    @Test(arguments: [3, 6])
    func truncatedFile(tenths: Int) throws {
        let whole = try Data(contentsOf: SharedData.url("media/df00204_noise_move_rotate_640x480.mp4"))
        let path = try Self.write(whole.prefix(whole.count * tenths / 10), name: "cut\(tenths).mp4")
        var delivered: [Int] = []
        do {
            let reader = try VideoReader(contentsOf: path)
            try reader.forEachFrame { delivered.append($0.index) }
            Issue.record("read all \(delivered.count) frames of a cut-off file")
        } catch let error as MediaError {
            #expect(error.code == .truncated, "\(error)")
            #expect(error.description.hasPrefix(path + ": "))
        }
        #expect(delivered == Array(0..<delivered.count))
        #expect(delivered.count < 125)
    }
}
