import MesoMedia

/// The crops and rescaling that face search needs; quality matters less than speed here, since
/// the HOG detector only needs the face at a workable size and landmarks run on the full frame.
extension RGBImage {
    /// The pixels inside `box`, which must lie within the image.
    func cropped(to box: FaceBox) -> RGBImage {
        precondition(box.x >= 0 && box.y >= 0 && box.width > 0 && box.height > 0
                     && box.x + box.width <= width && box.y + box.height <= height,
                     "\(box) is not inside a \(width)×\(height) image")
        var output = [UInt8]()
        output.reserveCapacity(box.area * 3)
        for row in box.y..<box.y + box.height {
            let start = (row * width + box.x) * 3
            output.append(contentsOf: pixels[start..<start + box.width * 3])
        }
        return RGBImage(width: box.width, height: box.height, pixels: output)
    }

    /// The image resized to `width`×`height`: each output pixel averages the source pixels it
    /// covers when shrinking (so the detector sees no aliasing) and interpolates bilinearly
    /// between pixel centres when enlarging.
    func resized(width: Int, height: Int) -> RGBImage {
        precondition(width > 0 && height > 0, "cannot resize to \(width)×\(height)")
        let columns = Self.taps(from: self.width, to: width)
        let rows = Self.taps(from: self.height, to: height)
        var output = [UInt8](repeating: 0, count: width * height * 3)
        let rowBytes = self.width * 3
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { output in
                var o = 0
                var sums = [Float](repeating: 0, count: 3)
                for row in rows {
                    for column in columns {
                        sums[0] = 0; sums[1] = 0; sums[2] = 0
                        for (y, wy) in row {
                            for (x, wx) in column {
                                let s = y * rowBytes + x * 3, w = wy * wx
                                sums[0] += w * Float(source[s])
                                sums[1] += w * Float(source[s + 1])
                                sums[2] += w * Float(source[s + 2])
                            }
                        }
                        for channel in 0..<3 { output[o + channel] = UInt8(min(max(sums[channel], 0), 255).rounded()) }
                        o += 3
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: output)
    }

    /// For each output position along an axis, the source indices and weights (summing to 1)
    /// it mixes: the covered pixels, equally, when shrinking; two neighbours when enlarging.
    private static func taps(from input: Int, to output: Int) -> [[(index: Int, weight: Float)]] {
        let scale = Double(input) / Double(output)
        return (0..<output).map { i in
            if scale >= 1 {
                let start = Int(Double(i) * scale), end = max(start + 1, min(input, Int(Double(i + 1) * scale)))
                return (start..<end).map { ($0, 1 / Float(end - start)) }
            }
            let position = min(max((Double(i) + 0.5) * scale - 0.5, 0), Double(input - 1))
            let low = Int(position), high = min(low + 1, input - 1), fraction = Float(position - Double(low))
            return [(low, 1 - fraction), (high, fraction)]
        }
    }
}
