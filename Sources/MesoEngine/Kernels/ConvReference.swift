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
}
