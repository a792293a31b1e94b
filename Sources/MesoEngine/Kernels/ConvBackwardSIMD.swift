/// The fast convolution gradients, tested against `ConvReference.backward`.
///
/// dX is itself a stride-1 convolution of dZ with the kernel flipped in space and transposed
/// in channels (`[KH, KW, Cout, Cin]`), so it runs on the forward SIMD kernel. That holds when
/// 'same' pads both sides equally, i.e. for odd kernels; others fall back to the reference.
///
/// dKernel[tap, j, co] = Σ_pixels x[pixel + tap offset, j] · dZ[pixel, co]: for each kernel row
/// and each group of 4 contiguous taps j (channels, and whole kernel rows without dilation),
/// four vector accumulators over the Cout lanes stream through every pixel of the image.
/// Each image's sums are kept apart and added in image order, so the result does not
/// depend on the thread count.
enum ConvBackwardSIMD {
    /// Without `inputGradient`, dX is nil: the first layer's input needs none, and at batch 32
    /// a zero-filled one would be 25 MB written for nothing.
    static func backward(_ dZ: Tensor, input x: Tensor, kernel: Tensor, geometry g: ConvGeometry,
                         weightGradients: Bool, inputGradient: Bool = true,
                         path: ConvKernels.Path = ConvKernels.fastest) -> (dX: Tensor?, dKernel: Tensor, dBias: Tensor) {
        guard g.padTop == g.padBottom && g.padLeft == g.padRight else {
            let reference = ConvReference.backward(dZ, input: x, kernel: kernel, geometry: g, weightGradients: weightGradients)
            return (inputGradient ? reference.dX : nil, reference.dKernel, reference.dBias)
        }
        let cout = g.outputChannels
        let dX = inputGradient ? inputGradientConvolution(dZ, kernel: kernel, geometry: g, path: path) : nil
        let dBias = dZ.scalars.withUnsafeBufferPointer {
            Elementwise.centeredProductSums($0.baseAddress!, shift: nil, nil, shift: nil, pixels: dZ.count / cout, channels: cout)
                .map { Float($0) }
        }
        let dKernel = !weightGradients ? Tensor(zeros: kernel.shape)
            : path == .avx512 ? ConvAVX512.kernelGradient(dZ, input: x, geometry: g)
            : (cout <= 4 ? kernelGradient(dZ, input: x, geometry: g, lanes: SIMD4<Float>.self)
                         : kernelGradient(dZ, input: x, geometry: g, lanes: SIMD8<Float>.self))
        return (dX, dKernel, Tensor(shape: [cout], scalars: dBias))
    }

    /// dX = dZ convolved with the kernel flipped in space and transposed in channels.
    static func inputGradientConvolution(_ dZ: Tensor, kernel: Tensor, geometry g: ConvGeometry, path: ConvKernels.Path) -> Tensor {
        let (kh, kw, cin, cout) = (g.kernelHeight, g.kernelWidth, g.inputChannels, g.outputChannels)
        var flipped = [Float](repeating: 0, count: kernel.count)
        for ky in 0..<kh {
            for kx in 0..<kw {
                for ci in 0..<cin {
                    for co in 0..<cout {
                        flipped[(((kh - 1 - ky) * kw + (kw - 1 - kx)) * cout + co) * cin + ci] =
                            kernel.scalars[((ky * kw + kx) * cin + ci) * cout + co]
                    }
                }
            }
        }
        let transposed = ConvGeometry(kernelHeight: kh, kernelWidth: kw, inputChannels: cout,
                                      outputChannels: cin, dilation: g.dilation)
        return ConvKernels.forward(dZ, kernel: Tensor(shape: [kh, kw, cout, cin], scalars: flipped),
                                   bias: Tensor(zeros: [cin]), geometry: transposed, activation: .linear, path: path)
    }

    static func kernelGradient<V: SIMD>(_ dZ: Tensor, input x: Tensor, geometry g: ConvGeometry,
                                        lanes: V.Type) -> Tensor where V.Scalar == Float {
        let (n, h, w, cin) = x.nhwc
        let cout = g.outputChannels, L = V.scalarCount
        let blocks = (cout + L - 1) / L
        let taps = g.kernelHeight * g.kernelWidth * cin
        let ph = h + g.padTop + g.padBottom, pw = w + g.padLeft + g.padRight
        let padded = ConvSIMD.zeroPadded(x, top: g.padTop, left: g.padLeft, height: ph, width: pw)
        // dZ with its channels split into lane blocks: [N][block][H·W][L], zeros past Cout
        // (dZ itself when Cout is one block).
        var packed = cout == L ? dZ.scalars : [Float](repeating: 0, count: n * blocks * h * w * L)
        if cout != L {
            for b in 0..<n {
                for block in 0..<blocks {
                    for p in 0..<(h * w) {
                        for lane in 0..<min(L, cout - block * L) {
                            packed[((b * blocks + block) * h * w + p) * L + lane] = dZ.scalars[(b * h * w + p) * cout + block * L + lane]
                        }
                    }
                }
            }
        }
        let run = g.dilation == 1 ? g.kernelWidth * cin : cin
        let runsPerRow = g.dilation == 1 ? 1 : g.kernelWidth
        var perImage = [Float](repeating: 0, count: n * blocks * taps * L)
        padded.withUnsafeBufferPointer { xb in
            packed.withUnsafeBufferPointer { zb in
                perImage.withUnsafeMutableBufferPointer { ob in
                    let xp = xb.baseAddress!, zp = zb.baseAddress!, op = ob.baseAddress!
                    Parallelism.forEachChunk(n) { images in
                        for b in images {
                            for block in 0..<blocks {
                                let z = UnsafeRawPointer(zp + (b * blocks + block) * h * w * L)
                                let out = op + (b * blocks + block) * taps * L
                                var tap = 0
                                for ky in 0..<g.kernelHeight {
                                    for r in 0..<runsPerRow {
                                        let origin = xp + ((b * ph + ky * g.dilation) * pw + r * g.dilation) * cin
                                        var j = 0
                                        while j < run {
                                            let group = min(4, run - j)
                                            var a0 = V(), a1 = V(), a2 = V(), a3 = V()
                                            for y in 0..<h {
                                                let row = origin + y * pw * cin + j
                                                let zRow = z + y * w * MemoryLayout<V>.stride
                                                if group == 4 {
                                                    for xx in 0..<w {
                                                        let dz = zRow.loadUnaligned(fromByteOffset: xx &* MemoryLayout<V>.stride, as: V.self)
                                                        let p = row + xx &* cin
                                                        a0 = a0.addingProduct(V(repeating: p[0]), dz)
                                                        a1 = a1.addingProduct(V(repeating: p[1]), dz)
                                                        a2 = a2.addingProduct(V(repeating: p[2]), dz)
                                                        a3 = a3.addingProduct(V(repeating: p[3]), dz)
                                                    }
                                                } else {
                                                    for xx in 0..<w {
                                                        let dz = zRow.loadUnaligned(fromByteOffset: xx &* MemoryLayout<V>.stride, as: V.self)
                                                        let p = row + xx &* cin
                                                        a0 = a0.addingProduct(V(repeating: p[0]), dz)
                                                        if group > 1 { a1 = a1.addingProduct(V(repeating: p[1]), dz) }
                                                        if group > 2 { a2 = a2.addingProduct(V(repeating: p[2]), dz) }
                                                    }
                                                }
                                            }
                                            for (k, a) in [a0, a1, a2, a3].prefix(group).enumerated() {
                                                UnsafeMutableRawPointer(out + (tap + j + k) * L).storeBytes(of: a, as: V.self)
                                            }
                                            j += group
                                        }
                                        tap += run
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var dKernel = [Float](repeating: 0, count: taps * cout)
        for b in 0..<n {
            for block in 0..<blocks {
                for t in 0..<taps {
                    for lane in 0..<min(L, cout - block * L) {
                        dKernel[t * cout + block * L + lane] += perImage[((b * blocks + block) * taps + t) * L + lane]
                    }
                }
            }
        }
        return Tensor(shape: [g.kernelHeight, g.kernelWidth, cin, cout], scalars: dKernel)
    }
}
