/// Memory-bound per-element kernels shared by several layers.
enum Elementwise {
    /// y[..., c] = x[..., c] · scale[c] + shift[c] over the last axis, rows split across threads.
    static func channelAffine(_ x: Tensor, scale: [Float], shift: [Float]) -> Tensor {
        let c = scale.count
        let pixels = x.count / c
        var out = [Float](uninitializedCount: x.count)
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

    /// Per-channel Σ (a − aShift[c]) · (b − bShift[c]) over the pixels of two `[pixels, C]`
    /// buffers (b = 1 when nil, shifts 0 when nil). Fixed blocks of 4096 pixels are summed in
    /// Float on the threads, then added in Double in block order: accurate, and independent of
    /// the thread count.
    static func centeredProductSums(_ a: UnsafePointer<Float>, shift aShift: [Float]?,
                                    _ b: UnsafePointer<Float>?, shift bShift: [Float]?,
                                    pixels: Int, channels c: Int) -> [Double] {
        let blockSize = 4096
        let blocks = (pixels + blockSize - 1) / blockSize
        var partial = [Float](repeating: 0, count: blocks * c)
        let zeros = [Float](repeating: 0, count: c)
        let sa = aShift ?? zeros, sb = bShift ?? zeros
        partial.withUnsafeMutableBufferPointer { buffer in
            sa.withUnsafeBufferPointer { saBuffer in
                sb.withUnsafeBufferPointer { sbBuffer in
                    let sums = buffer.baseAddress!, saP = saBuffer.baseAddress!, sbP = sbBuffer.baseAddress!
                    Parallelism.forEachChunk(blocks) { range in
                        for block in range {
                            let row = sums + block * c
                            let pixelRange = (block * blockSize)..<min(pixels, (block + 1) * blockSize)
                            if c % 8 == 0 {
                                // Eight channels per vector: the common case (MesoNet has 8 and 16).
                                typealias V = SIMD8<Float>
                                for g in stride(from: 0, to: c, by: 8) {
                                    let shiftA = UnsafeRawPointer(saP + g).loadUnaligned(as: V.self)
                                    let shiftB = UnsafeRawPointer(sbP + g).loadUnaligned(as: V.self)
                                    var sum = V()
                                    for p in pixelRange {
                                        let av = UnsafeRawPointer(a + p &* c + g).loadUnaligned(as: V.self) - shiftA
                                        if let b {
                                            sum += av * (UnsafeRawPointer(b + p &* c + g).loadUnaligned(as: V.self) - shiftB)
                                        } else {
                                            sum += av
                                        }
                                    }
                                    UnsafeMutableRawPointer(row + g).storeBytes(of: sum, as: V.self)
                                }
                            } else {
                                for p in pixelRange {
                                    let ap = a + p &* c
                                    if let b {
                                        let bp = b + p &* c
                                        for ch in 0..<c { row[ch] += (ap[ch] - saP[ch]) * (bp[ch] - sbP[ch]) }
                                    } else {
                                        for ch in 0..<c { row[ch] += ap[ch] - saP[ch] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var total = [Double](repeating: 0, count: c)
        for block in 0..<blocks { for ch in 0..<c { total[ch] += Double(partial[block * c + ch]) } }
        return total
    }
}
