/// Keras `MaxPooling2D` with padding 'same'.
///
/// Shapes: input `[N, H, W, C]`, output `[N, ⌈H/s⌉, ⌈W/s⌉, C]` for pool size p and stride s.
/// 'same' pads `max((out − 1)·s + p − in, 0)` in total, the smaller half before; padded cells
/// never win the maximum (TensorFlow pads with −∞). In MesoNet every size divides evenly, so
/// there is no padding and this equals 'valid'.
public final class MaxPooling2D: Layer {
    public let name: String
    public let kind = "max_pooling2d"
    public var trainable = true
    public let poolSize: Int
    public let stride: Int

    public init(name: String, poolSize: Int, stride: Int? = nil) {
        self.name = name
        self.poolSize = poolSize
        self.stride = stride ?? poolSize
    }

    public func outputShape(for inputShapes: [[Int]]) -> [Int] {
        let s = inputShapes[0]
        return [s[0], (s[1] + stride - 1) / stride, (s[2] + stride - 1) / stride, s[3]]
    }

    /// Whether the windows tile an input of `shape` exactly (no padding), so a convolution may
    /// pool its own output rows.
    func tilesExactly(_ shape: [Int]) -> Bool {
        stride == poolSize && shape[1] % poolSize == 0 && shape[2] % poolSize == 0
    }

    /// The first input row (or column) of output `o`'s window: negative inside the padding.
    func windowStart(_ o: Int, input: Int, output: Int) -> Int {
        let padTotal = max((output - 1) * stride + poolSize - input, 0)
        return o * stride - padTotal / 2
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let x = inputs[0]
        let (n, h, w, c) = x.nhwc
        let outShape = outputShape(for: [x.shape])
        let (oh, ow) = (outShape[1], outShape[2])
        if poolSize > 1 && tilesExactly(x.shape) { return tiledForward(x, outShape: outShape) }
        var out = [Float](repeating: -.infinity, count: n * oh * ow * c)
        x.scalars.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { ob in
                let xp = xb.baseAddress!, op = ob.baseAddress!
                Parallelism.forEachChunk(n * oh, minimumPerThread: 16) { rows in
                    for row in rows {
                        let (b, oy) = row.quotientAndRemainder(dividingBy: oh)
                        let y0 = windowStart(oy, input: h, output: oh)
                        for ox in 0..<ow {
                            let x0 = windowStart(ox, input: w, output: ow)
                            let dst = op + (row * ow + ox) * c
                            for y in max(y0, 0)..<min(y0 + poolSize, h) {
                                for xx in max(x0, 0)..<min(x0 + poolSize, w) {
                                    let src = xp + ((b * h + y) * w + xx) * c
                                    for ch in 0..<c { dst[ch] = max(dst[ch], src[ch]) }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: outShape, scalars: out)
    }

    /// Windows that tile the input (MesoNet's): each output row from its `poolSize` input rows by
    /// the vectorised row kernel, which the fused inference blocks use too.
    private func tiledForward(_ x: Tensor, outShape: [Int]) -> Tensor {
        let (_, h, w, c) = x.nhwc
        let (oh, ow) = (outShape[1], outShape[2])
        var out = [Float](uninitializedCount: outShape.reduce(1, *))
        x.scalars.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { ob in
                let xp = xb.baseAddress!, op = ob.baseAddress!
                Parallelism.forEachChunk(outShape[0] * oh, minimumPerThread: 16) { rows in
                    let fold = UnsafeMutablePointer<Float>.allocate(capacity: w * c)
                    defer { fold.deallocate() }
                    for row in rows {
                        let (b, oy) = row.quotientAndRemainder(dividingBy: oh)
                        Elementwise.maxPoolRows(xp + (b * h + oy * poolSize) * w * c, width: w, channels: c, pool: poolSize,
                                                fold: fold, into: op + row * ow * c)
                    }
                }
            }
        }
        return Tensor(shape: outShape, scalars: out)
    }

    /// Each output's gradient goes to the first input of its window (row-major) that equals
    /// the window's maximum, as TensorFlow's MaxPoolGrad routes it.
    public func backward(_ outputGradient: Tensor, inputs: [Tensor], output: Tensor, needsInputGradients: Bool) -> [Tensor] {
        let x = inputs[0]
        let (n, h, w, c) = x.nhwc
        let (oh, ow) = (output.shape[1], output.shape[2])
        precondition(stride >= poolSize, "overlapping pooling windows are not supported in backward")
        var dx = [Float](repeating: 0, count: x.count)
        x.scalars.withUnsafeBufferPointer { xb in
            output.scalars.withUnsafeBufferPointer { yb in
                outputGradient.scalars.withUnsafeBufferPointer { gb in
                    dx.withUnsafeMutableBufferPointer { db in
                        let xp = xb.baseAddress!, yp = yb.baseAddress!, gp = gb.baseAddress!, dp = db.baseAddress!
                        // Windows do not overlap, so output rows write disjoint input rows.
                        Parallelism.forEachChunk(n * oh, minimumPerThread: 8) { rows in
                            for row in rows {
                                let (b, oy) = row.quotientAndRemainder(dividingBy: oh)
                                let y0 = windowStart(oy, input: h, output: oh)
                              withUnsafeTemporaryAllocation(of: Bool.self, capacity: c) { routed in
                                for ox in 0..<ow {
                                    let x0 = windowStart(ox, input: w, output: ow)
                                    let o = (row * ow + ox) * c
                                    if c % 8 == 0 {
                                        routeVectorized(xp, yp, gp, dp, output: o, batch: b, y0: y0, x0: x0, h: h, w: w, c: c)
                                        continue
                                    }
                                    for ch in 0..<c { routed[ch] = false }
                                    // Window cells in row-major order, channels innermost: the first
                                    // cell equal to the maximum takes the gradient.
                                    for y in max(y0, 0)..<min(y0 + poolSize, h) {
                                        for xx in max(x0, 0)..<min(x0 + poolSize, w) {
                                            let i = ((b * h + y) * w + xx) * c
                                            for ch in 0..<c where !routed[ch] && xp[i + ch] == yp[o + ch] {
                                                dp[i + ch] += gp[o + ch]
                                                routed[ch] = true
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
        return [Tensor(shape: x.shape, scalars: dx)]
    }

    /// The routing of `backward` for one output pixel, eight channels per vector: a lane takes
    /// the gradient at the first window cell equal to its maximum and is then done.
    private func routeVectorized(_ xp: UnsafePointer<Float>, _ yp: UnsafePointer<Float>, _ gp: UnsafePointer<Float>,
                                 _ dp: UnsafeMutablePointer<Float>, output o: Int, batch b: Int,
                                 y0: Int, x0: Int, h: Int, w: Int, c: Int) {
        typealias V = SIMD8<Float>
        for g in Swift.stride(from: 0, to: c, by: 8) {
            let maxima = UnsafeRawPointer(yp + o + g).loadUnaligned(as: V.self)
            let gradient = UnsafeRawPointer(gp + o + g).loadUnaligned(as: V.self)
            var pending = SIMDMask<SIMD8<Int32>>(repeating: true)
            for y in max(y0, 0)..<min(y0 + poolSize, h) {
                for xx in max(x0, 0)..<min(x0 + poolSize, w) {
                    let i = ((b * h + y) * w + xx) * c + g
                    let hit = (UnsafeRawPointer(xp + i).loadUnaligned(as: V.self) .== maxima) .& pending
                    let current = UnsafeRawPointer(dp + i).loadUnaligned(as: V.self)
                    UnsafeMutableRawPointer(dp + i).storeBytes(of: current + V(repeating: 0).replacing(with: gradient, where: hit), as: V.self)
                    pending = pending .& .!hit
                }
            }
        }
    }
}
