import Foundation
import MesoMedia

/// Cubic B-spline coefficients of an RGB image over a rectangle of pixel indices, with numpy
/// `'reflect'` padding wherever the rectangle leaves the image.
///
/// Interpolating with a cubic B-spline needs coefficients rather than pixels (scipy's
/// `spline_filter`): a recursive filter with pole √3 − 2 run forward and backward along each
/// axis. Computing them only over the rectangle a crop samples, grown by ``margin`` pixels,
/// keeps the cost proportional to the face rather than the frame; the filter's influence decays
/// as 0.268ⁿ, so beyond 12 pixels the rectangle's own edges change a value by under 1e-6.
struct BSplineCoefficients {
    /// The frame index of coefficient (0, 0).
    let left: Int, top: Int
    let width: Int, height: Int
    /// Interleaved R, G, B coefficients, row-major.
    private var values: [Float]

    static let margin = 12
    private static let pole = Float(3.0.squareRoot() - 2)

    /// Coefficients covering every cubic tap of positions within `bounds` (frame indices).
    init(_ image: RGBImage, covering bounds: (minX: Float, minY: Float, maxX: Float, maxY: Float)) {
        left = Int(bounds.minX.rounded(.down)) - 1 - Self.margin
        top = Int(bounds.minY.rounded(.down)) - 1 - Self.margin
        width = Int(bounds.maxX.rounded(.down)) + 2 + Self.margin - left + 1
        height = Int(bounds.maxY.rounded(.down)) + 2 + Self.margin - top + 1
        values = [Float](repeating: 0, count: width * height * 3)
        let columns = (0..<width).map { reflect(left + $0, count: image.width) * 3 }
        let (width, height, top, rowBytes) = (width, height, top, image.width * 3)
        image.pixels.withUnsafeBufferPointer { pixels in
            values.withUnsafeMutableBufferPointer { values in
                // Both axes' filters have gain 6; apply the 36 once here.
                for row in 0..<height {
                    let source = reflect(top + row, count: image.height) * rowBytes
                    var target = row * width * 3
                    for column in columns {
                        values[target] = 36 * Float(pixels[source + column])
                        values[target + 1] = 36 * Float(pixels[source + column + 1])
                        values[target + 2] = 36 * Float(pixels[source + column + 2])
                        target += 3
                    }
                }
                let base = values.baseAddress!
                for row in 0..<height {
                    Self.filter(base + row * width * 3, count: width, spacing: 3, lanes: 3)
                }
                Self.filter(base, count: height, spacing: width * 3, lanes: width * 3)
            }
        }
    }

    /// The image sampled at each output pixel of `sampling`, rounded and clamped to bytes.
    func resample(_ sampling: AlignedSampling) -> RGBImage {
        let side = sampling.outputSide
        var output = [UInt8](repeating: 0, count: side * side * 3)
        let rowStride = width * 3
        values.withUnsafeBufferPointer { values in
            output.withUnsafeMutableBufferPointer { output in
                let values = values.baseAddress!
                var o = 0
                for j in 0..<side {
                    let rowX = sampling.originX + Float(j) * sampling.rowX
                    let rowY = sampling.originY + Float(j) * sampling.rowY
                    for i in 0..<side {
                        let x = rowX + Float(i) * sampling.columnX
                        let y = rowY + Float(i) * sampling.columnY
                        let floorX = x.rounded(.down), floorY = y.rounded(.down)
                        let wx = Self.weights(x - floorX), wy = Self.weights(y - floorY)
                        let p = values + (Int(floorY) - 1 - top) * rowStride + (Int(floorX) - 1 - left) * 3
                        let row0 = Self.row(p, wx), row1 = Self.row(p + rowStride, wx)
                        let row2 = Self.row(p + 2 * rowStride, wx), row3 = Self.row(p + 3 * rowStride, wx)
                        output[o] = Self.byte(wy.0 * row0.r + wy.1 * row1.r + wy.2 * row2.r + wy.3 * row3.r)
                        output[o + 1] = Self.byte(wy.0 * row0.g + wy.1 * row1.g + wy.2 * row2.g + wy.3 * row3.g)
                        output[o + 2] = Self.byte(wy.0 * row0.b + wy.1 * row1.b + wy.2 * row2.b + wy.3 * row3.b)
                        o += 3
                    }
                }
            }
        }
        return RGBImage(width: side, height: side, pixels: output)
    }

    /// Four neighbouring coefficients from `p` on, weighted by `w`, per channel.
    @inline(__always)
    private static func row(_ p: UnsafePointer<Float>, _ w: (Float, Float, Float, Float)) -> (r: Float, g: Float, b: Float) {
        (w.0 * p[0] + w.1 * p[3] + w.2 * p[6] + w.3 * p[9],
         w.0 * p[1] + w.1 * p[4] + w.2 * p[7] + w.3 * p[10],
         w.0 * p[2] + w.1 * p[5] + w.2 * p[8] + w.3 * p[11])
    }

    /// The cubic B-spline's four tap weights at fraction `t` past the second tap.
    @inline(__always)
    private static func weights(_ t: Float) -> (Float, Float, Float, Float) {
        let t2 = t * t, t3 = t2 * t, u = 1 - t
        return (u * u * u / 6, (3 * t3 - 6 * t2 + 4) / 6, (-3 * t3 + 3 * t2 + 3 * t + 1) / 6, t3 / 6)
    }

    @inline(__always)
    private static func byte(_ value: Float) -> UInt8 {
        UInt8(min(max(value, 0), 255).rounded())
    }

    /// Turns `count` samples (spaced `spacing` apart, each `lanes` values wide) into spline
    /// coefficients in place: Unser's causal and anticausal passes with mirror-symmetric starts.
    /// The gain of 6 is left to the caller.
    private static func filter(_ base: UnsafeMutablePointer<Float>, count: Int, spacing: Int, lanes: Int) {
        guard count > 1 else { return }
        let z = pole
        // Causal start: the mirrored sum Σ zᵏ c[k], cut where zᵏ is negligible.
        let horizon = min(count - 1, margin * 2)
        var power = z
        for k in 1...horizon {
            let line = base + k * spacing
            for lane in 0..<lanes { base[lane] += power * line[lane] }
            power *= z
        }
        for k in 1..<count {
            let line = base + k * spacing, previous = line - spacing
            for lane in 0..<lanes { line[lane] += z * previous[lane] }
        }
        // Anticausal start from the last two causal values, then run backwards.
        let last = base + (count - 1) * spacing, beforeLast = last - spacing
        for lane in 0..<lanes { last[lane] = z / (z * z - 1) * (last[lane] + z * beforeLast[lane]) }
        for k in stride(from: count - 2, through: 0, by: -1) {
            let line = base + k * spacing, next = line + spacing
            for lane in 0..<lanes { line[lane] = z * (next[lane] - line[lane]) }
        }
    }
}

/// numpy's `'reflect'` index for `index` in `0 ..< count`: the edge pixel is not repeated, and
/// far-away indices keep bouncing; a single pixel reflects onto itself.
func reflect(_ index: Int, count: Int) -> Int {
    guard count > 1 else { return 0 }
    let period = 2 * (count - 1)
    var folded = index % period
    if folded < 0 { folded += period }
    return folded < count ? folded : period - folded
}
