/// The plain convolution: the oracle every faster path is tested against.
///
/// Shapes: x `[N, H, W, Cin]`, kernel `[KH, KW, Cin, Cout]`, bias `[Cout]`, out `[N, H, W, Cout]`.
/// out[n, y, x, co] = act(bias[co] + Σ kernel[ky, kx, ci, co] · x[n, y + ky·d − padTop, x + kx·d − padLeft, ci]),
/// with zeros outside the image. Summation order: ky, kx, ci, as the fast kernels do.
enum ConvReference {
    static func forward(_ x: Tensor, kernel: Tensor, bias: Tensor, geometry g: ConvGeometry,
                        activation: Activation) -> Tensor {
        let (n, h, w, cin) = x.nhwc
        let cout = g.outputChannels
        var out = Tensor(zeros: [n, h, w, cout])
        for b in 0..<n {
            for oy in 0..<h {
                for ox in 0..<w {
                    for co in 0..<cout {
                        var sum = bias.scalars[co]
                        for ky in 0..<g.kernelHeight {
                            let iy = oy + ky * g.dilation - g.padTop
                            guard iy >= 0 && iy < h else { continue }
                            for kx in 0..<g.kernelWidth {
                                let ix = ox + kx * g.dilation - g.padLeft
                                guard ix >= 0 && ix < w else { continue }
                                for ci in 0..<cin {
                                    let k = kernel.scalars[((ky * g.kernelWidth + kx) * cin + ci) * cout + co]
                                    sum += k * x.scalars[((b * h + iy) * w + ix) * cin + ci]
                                }
                            }
                        }
                        out.scalars[((b * h + oy) * w + ox) * cout + co] = activation.apply(sum)
                    }
                }
            }
        }
        return out
    }

    /// The gradients of `forward` before its activation: dZ `[N, H, W, Cout]` gives
    /// dX[n, iy, ix, ci] = Σ kernel[ky, kx, ci, co] · dZ[n, y, x, co] over the taps that read (iy, ix),
    /// dKernel[ky, kx, ci, co] = Σ x[n, iy, ix, ci] · dZ[n, y, x, co], dBias[co] = Σ dZ[n, y, x, co].
    /// Walks output pixels and taps exactly as `forward` does, on a zero-padded copy of x, so
    /// the padding needs no bounds checks; images are split across threads and their weight
    /// gradients summed in image order afterwards (deterministic for any thread count).
    static func backward(_ dZ: Tensor, input x: Tensor, kernel: Tensor, geometry g: ConvGeometry,
                         weightGradients: Bool) -> (dX: Tensor, dKernel: Tensor, dBias: Tensor) {
        let (n, h, w, cin) = x.nhwc
        let cout = g.outputChannels
        let ph = h + g.padTop + g.padBottom, pw = w + g.padLeft + g.padRight
        let padded = ConvSIMD.zeroPadded(x, top: g.padTop, left: g.padLeft, height: ph, width: pw)
        let taps = g.kernelHeight * g.kernelWidth
        var dPadded = [Float](repeating: 0, count: n * ph * pw * cin)
        var perImageKernel = [Float](repeating: 0, count: weightGradients ? n * taps * cin * cout : 0)
        var dBias = [Float](repeating: 0, count: cout)
        padded.withUnsafeBufferPointer { xb in
            dZ.scalars.withUnsafeBufferPointer { zb in
                kernel.scalars.withUnsafeBufferPointer { kb in
                    dPadded.withUnsafeMutableBufferPointer { db in
                        perImageKernel.withUnsafeMutableBufferPointer { gb in
                            let xp = xb.baseAddress!, zp = zb.baseAddress!, kp = kb.baseAddress!
                            let dp = db.baseAddress!
                            // An empty buffer may still have a base address (the shared empty array): never write there.
                            let gp = weightGradients ? gb.baseAddress : nil
                            Parallelism.forEachChunk(n) { images in
                                for b in images {
                                    let gk = gp.map { $0 + b * taps * cin * cout }
                                    for y in 0..<h {
                                        for ox in 0..<w {
                                            let dz = zp + ((b * h + y) * w + ox) * cout
                                            for ky in 0..<g.kernelHeight {
                                                for kx in 0..<g.kernelWidth {
                                                    let pixel = ((b * ph + y + ky * g.dilation) * pw + ox + kx * g.dilation) * cin
                                                    let tap = (ky * g.kernelWidth + kx) * cin
                                                    for ci in 0..<cin {
                                                        let k = kp + (tap + ci) * cout
                                                        var sum: Float = 0
                                                        for co in 0..<cout { sum += k[co] * dz[co] }
                                                        dp[pixel + ci] += sum
                                                        if let gk {
                                                            let xv = xp[pixel + ci]
                                                            let row = gk + (tap + ci) * cout
                                                            for co in 0..<cout { row[co] += xv * dz[co] }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for p in 0..<(n * h * w) {
            for co in 0..<cout { dBias[co] += dZ.scalars[p * cout + co] }
        }
        var dKernel = [Float](repeating: 0, count: taps * cin * cout)
        if weightGradients {
            for b in 0..<n {
                for i in 0..<dKernel.count { dKernel[i] += perImageKernel[b * dKernel.count + i] }
            }
        }
        var dX = [Float](repeating: 0, count: n * h * w * cin)
        for b in 0..<n {
            for y in 0..<h {
                let from = ((b * ph + y + g.padTop) * pw + g.padLeft) * cin
                let to = ((b * h + y) * w) * cin
                for i in 0..<(w * cin) { dX[to + i] = dPadded[from + i] }
            }
        }
        return (Tensor(shape: x.shape, scalars: dX), Tensor(shape: kernel.shape, scalars: dKernel),
                Tensor(shape: [cout], scalars: dBias))
    }
}
