extension RGBImage {
    /// The image stretched to `width`×`height` by nearest neighbour, exactly as Pillow's
    /// `Image.resize(size, Image.NEAREST)` does it, which is how Keras's `load_img` resizes.
    ///
    /// No aspect ratio is kept, as in Keras. Each output pixel copies the source pixel picked by
    /// ``nearestSourceIndices(inputSize:outputSize:)`` along each axis.
    public func resizedNearest(width: Int, height: Int) -> RGBImage {
        precondition(width > 0 && height > 0, "cannot resize to \(width)×\(height)")
        let columns = Self.nearestSourceIndices(inputSize: self.width, outputSize: width)
        let rows = Self.nearestSourceIndices(inputSize: self.height, outputSize: height)
        var output = [UInt8](repeating: 0, count: width * height * 3)
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                var o = 0
                for row in rows {
                    let rowStart = row * self.width * 3
                    for column in columns {
                        let s = rowStart + column * 3
                        target[o] = source[s]
                        target[o + 1] = source[s + 1]
                        target[o + 2] = source[s + 2]
                        o += 3
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: output)
    }

    /// For each of `outputSize` output positions, the input position Pillow's NEAREST resize copies.
    ///
    /// Ideally `floor((dst + 0.5) * inputSize / outputSize)`. Pillow (`ImagingScaleAffine` in
    /// libImaging/Geometry.c) computes it incrementally in Double: the position starts at
    /// `scale / 2` and has `scale = inputSize / outputSize` added once per output pixel, then is
    /// truncated. This does the same, so it matches Pillow for every size, including where
    /// Pillow's rounding departs from the ideal: 2 → 299 picks input 0, not 1, for output 149,
    /// whose ideal position is exactly 1.0. For 256 outputs (MesoNet's input) the scale is a
    /// power-of-two fraction, every sum is exact, and the two agree.
    public static func nearestSourceIndices(inputSize: Int, outputSize: Int) -> [Int] {
        precondition(inputSize > 0 && outputSize > 0, "sizes must be positive, not \(inputSize) → \(outputSize)")
        let scale = Double(inputSize) / Double(outputSize)
        var position = scale * 0.5
        var indices: [Int] = []
        indices.reserveCapacity(outputSize)
        for _ in 0..<outputSize {
            // Pillow leaves an output pixel unwritten (black) if rounding ever carried the position
            // past the last input; clamping instead keeps the edge pixel. No realistic size gets there.
            indices.append(min(Int(position), inputSize - 1))
            position += scale
        }
        return indices
    }
}
