import MesoMedia
import Testing

@Suite struct FrameSamplingTests {
    /// The original MesoNet rule asks for 30 frames and gets `frameCount / (frameCount / 30 + 1)`-ish.
    @Test(arguments: [(125, 5, 25), (120, 5, 24), (150, 6, 25), (75, 3, 25)])
    func evenlyFollowsMesoNet(frameCount: Int, step: Int, count: Int) {
        let indices = FrameSampling.evenly(30).frameIndices(frameCount: frameCount, fps: 25)
        #expect(indices == Array(stride(from: 0, to: frameCount, by: step)))
        #expect(indices.count == count)
    }

    @Test func evenlyWithFewFramesTakesThemAll() {
        #expect(FrameSampling.evenly(30).frameIndices(frameCount: 7, fps: 25) == Array(0..<7))
        // At exactly n frames the step is already 2: the original's rule, kept.
        #expect(FrameSampling.evenly(30).frameIndices(frameCount: 30, fps: 25) == Array(stride(from: 0, to: 30, by: 2)))
        #expect(FrameSampling.evenly(30).frameIndices(frameCount: 0, fps: 25) == [])
    }

    @Test func everyKth() {
        #expect(FrameSampling.everyKth(4).frameIndices(frameCount: 10, fps: 25) == [0, 4, 8])
        #expect(FrameSampling.everyKth(1).frameIndices(frameCount: 3, fps: 25) == [0, 1, 2])
    }

    @Test func rate() {
        #expect(FrameSampling.rate(1).frameIndices(frameCount: 125, fps: 25) == [0, 25, 50, 75, 100])
        // 29.97 fps at 2 per second: nearest frames to 0, 0.5, 1, 1.5 s.
        #expect(FrameSampling.rate(2).frameIndices(frameCount: 50, fps: 29.97) == [0, 15, 30, 45])
        // Faster than the video: each frame once.
        #expect(FrameSampling.rate(100).frameIndices(frameCount: 5, fps: 25) == [0, 1, 2, 3, 4])
    }
}
