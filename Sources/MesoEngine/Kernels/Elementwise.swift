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
}
