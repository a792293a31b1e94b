import MesoMedia

extension Heatmap {
    /// `image` with the map laid over it in the cividis colour map: each pixel becomes
    /// (1 − opacity)·image + opacity·cividis(value). The map is stretched bilinearly to the
    /// image's size when they differ.
    ///
    /// Cividis (Nuñez et al., 2018) runs from dark blue (0) through grey to yellow (1) with
    /// lightness rising steadily, and has no red–green contrast, so people with a red–green
    /// colour vision deficiency read it as everyone else does, and so does a greyscale print.
    public func overlay(on image: RGBImage, opacity: Float = 0.45) -> RGBImage {
        let alpha = min(max(opacity, 0), 1)
        let map = resampled(width: image.width, height: image.height)
        var pixels = image.pixels
        for (i, value) in map.values.enumerated() {
            let colour = Colormap.cividis(value)
            for c in 0..<3 {
                let blended = (1 - alpha) * Float(pixels[i * 3 + c]) + alpha * colour[c]
                pixels[i * 3 + c] = UInt8(min(max(blended.rounded(), 0), 255))
            }
        }
        return RGBImage(width: image.width, height: image.height, pixels: pixels)
    }

    /// The map alone in the cividis colour map, `width`×`height` (a legend or a side-by-side view).
    public func colorized() -> RGBImage {
        var pixels = [UInt8]()
        pixels.reserveCapacity(values.count * 3)
        for value in values { pixels += Colormap.cividis(value).map { UInt8(min(max($0.rounded(), 0), 255)) } }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}

/// Colour maps for heat maps.
public enum Colormap {
    /// Matplotlib's cividis sampled at 0, 0.2, …, 1 (8-bit RGB); values in between are
    /// interpolated linearly, which keeps its steadily rising lightness.
    static let cividisStops: [SIMD3<Float>] = [
        [0, 34, 78], [53, 69, 108], [102, 105, 112], [148, 142, 119], [200, 184, 102], [254, 232, 56],
    ]

    /// The cividis colour of `value` in 0...1 (clamped) as R, G, B in 0...255.
    public static func cividis(_ value: Float) -> [Float] {
        let stops = cividisStops
        let position = min(max(value.isNaN ? 0 : value, 0), 1) * Float(stops.count - 1)
        let low = min(Int(position), stops.count - 2)
        let t = position - Float(low)
        let colour = stops[low] * (1 - t) + stops[low + 1] * t
        return [colour.x, colour.y, colour.z]
    }
}
