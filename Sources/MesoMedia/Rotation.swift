extension RGBImage {
    /// The image turned `degrees` clockwise, a multiple of 90: how a video frame whose container
    /// says "rotate 90" is shown upright. 90 and 270 swap width and height.
    func rotatedClockwise(_ degrees: Int) -> RGBImage {
        let turns = ((degrees / 90) % 4 + 4) % 4
        precondition(degrees % 90 == 0, "rotation must be a multiple of 90°, not \(degrees)")
        if turns == 0 { return self }
        let (outWidth, outHeight) = turns == 2 ? (width, height) : (height, width)
        var output = [UInt8](repeating: 0, count: pixels.count)
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                for y in 0..<height {
                    for x in 0..<width {
                        // Where source pixel (x, y) lands after the turn.
                        let (u, v) = switch turns {
                        case 1: (height - 1 - y, x)
                        case 2: (width - 1 - x, height - 1 - y)
                        default: (y, width - 1 - x)
                        }
                        let s = (y * width + x) * 3
                        let t = (v * outWidth + u) * 3
                        target[t] = source[s]
                        target[t + 1] = source[s + 1]
                        target[t + 2] = source[s + 2]
                    }
                }
            }
        }
        return RGBImage(width: outWidth, height: outHeight, pixels: output)
    }
}
