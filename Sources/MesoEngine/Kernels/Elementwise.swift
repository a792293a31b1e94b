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

    /// `channelAffine` then non-overlapping max pooling, in one pass: an inference
    /// BatchNormalization read only by a MaxPooling2D (MesoInception's, after each Concatenate).
    /// Each window row is transformed into a scratch row and pooled from there, so the full-size
    /// normalised tensor is never written; the arithmetic is the two layers' own.
    static func channelAffineMaxPool(_ x: Tensor, scale: [Float], shift: [Float], pool: Int) -> Tensor {
        let (n, h, w, c) = x.nhwc
        let (oh, ow) = (h / pool, w / pool)
        var out = [Float](uninitializedCount: n * oh * ow * c)
        x.scalars.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { ob in
                let xp = xb.baseAddress!, op = ob.baseAddress!
                // The scale and shift repeated along a window's rows, so the affine is one flat,
                // vectorisable loop whatever the channel count.
                let length = pool * w * c
                let scaleRow = (0..<length).map { scale[$0 % c] }, shiftRow = (0..<length).map { shift[$0 % c] }
                Parallelism.forEachChunk(n * oh, minimumPerThread: 4) { outRows in
                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: length)
                    defer { scratch.deallocate() }
                    for outRow in outRows {
                        let (b, oy) = outRow.quotientAndRemainder(dividingBy: oh)
                        let src = xp + (b * h + oy * pool) * w * c
                        scaleRow.withUnsafeBufferPointer { sr in
                            shiftRow.withUnsafeBufferPointer { tr in
                                for i in 0..<length { scratch[i] = src[i] * sr[i] + tr[i] }
                            }
                        }
                        maxPoolRows(scratch, width: w, channels: c, pool: pool, fold: scratch, into: op + outRow * ow * c)
                    }
                }
            }
        }
        return Tensor(shape: [n, oh, ow, c], scalars: out)
    }

    /// out[x, c] = max over the `pool`×`pool` window at column x·pool of `rows` (`pool` rows of
    /// `width`×`channels`): the rows are folded into `fold` (one row; it may be `rows` itself),
    /// then each output pixel takes the max of its `pool` neighbours, eight channels per vector step.
    static func maxPoolRows(_ rows: UnsafePointer<Float>, width: Int, channels: Int, pool: Int,
                            fold: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        typealias V = SIMD8<Float>
        @inline(__always) func larger(_ a: V, _ b: V) -> V { a.replacing(with: b, where: b .> a) }
        let length = width * channels
        for r in 1..<pool {
            let first = UnsafeRawPointer(r == 1 ? rows : UnsafePointer(fold))
            let src = UnsafeRawPointer(rows + r * length), dst = UnsafeMutableRawPointer(fold)
            var i = 0
            while i + 8 <= length {
                let offset = i * 4
                dst.storeBytes(of: larger(first.loadUnaligned(fromByteOffset: offset, as: V.self),
                                          src.loadUnaligned(fromByteOffset: offset, as: V.self)),
                               toByteOffset: offset, as: V.self)
                i += 8
            }
            let previous = r == 1 ? rows : UnsafePointer(fold)
            for k in i..<length { fold[k] = rows[r * length + k] > previous[k] ? rows[r * length + k] : previous[k] }
        }
        let rows = UnsafePointer(fold)
        for ox in 0..<(width / pool) {
            let src = rows + ox * pool * channels, dst = out + ox * channels
            var c = 0
            while c + 8 <= channels {
                var m = UnsafeRawPointer(src + c).loadUnaligned(as: V.self)
                for dx in 1..<pool { m = larger(m, UnsafeRawPointer(src + dx * channels + c).loadUnaligned(as: V.self)) }
                UnsafeMutableRawPointer(dst + c).storeBytes(of: m, as: V.self)
                c += 8
            }
            for c in c..<channels {
                var m = src[c]
                for dx in 1..<pool where src[dx * channels + c] > m { m = src[dx * channels + c] }
                dst[c] = m
            }
        }
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
