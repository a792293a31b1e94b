/// Chooses the kernel for a convolution: AVX-512 (`ConvAVX512`) where the CPU has it and the
/// shape suits it, else the AVX2 kernel (`ConvSIMD`) with as many lanes as the channels fill.
/// Tests name the path, to check each against `ConvReference` on any machine that runs it.
enum ConvKernels {
    enum Path: Sendable { case avx512, avx2 }

    static var fastest: Path { ConvAVX512.available ? .avx512 : .avx2 }

    static func forward(_ x: Tensor, kernel: Tensor, bias: Tensor, geometry g: ConvGeometry, activation: Activation,
                        then post: ConvPostOps = ConvPostOps(), path: Path = fastest) -> Tensor {
        if path == .avx512, let group = ConvAVX512.group(g, activation: activation) {
            return ConvAVX512.forward(x, kernel: kernel, bias: bias, geometry: g, activation: activation, then: post, group: group)
        }
        switch g.outputChannels {
        case ...4: return ConvSIMD.forward(x, kernel: kernel, bias: bias, geometry: g, activation: activation, then: post, lanes: SIMD4<Float>.self)
        default: return ConvSIMD.forward(x, kernel: kernel, bias: bias, geometry: g, activation: activation, then: post, lanes: SIMD8<Float>.self)
        }
    }
}
