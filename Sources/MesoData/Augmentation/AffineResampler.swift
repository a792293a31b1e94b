import Foundation

extension FloatImage {
    /// `scipy.ndimage.affine_transform(channel, matrix, offset, order=1, mode='nearest')` on every
    /// channel, as SciPy computes it: the input coordinate is `(0 + row·m00 + col·m01) + offset`,
    /// clamped to `[0, side − 1]`; the weights are `w0 = 1 − frac`, `w1 = 1 − w0`; and the four
    /// neighbours are summed in Double in SciPy's order (row-major over the 2×2 footprint, each
    /// term `value · w_row · w_col`), then rounded to Float.
    ///
    /// Training augments every image of every epoch, so the coordinates and weights are worked
    /// out once per output pixel and shared by all channels.
    func resampled(_ resampling: AffineResampling) -> FloatImage {
        let m = resampling.matrix
        let (m00, m01, m10, m11) = (m[0][0], m[0][1], m[1][0], m[1][1])
        let (rowOffset, colOffset) = (resampling.offset[0], resampling.offset[1])
        let (height, width, channels) = (self.height, self.width, self.channels)
        let lastRow = Double(height - 1)
        let lastCol = Double(width - 1)
        let rowStride = width * channels
        var output = [Float](repeating: 0, count: pixels.count)
        pixels.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                let source = input.baseAddress!
                var target = out.baseAddress!
                for row in 0..<height {
                    let r = Double(row)
                    let rowTerm = 0 + r * m00
                    let colTerm = 0 + r * m10
                    for col in 0..<width {
                        let c = Double(col)
                        let y = min(max(rowTerm + c * m01 + rowOffset, 0), lastRow)
                        let x = min(max(colTerm + c * m11 + colOffset, 0), lastCol)
                        // Both are ≥ 0 now, so truncation is floor (and needs no libm call on
                        // baseline x86-64, which has no rounding instruction).
                        let top = Int(y)
                        let left = Int(x)
                        let wy0 = 1 - (y - Double(top))
                        let wy1 = 1 - wy0
                        let wx0 = 1 - (x - Double(left))
                        let wx1 = 1 - wx0
                        // At the last row or column the second neighbour has weight exactly 0;
                        // clamping its index keeps the read inside the image.
                        let bottom = top + 1 < height ? top + 1 : top
                        let right = left + 1 < width ? left + 1 : left
                        let p00 = source + top * rowStride + left * channels
                        let p01 = source + top * rowStride + right * channels
                        let p10 = source + bottom * rowStride + left * channels
                        let p11 = source + bottom * rowStride + right * channels
                        if channels == 3 {
                            // The usual case: the three channels side by side in SIMD lanes, each
                            // lane doing exactly the scalar arithmetic.
                            @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD4<Double> {
                                SIMD4(Double(p[0]), Double(p[1]), Double(p[2]), 0)
                            }
                            var sum = load(p00) * wy0 * wx0
                            sum += load(p01) * wy0 * wx1
                            sum += load(p10) * wy1 * wx0
                            sum += load(p11) * wy1 * wx1
                            target[0] = Float(sum[0])
                            target[1] = Float(sum[1])
                            target[2] = Float(sum[2])
                        } else {
                            for channel in 0..<channels {
                                var sum = Double(p00[channel]) * wy0 * wx0
                                sum += Double(p01[channel]) * wy0 * wx1
                                sum += Double(p10[channel]) * wy1 * wx0
                                sum += Double(p11[channel]) * wy1 * wx1
                                target[channel] = Float(sum)
                            }
                        }
                        target += channels
                    }
                }
            }
        }
        return FloatImage(width: width, height: height, channels: channels, pixels: output)
    }

    /// Keras' `flip_axis(x, col_axis)`: each row's pixels in reverse order.
    mutating func reverseColumns() {
        let (width, channels) = (self.width, self.channels)
        pixels.withUnsafeMutableBufferPointer { samples in
            for row in 0..<height {
                var left = row * width * channels
                var right = left + (width - 1) * channels
                while left < right {
                    for channel in 0..<channels { samples.swapAt(left + channel, right + channel) }
                    left += channels
                    right -= channels
                }
            }
        }
    }

    /// Keras' `flip_axis(x, row_axis)`: the rows in reverse order.
    mutating func reverseRows() {
        let rowLength = width * channels
        pixels.withUnsafeMutableBufferPointer { samples in
            var top = 0
            var bottom = (height - 1) * rowLength
            while top < bottom {
                for index in 0..<rowLength { samples.swapAt(top + index, bottom + index) }
                top += rowLength
                bottom -= rowLength
            }
        }
    }
}
