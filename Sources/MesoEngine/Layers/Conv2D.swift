/// Keras `Conv2D` with padding 'same', stride 1, optional dilation, bias and a fused activation.
///
/// Shapes: input `[N, H, W, Cin]`, kernel `[KH, KW, Cin, Cout]` (HWIO, as Keras stores it),
/// bias `[Cout]`, output `[N, H, W, Cout]`.
///
/// 'same' with stride 1 pads `(K - 1) * dilation` in total, the smaller half before: for the odd
/// kernels of MesoNet that is `(K - 1) / 2 * dilation` on each side, zeros.
public final class Conv2D: Layer {
    public let name: String
    public let kind = "conv2d"
    public var trainable = true
    public let filters: Int
    public let kernelSize: (height: Int, width: Int)
    public let dilation: Int
    public let activation: Activation
    public private(set) var kernel: Tensor
    public private(set) var bias: Tensor
    public private(set) var gradients: [Tensor]

    public init(name: String, inputChannels: Int, filters: Int, kernelSize: Int,
                dilation: Int = 1, activation: Activation = .linear) {
        precondition(dilation >= 1 && kernelSize >= 1)
        self.name = name
        self.filters = filters
        self.kernelSize = (kernelSize, kernelSize)
        self.dilation = dilation
        self.activation = activation
        kernel = Tensor(zeros: [kernelSize, kernelSize, inputChannels, filters])
        bias = Tensor(zeros: [filters])
        gradients = [kernel, bias]
    }

    public var weightNames: [String] { ["kernel", "bias"] }
    public var weights: [Tensor] { [kernel, bias] }
    public func setWeights(_ newWeights: [Tensor]) {
        precondition(newWeights.map(\.shape) == weights.map(\.shape), "\(name): weight shapes differ")
        kernel = newWeights[0]
        bias = newWeights[1]
    }

    public func outputShape(for inputShapes: [[Int]]) -> [Int] {
        let s = inputShapes[0]
        return [s[0], s[1], s[2], filters]
    }

    public func zeroGradients() { gradients = [Tensor(zeros: kernel.shape), Tensor(zeros: bias.shape)] }

    /// dZ = dY ⊙ act'(Y); dBias = Σ dZ; dKernel and dX by `ConvBackwardSIMD` (its oracle: `ConvReference.backward`).
    public func backward(_ outputGradient: Tensor, inputs: [Tensor], output: Tensor, needsInputGradients: Bool) -> [Tensor] {
        let dZ = activation.backward(outputGradient, output: output)
        let (dX, dKernel, dBias) = ConvBackwardSIMD.backward(dZ, input: inputs[0], kernel: kernel, geometry: geometry,
                                                          weightGradients: trainable, inputGradient: needsInputGradients)
        if trainable {
            gradients[0].add(dKernel)
            gradients[1].add(dBias)
        }
        return dX.map { [$0] } ?? []
    }

    var geometry: ConvGeometry {
        ConvGeometry(kernelHeight: kernelSize.height, kernelWidth: kernelSize.width,
                     inputChannels: kernel.shape[2], outputChannels: filters, dilation: dilation)
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let x = inputs[0]
        precondition(x.nhwc.c == kernel.shape[2],
                     "\(name): input has \(x.nhwc.c) channels, kernel expects \(kernel.shape[2])")
        return ConvKernels.forward(x, kernel: kernel, bias: bias, geometry: geometry, activation: activation)
    }

    /// Inference only: this convolution with a following BatchNormalization and/or
    /// MaxPooling2D applied before the output is stored (see `ConvPostOps`).
    func forward(_ x: Tensor, then batchNorm: BatchNormalization?, _ pool: MaxPooling2D?) -> Tensor {
        precondition(x.nhwc.c == kernel.shape[2],
                     "\(name): input has \(x.nhwc.c) channels, kernel expects \(kernel.shape[2])")
        let post = ConvPostOps(channelAffine: batchNorm?.inferenceAffine, poolSize: pool?.poolSize ?? 1)
        return ConvKernels.forward(x, kernel: kernel, bias: bias, geometry: geometry, activation: activation, then: post)
    }
}
