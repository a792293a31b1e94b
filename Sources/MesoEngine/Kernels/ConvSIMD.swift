/// The fast convolution: output channels in SIMD lanes, eight output pixels per register block.
///
/// Shapes as in `ConvReference`. The input is first copied into a zero-padded buffer
/// `[N, H + padT + padB, W + padL + padR, Cin]`, so the inner loops need no bounds checks.
/// Weights are repacked as `[block][KH][KW][Cin][L]`, L = lanes of `V`, zero-filled past Cout,
/// so one vector load gives a kernel tap for L output channels.
///
/// Inner step: acc[p] += broadcast(x[pixel p, j]) · w[j, lanes] for 8 neighbouring pixels p,
/// which keeps 8 independent FMA chains and reuses each weight load 8 times. Without dilation
/// a kernel row's taps (kx, ci) are contiguous in memory for both input and weights, so they
/// run as one loop of KW·Cin steps. Output rows (n, y) are split across `Parallelism.threads`.
enum ConvSIMD {
    static func forward<V: SIMD>(_ x: Tensor, kernel: Tensor, bias: Tensor, geometry g: ConvGeometry,
                                 activation: Activation, then post: ConvPostOps, lanes: V.Type) -> Tensor where V.Scalar == Float {
        let (n, h, w, cin) = x.nhwc
        let cout = g.outputChannels
        let L = V.scalarCount
        let blocks = (cout + L - 1) / L
        let taps = g.kernelHeight * g.kernelWidth * cin
        let paddedHeight = h + g.padTop + g.padBottom
        let paddedWidth = w + g.padLeft + g.padRight
        let padded = zeroPadded(x, top: g.padTop, left: g.padLeft, height: paddedHeight, width: paddedWidth)

        var packedWeights = [Float](repeating: 0, count: blocks * taps * L)
        var packedBias = [Float](repeating: 0, count: blocks * L)
        for co in 0..<cout {
            let (block, lane) = co.quotientAndRemainder(dividingBy: L)
            packedBias[block * L + lane] = bias.scalars[co]
            for t in 0..<taps {
                packedWeights[(block * taps + t) * L + lane] = kernel.scalars[t * cout + co]
            }
        }

        // Contiguous runs of taps: a whole kernel row without dilation, one tap's channels with it.
        let run = g.dilation == 1 ? g.kernelWidth * cin : cin
        let runsPerRow = g.dilation == 1 ? 1 : g.kernelWidth
        let runStride = g.dilation * cin
        let rowStride = g.dilation * paddedWidth * cin
        let kh = g.kernelHeight
        let relu = activation == .relu
        let pool = post.poolSize
        precondition(h % pool == 0 && w % pool == 0, "fused pooling needs sizes divisible by the pool")
        let (oh, ow) = (h / pool, w / pool)
        var scale = [Float](repeating: 1, count: blocks * L), shift = [Float](repeating: 0, count: blocks * L)
        if let affine = post.channelAffine {
            for co in 0..<cout { (scale[co], shift[co]) = (affine.scale[co], affine.shift[co]) }
        }

        var out = [Float](uninitializedCount: n * oh * ow * cout)
        padded.withUnsafeBufferPointer { xBuf in
            packedWeights.withUnsafeBufferPointer { wBuf in
                packedBias.withUnsafeBufferPointer { bBuf in
                    out.withUnsafeMutableBufferPointer { oBuf in
                        let xp = xBuf.baseAddress!, wp0 = wBuf.baseAddress!, bp = bBuf.baseAddress!
                        let op = oBuf.baseAddress!
                        Parallelism.forEachChunk(n * oh, minimumPerThread: 4) { outRows in
                          // Conv rows of one pooling window land here before they are pooled.
                          var scratch = [Float](repeating: 0, count: pool > 1 ? pool * w * cout : 0)
                          scratch.withUnsafeMutableBufferPointer { scratchBuf in
                           for outRowIndex in outRows {
                            let (b, oy) = outRowIndex.quotientAndRemainder(dividingBy: oh)
                            for y in (oy * pool)..<(oy * pool + pool) {
                                let inRow = xp + (b * paddedHeight + y) * paddedWidth * cin
                                let outRow = pool == 1 ? op + outRowIndex * w * cout
                                    : scratchBuf.baseAddress! + (y - oy * pool) * w * cout
                                for block in 0..<blocks {
                                    let wBlock = wp0 + block * taps * L
                                    let biasV = UnsafeRawPointer(bp + block * L).loadUnaligned(as: V.self)
                                    let scaleV = scale.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress! + block * L).loadUnaligned(as: V.self) }
                                    let shiftV = shift.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress! + block * L).loadUnaligned(as: V.self) }
                                    let channels = min(L, cout - block * L)
                                    var ox = 0
                                    while ox < w {
                                        let pixels = min(8, w - ox)
                                        var acc = (biasV, biasV, biasV, biasV, biasV, biasV, biasV, biasV)
                                        var wp = wBlock
                                        var tapRow = inRow + ox * cin
                                        for _ in 0..<kh {
                                            var p = tapRow
                                            for _ in 0..<runsPerRow {
                                                if pixels == 8 {
                                                    accumulate8(&acc, input: p, pixelStride: cin, weights: wp, count: run)
                                                } else {
                                                    accumulateTail(&acc, pixels: pixels, input: p, pixelStride: cin, weights: wp, count: run)
                                                }
                                                wp += run * L
                                                p += runStride
                                            }
                                            tapRow += rowStride
                                        }
                                        withUnsafeBytes(of: &acc) { raw in
                                            for pixel in 0..<pixels {
                                                var v = raw.load(fromByteOffset: pixel * MemoryLayout<V>.stride, as: V.self)
                                                let dst = outRow + (ox + pixel) * cout + block * L
                                                if channels == L && (relu || activation == .linear) {
                                                    if relu { v = rectified(v) }
                                                    if post.channelAffine != nil { v = v * scaleV + shiftV }
                                                    UnsafeMutableRawPointer(dst).storeBytes(of: v, as: V.self)
                                                } else {
                                                    for lane in 0..<channels {
                                                        let a = activation.apply(v[lane])
                                                        dst[lane] = post.channelAffine == nil ? a : a * scaleV[lane] + shiftV[lane]
                                                    }
                                                }
                                            }
                                        }
                                        ox += pixels
                                    }
                                }
                            }
                            if pool > 1 {
                                Elementwise.maxPoolRows(scratchBuf.baseAddress!, width: w, channels: cout, pool: pool, fold: scratchBuf.baseAddress!,
                                            into: op + outRowIndex * ow * cout)
                            }
                           }
                          }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, oh, ow, cout], scalars: out)
    }

    typealias Accumulators<V> = (V, V, V, V, V, V, V, V)

    /// max(v, 0) per lane by clearing the lanes whose sign bit is set. Swift's `max` and
    /// `pointwiseMax` keep IEEE NaN rules and compile to a scalar loop; this is two vector
    /// integer instructions. (A NaN with the sign bit set becomes 0, as in TensorFlow's ReLU.)
    @inline(__always)
    static func rectified<V: SIMD>(_ v: V) -> V where V.Scalar == Float {
        let bits = unsafeBitCast(v, to: V.MaskStorage.self)
        return unsafeBitCast(bits & ~(bits &>> 31), to: V.self)
    }

    /// acc[p] += Σ_j input[p·pixelStride + j] · weights[j] for the 8 pixels p and `count` taps j.
    @inline(__always)
    static func accumulate8<V: SIMD>(_ acc: inout Accumulators<V>, input: UnsafePointer<Float>, pixelStride: Int,
                                     weights: UnsafePointer<Float>, count: Int) where V.Scalar == Float {
        var (a0, a1, a2, a3, a4, a5, a6, a7) = acc
        // One pointer per pixel, indexed by the tap: base + j·4 addressing, no per-step arithmetic.
        let s = pixelStride
        let x0 = input, x1 = input + s, x2 = input + 2 * s, x3 = input + 3 * s
        let x4 = input + 4 * s, x5 = input + 5 * s, x6 = input + 6 * s, x7 = input + 7 * s
        let wp = UnsafeRawPointer(weights)
        for j in 0..<count {
            let wv = wp.loadUnaligned(fromByteOffset: j &* MemoryLayout<V>.stride, as: V.self)
            a0 = a0.addingProduct(V(repeating: x0[j]), wv)
            a1 = a1.addingProduct(V(repeating: x1[j]), wv)
            a2 = a2.addingProduct(V(repeating: x2[j]), wv)
            a3 = a3.addingProduct(V(repeating: x3[j]), wv)
            a4 = a4.addingProduct(V(repeating: x4[j]), wv)
            a5 = a5.addingProduct(V(repeating: x5[j]), wv)
            a6 = a6.addingProduct(V(repeating: x6[j]), wv)
            a7 = a7.addingProduct(V(repeating: x7[j]), wv)
        }
        acc = (a0, a1, a2, a3, a4, a5, a6, a7)
    }

    /// The same for the last 1–7 pixels of a row.
    static func accumulateTail<V: SIMD>(_ acc: inout Accumulators<V>, pixels: Int, input: UnsafePointer<Float>,
                                        pixelStride: Int, weights: UnsafePointer<Float>, count: Int) where V.Scalar == Float {
        withUnsafeMutableBytes(of: &acc) { raw in
            for pixel in 0..<pixels {
                var a = raw.load(fromByteOffset: pixel * MemoryLayout<V>.stride, as: V.self)
                for j in 0..<count {
                    let wv = UnsafeRawPointer(weights + j * V.scalarCount).loadUnaligned(as: V.self)
                    a = a.addingProduct(V(repeating: input[pixel * pixelStride + j]), wv)
                }
                raw.storeBytes(of: a, toByteOffset: pixel * MemoryLayout<V>.stride, as: V.self)
            }
        }
    }

    /// `x` copied into the middle of a zero buffer `[N, height, width, C]`; `x` itself when no padding is needed.
    static func zeroPadded(_ x: Tensor, top: Int, left: Int, height: Int, width: Int) -> [Float] {
        let (n, h, w, c) = x.nhwc
        if height == h && width == w { return x.scalars }
        var padded = [Float](uninitializedCount: n * height * width * c)
        x.scalars.withUnsafeBufferPointer { src in
            padded.withUnsafeMutableBufferPointer { dst in
                for b in 0..<n {
                    pad(src.baseAddress! + b * h * w * c, height: h, width: w, channels: c, top: top, left: left,
                        into: dst.baseAddress! + b * height * width * c, paddedHeight: height, paddedWidth: width)
                }
            }
        }
        return padded
    }

    /// One NHWC image `[height][width][channels]` copied into the middle of a zero image
    /// `[paddedHeight][paddedWidth][channels]`. Only the border is zeroed; the interior is written
    /// once, by the copy.
    static func pad(_ image: UnsafePointer<Float>, height h: Int, width w: Int, channels c: Int, top: Int, left: Int,
                    into out: UnsafeMutablePointer<Float>, paddedHeight: Int, paddedWidth: Int) {
        let rowLength = paddedWidth * c, right = (paddedWidth - w - left) * c
        out.update(repeating: 0, count: top * rowLength)
        for y in 0..<h {
            let row = out + (y + top) * rowLength
            row.update(repeating: 0, count: left * c)
            (row + left * c).update(from: image + y * w * c, count: w * c)
            (row + (left + w) * c).update(repeating: 0, count: right)
        }
        (out + (top + h) * rowLength).update(repeating: 0, count: (paddedHeight - h - top) * rowLength)
    }
}

/// What a convolution's output goes through before it is stored: the inference-time fusion of
/// Conv2D → BatchNormalization → MaxPooling2D, which saves two passes over the largest tensors.
/// The arithmetic is the unfused layers' own (x·scale + shift, then max), so results are identical.
struct ConvPostOps {
    /// Per-channel y = x·scale + shift after the activation (an inference BatchNormalization).
    var channelAffine: (scale: [Float], shift: [Float])?
    /// Non-overlapping max pooling window (1 = none).
    var poolSize = 1
}
