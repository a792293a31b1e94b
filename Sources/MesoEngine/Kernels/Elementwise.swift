/// Memory-bound per-element kernels shared by several layers.
enum Elementwise {
    /// y[..., c] = x[..., c] · scale[c] + shift[c] over the last axis, rows split across threads.
    static func channelAffine(_ x: Tensor, scale: [Float], shift: [Float]) -> Tensor {
        let c = scale.count
        let pixels = x.count / c
        var out = [Float](repeating: 0, count: x.count)
        x.scalars.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { ob in
                let xp = xb.baseAddress!, op = ob.baseAddress!
                scale.withUnsafeBufferPointer { sb in
                    shift.withUnsafeBufferPointer { tb in
                        let sp = sb.baseAddress!, tp = tb.baseAddress!
                        Parallelism.forEachChunk(pixels, minimumPerThread: 4096) { range in
                            for p in range {
                                for ch in 0..<c {
                                    op[p * c + ch] = xp[p * c + ch] * sp[ch] + tp[ch]
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: x.shape, scalars: out)
    }

    /// Per-channel sums of `term(pixel, channel)` over `pixels` pixels, accumulated in Double.
    /// Fixed blocks of 4096 pixels are summed on the threads and then added in block order, so
    /// the result does not depend on the thread count.
    @inline(__always)
    static func channelSums(pixels: Int, channels: Int, _ term: (Int, Int) -> Double) -> [Double] {
        let blockSize = 4096
        let blocks = (pixels + blockSize - 1) / blockSize
        var partial = [Double](repeating: 0, count: blocks * channels)
        partial.withUnsafeMutableBufferPointer { buffer in
            let sums = buffer.baseAddress!
            Parallelism.forEachChunk(blocks) { range in
                for block in range {
                    let row = sums + block * channels
                    for p in (block * blockSize)..<min(pixels, (block + 1) * blockSize) {
                        for ch in 0..<channels { row[ch] += term(p, ch) }
                    }
                }
            }
        }
        var total = [Double](repeating: 0, count: channels)
        for block in 0..<blocks { for ch in 0..<channels { total[ch] += partial[block * channels + ch] } }
        return total
    }

    /// out[i] = f(i) for every element, split across threads.
    @inline(__always)
    static func map(count: Int, _ f: (Int) -> Float) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { buffer in
            let o = buffer.baseAddress!
            Parallelism.forEachChunk(count, minimumPerThread: 1 << 16) { range in
                for i in range { o[i] = f(i) }
            }
        }
        return out
    }
}
