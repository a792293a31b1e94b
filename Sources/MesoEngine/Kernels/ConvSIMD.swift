/// The fast convolution: output channels in SIMD lanes, four output pixels per register block.
///
/// Shapes as in `ConvReference`. The input is first copied into a zero-padded buffer
/// `[N, H + padT + padB, W + padL + padR, Cin]`, so the inner loops need no bounds checks.
/// Weights are repacked as `[block][KH][KW][Cin][L]`, L = lanes of `V`, zero-filled past Cout,
/// so one vector load gives the kernel tap for L output channels.
///
/// Inner step: acc[p] += broadcast(x[pixel p, ci]) * w[tap, ci, lanes] for 4 pixels p, which
/// keeps 4 independent FMA chains per vector and reuses each weight load 4 times.
/// Output rows (n, y) are split across `Parallelism.threads`.
enum ConvSIMD {
    static func forward<V: SIMD>(_ x: Tensor, kernel: Tensor, bias: Tensor, geometry g: ConvGeometry,
                                 activation: Activation, lanes: V.Type) -> Tensor where V.Scalar == Float {
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

        var out = [Float](repeating: 0, count: n * h * w * cout)
        let dilation = g.dilation, kh = g.kernelHeight, kw = g.kernelWidth
        padded.withUnsafeBufferPointer { xBuf in
            packedWeights.withUnsafeBufferPointer { wBuf in
                packedBias.withUnsafeBufferPointer { bBuf in
                    out.withUnsafeMutableBufferPointer { oBuf in
                        let xp = xBuf.baseAddress!, wp0 = wBuf.baseAddress!, bp = bBuf.baseAddress!
                        let op = oBuf.baseAddress!
                        Parallelism.forEachChunk(n * h, minimumPerThread: 4) { rows in
                            var acc = [V](repeating: V(), count: 4)
                            for row in rows {
                                let (b, y) = row.quotientAndRemainder(dividingBy: h)
                                let inRow = xp + (b * paddedHeight + y) * paddedWidth * cin
                                let outRow = op + row * w * cout
                                for block in 0..<blocks {
                                    let wBlock = wp0 + block * taps * L
                                    let biasV = UnsafeRawPointer(bp + block * L).loadUnaligned(as: V.self)
                                    let channels = min(L, cout - block * L)
                                    var ox = 0
                                    while ox < w {
                                        let pixels = min(4, w - ox)
                                        var a0 = biasV, a1 = biasV, a2 = biasV, a3 = biasV
                                        var wp = wBlock
                                        for ky in 0..<kh {
                                            let tapRow = inRow + (ky * dilation * paddedWidth + ox) * cin
                                            for kx in 0..<kw {
                                                let p = tapRow + kx * dilation * cin
                                                if pixels == 4 {
                                                    for ci in 0..<cin {
                                                        let wv = UnsafeRawPointer(wp).loadUnaligned(as: V.self)
                                                        wp += L
                                                        a0 = a0.addingProduct(V(repeating: p[ci]), wv)
                                                        a1 = a1.addingProduct(V(repeating: p[cin + ci]), wv)
                                                        a2 = a2.addingProduct(V(repeating: p[2 * cin + ci]), wv)
                                                        a3 = a3.addingProduct(V(repeating: p[3 * cin + ci]), wv)
                                                    }
                                                } else {
                                                    for ci in 0..<cin {
                                                        let wv = UnsafeRawPointer(wp).loadUnaligned(as: V.self)
                                                        wp += L
                                                        a0 = a0.addingProduct(V(repeating: p[ci]), wv)
                                                        if pixels > 1 { a1 = a1.addingProduct(V(repeating: p[cin + ci]), wv) }
                                                        if pixels > 2 { a2 = a2.addingProduct(V(repeating: p[2 * cin + ci]), wv) }
                                                    }
                                                }
                                            }
                                        }
                                        acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3
                                        for pixel in 0..<pixels {
                                            let dst = outRow + (ox + pixel) * cout + block * L
                                            let v = acc[pixel]
                                            for lane in 0..<channels {
                                                dst[lane] = activation.apply(v[lane])
                                            }
                                        }
                                        ox += pixels
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, h, w, cout], scalars: out)
    }

    /// `x` copied into the middle of a zero buffer `[N, height, width, C]`; `x` itself when no padding is needed.
    static func zeroPadded(_ x: Tensor, top: Int, left: Int, height: Int, width: Int) -> [Float] {
        let (n, h, w, c) = x.nhwc
        if height == h && width == w { return x.scalars }
        var padded = [Float](repeating: 0, count: n * height * width * c)
        x.scalars.withUnsafeBufferPointer { src in
            padded.withUnsafeMutableBufferPointer { dst in
                for b in 0..<n {
                    for y in 0..<h {
                        let from = src.baseAddress! + ((b * h + y) * w) * c
                        let to = dst.baseAddress! + ((b * height + y + top) * width + left) * c
                        to.update(from: from, count: w * c)
                    }
                }
            }
        }
        return padded
    }
}

/// Chooses the kernel for a convolution.
enum ConvKernels {
    static func forward(_ x: Tensor, kernel: Tensor, bias: Tensor, geometry g: ConvGeometry,
                        activation: Activation) -> Tensor {
        switch g.outputChannels {
        case ...4: ConvSIMD.forward(x, kernel: kernel, bias: bias, geometry: g, activation: activation, lanes: SIMD4<Float>.self)
        case ...8: ConvSIMD.forward(x, kernel: kernel, bias: bias, geometry: g, activation: activation, lanes: SIMD8<Float>.self)
        default: ConvSIMD.forward(x, kernel: kernel, bias: bias, geometry: g, activation: activation, lanes: SIMD16<Float>.self)
        }
    }
}
