import CKernels

#if os(Linux)
import Glibc
#else
import Darwin
#endif

/// The AVX-512 convolution (C, in `CKernels`), for CPUs that have it; `ConvSIMD` (AVX2) otherwise.
///
/// Output channels sit in the 16 lanes, `group` pixels per vector: 16 channels × 1 pixel,
/// 8 × 2 or 4 × 4 (MesoInception's 1- and 2-channel branches use 4 × 4 too). Meso-4's 8-channel layers fill all 16 lanes that way, where one pixel per
/// vector would leave half of them empty. The kernel wants the input `group`-interleaved
/// (`ConvSIMD.pad`, then `mk_interleave_avx512`): a zero-padded copy in which each tap's values for `group` neighbouring
/// pixels lie side by side, so one broadcast load feeds a vector.
///
/// Threads: a single image splits its rows; a batch splits its images, each thread building
/// one image's interleaved copy at a time, which stays in L2.
enum ConvAVX512 {
    /// The CPU runs AVX-512 and `MESOSCOPE_NO_AVX512` is unset (set it to measure or test the AVX2 kernels).
    static let available: Bool = mk_avx512_supported() != 0 && getenv("MESOSCOPE_NO_AVX512") == nil

    /// Pixels per vector for this many output channels (1–2 channels still use 4 pixels: 4 or 8
    /// of 16 lanes do work, against 1 or 2 of the AVX2 kernel's 4); nil when the activation is
    /// not one this kernel fuses. A 1×1 kernel takes one pixel per vector whatever its channels:
    /// its few taps cost less than an interleaved copy of the input, and it reads the image itself.
    static func group(_ g: ConvGeometry, activation: Activation) -> Int? {
        guard activation == .relu || activation == .linear else { return nil }
        if g.kernelHeight == 1 && g.kernelWidth == 1 { return 1 }
        switch g.outputChannels {
        case 9...: return 1
        case 5...8: return 2
        default: return 4
        }
    }

    static func forward(_ x: Tensor, kernel: Tensor, bias: Tensor, geometry g: ConvGeometry,
                        activation: Activation, then post: ConvPostOps, group: Int) -> Tensor {
        let (n, h, w, cin) = x.nhwc
        let cout = g.outputChannels
        let perVector = 16 / group
        let blocks = (cout + perVector - 1) / perVector
        let taps = g.kernelHeight * g.kernelWidth * cin
        // Lane k·group + e holds channel block·perVector + k (for each of the group's pixels e).
        func lanes(_ values: [Float], fill: Float) -> [Float] {
            var packed = [Float](repeating: fill, count: blocks * 16)
            for co in 0..<cout {
                let (block, k) = co.quotientAndRemainder(dividingBy: perVector)
                for e in 0..<group { packed[block * 16 + k * group + e] = values[co] }
            }
            return packed
        }
        var packedWeights = [Float](repeating: 0, count: blocks * taps * 16)
        for t in 0..<taps {
            for co in 0..<cout {
                let (block, k) = co.quotientAndRemainder(dividingBy: perVector)
                for e in 0..<group { packedWeights[(block * taps + t) * 16 + k * group + e] = kernel.scalars[t * cout + co] }
            }
        }
        let packedBias = lanes(bias.scalars, fill: 0)
        let scale = post.channelAffine.map { lanes($0.scale, fill: 1) }
        let shift = post.channelAffine.map { lanes($0.shift, fill: 0) }

        let paddedHeight = h + g.padTop + g.padBottom
        let paddedWidth = (w + group - 1) / group * group + g.padLeft + g.padRight
        let rowLength = paddedWidth * cin * group
        let imageLength = paddedHeight * rowLength
        let pool = post.poolSize
        precondition(h % pool == 0 && w % pool == 0, "fused pooling needs sizes divisible by the pool")
        let (oh, ow) = (h / pool, w / pool)
        var out = [Float](uninitializedCount: n * oh * ow * cout)

        packedWeights.withUnsafeBufferPointer { wBuf in
          packedBias.withUnsafeBufferPointer { bBuf in
            (scale ?? []).withUnsafeBufferPointer { sBuf in
              (shift ?? []).withUnsafeBufferPointer { tBuf in
                x.scalars.withUnsafeBufferPointer { xBuf in
                  out.withUnsafeMutableBufferPointer { oBuf in
                    var plan = mk_conv_plan(
                        width: w, inputChannels: cin, outputChannels: cout,
                        kernelHeight: g.kernelHeight, kernelWidth: g.kernelWidth, dilation: g.dilation,
                        group: group, blocks: blocks, rowLength: rowLength,
                        weights: wBuf.baseAddress, bias: bBuf.baseAddress,
                        scale: scale == nil ? nil : sBuf.baseAddress, shift: shift == nil ? nil : tBuf.baseAddress,
                        relu: activation == .relu ? 1 : 0)
                    let xp = xBuf.baseAddress!, op = oBuf.baseAddress!
                    /// Output rows `rows` of image `b`, from its interleaved copy.
                    func outputRows(_ rows: Range<Int>, image b: Int, interleaved: UnsafePointer<Float>,
                                    scratch: UnsafeMutablePointer<Float>) {
                        for oy in rows {
                            let pooled = op + (b * oh + oy) * ow * cout
                            for y in (oy * pool)..<(oy * pool + pool) {
                                let row = pool == 1 ? pooled : scratch + (y - oy * pool) * w * cout
                                mk_conv_row_avx512(&plan, interleaved + y * rowLength, row)
                            }
                            if pool > 1 { Elementwise.maxPoolRows(scratch, width: w, channels: cout, pool: pool, fold: scratch, into: pooled) }
                        }
                    }
                    /// Image `b` zero-padded, then interleaved, in `buffer`; with one pixel per vector the
                    /// padded copy is the input, and without padding (1×1 kernels) the image itself is.
                    func kernelInput(image b: Int, buffer: UnsafeMutablePointer<Float>,
                                     padded: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
                        let image = xp + b * h * w * cin
                        if group == 1 && paddedWidth == w && paddedHeight == h { return image }
                        ConvSIMD.pad(image, height: h, width: w, channels: cin, top: g.padTop, left: g.padLeft,
                                     into: group == 1 ? buffer : padded, paddedHeight: paddedHeight, paddedWidth: paddedWidth)
                        if group > 1 { mk_interleave_avx512(padded, imageLength / group, cin, group, buffer) }
                        return UnsafePointer(buffer)
                    }
                    let scratchLength = pool > 1 ? pool * w * cout : 0
                    let paddedLength = group > 1 ? imageLength / group : 1
                    if n == 1 {
                        let interleaved = UnsafeMutablePointer<Float>.allocate(capacity: imageLength)
                        let padded = UnsafeMutablePointer<Float>.allocate(capacity: paddedLength)
                        defer { interleaved.deallocate(); padded.deallocate() }
                        let input = kernelInput(image: 0, buffer: interleaved, padded: padded)
                        Parallelism.forEachChunk(oh, minimumPerThread: 4) { rows in
                            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, scratchLength))
                            defer { scratch.deallocate() }
                            outputRows(rows, image: 0, interleaved: input, scratch: scratch)
                        }
                    } else {
                        Parallelism.forEachChunk(n) { images in
                            let interleaved = UnsafeMutablePointer<Float>.allocate(capacity: imageLength)
                            let padded = UnsafeMutablePointer<Float>.allocate(capacity: paddedLength)
                            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, scratchLength))
                            defer { interleaved.deallocate(); padded.deallocate(); scratch.deallocate() }
                            for b in images {
                                outputRows(0..<oh, image: b, interleaved: kernelInput(image: b, buffer: interleaved, padded: padded),
                                           scratch: scratch)
                            }
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

    /// dKernel summed over the batch, image by image in image order (so the thread count does
    /// not change the result), each image's sum from the C kernel.
    static func kernelGradient(_ dZ: Tensor, input x: Tensor, geometry g: ConvGeometry) -> Tensor {
        let (n, h, w, cin) = x.nhwc
        let cout = g.outputChannels
        let ph = h + g.padTop + g.padBottom, pw = w + g.padLeft + g.padRight
        let padded = ConvSIMD.zeroPadded(x, top: g.padTop, left: g.padLeft, height: ph, width: pw)
        let size = g.kernelHeight * g.kernelWidth * cin * cout
        var perImage = [Float](uninitializedCount: n * size)
        padded.withUnsafeBufferPointer { xBuf in
            dZ.scalars.withUnsafeBufferPointer { zBuf in
                perImage.withUnsafeMutableBufferPointer { oBuf in
                    let xp = xBuf.baseAddress!, zp = zBuf.baseAddress!, op = oBuf.baseAddress!
                    Parallelism.forEachChunk(n) { images in
                        for b in images {
                            mk_conv_kernel_gradient_avx512(xp + b * ph * pw * cin, pw, cin, zp + b * h * w * cout, h, w, cout,
                                                           g.kernelHeight, g.kernelWidth, g.dilation, op + b * size)
                        }
                    }
                }
            }
        }
        var dKernel = [Float](repeating: 0, count: size)
        for b in 0..<n {
            for i in 0..<size { dKernel[i] += perImage[b * size + i] }
        }
        return Tensor(shape: [g.kernelHeight, g.kernelWidth, cin, cout], scalars: dKernel)
    }
}
