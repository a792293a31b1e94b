/// Which frames of a video to analyse.
public enum FrameSampling: Sendable, Equatable {
    /// About `n` frames spread over the video, by the original MesoNet rule: every
    /// `frameCount / n + 1`-th frame from 0 (integer division), i.e. Python's
    /// `range(0, frameCount, frameCount // n + 1)`.
    ///
    /// The `+ 1` means the original, asking for 30, gets only 24 to 29 frames (25 of a 125-frame
    /// video, 24 of 120); it is kept so that scores compare with the reference pipeline. With
    /// `frameCount < n` the step is 1, every frame; at exactly `n` it is already 2.
    case evenly(Int)
    /// Frames 0, k, 2k, …
    case everyKth(Int)
    /// `r` frames per second of video: the frames nearest to times 0, 1/r, 2/r, …
    case rate(Double)

    /// The frame indices to decode for a video of `frameCount` frames at `fps`: ascending, without
    /// repeats, all below `frameCount`. The argument of the case must be positive (callers
    /// validate user input first).
    public func frameIndices(frameCount: Int, fps: Double) -> [Int] {
        guard frameCount > 0 else { return [] }
        switch self {
        case .evenly(let n):
            precondition(n > 0, "FrameSampling.evenly needs a positive count, not \(n)")
            return Array(stride(from: 0, to: frameCount, by: frameCount / n + 1))
        case .everyKth(let k):
            precondition(k > 0, "FrameSampling.everyKth needs a positive step, not \(k)")
            return Array(stride(from: 0, to: frameCount, by: k))
        case .rate(let r):
            precondition(r > 0 && r.isFinite, "FrameSampling.rate needs a positive rate, not \(r)")
            precondition(fps > 0 && fps.isFinite, "FrameSampling.rate needs the video's frame rate, not \(fps)")
            // At or above the video's own rate every frame is taken; counting samples instead
            // would spin through r / fps samples per frame.
            if r >= fps { return Array(0..<frameCount) }
            var indices: [Int] = []
            var sample = 0.0
            while true {
                // Time from the sample number, not by adding 1/r repeatedly, so no error accumulates.
                // Compared as a Double first: at tiny rates the second sample is beyond any Int.
                let position = (sample / r * fps).rounded()
                if !(position < Double(frameCount)) { return indices }
                let index = Int(position)
                if index != indices.last { indices.append(index) }
                sample += 1
            }
        }
    }
}
