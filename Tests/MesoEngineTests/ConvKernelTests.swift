@testable import MesoEngine
import Testing

/// Deterministic pseudo-random values in [-1, 1).
func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    var state = seed
    let count = shape.reduce(1, *)
    let values = (0..<count).map { _ -> Float in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(state >> 40) / Float(1 << 23) - 1
    }
    return Tensor(shape: shape, scalars: values)
}

func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "\(a.shape) vs \(b.shape)")
    return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
}

/// The fast convolutions (AVX2, and AVX-512 where this CPU has it) against the plain one, on
/// shapes chosen to hit every edge: widths that are not a multiple of the pixel block or of the
/// pixels per vector, 1×1 images, batch 1 and 7, channel counts off the vector width (one
/// AVX-512 block and several, 1–4 pixels per vector), every dilation MesoNet uses.
@Suite struct ConvKernelTests {
    static let paths: [ConvKernels.Path] = ConvAVX512.available ? [.avx2, .avx512] : [.avx2]

    struct Case: CustomTestStringConvertible, Sendable {
        var n, h, w, cin, cout, k, dilation: Int
        var activation: Activation
        var testDescription: String { "n\(n) \(h)x\(w) \(cin)->\(cout) k\(k) d\(dilation) \(activation)" }
    }

    static let cases: [Case] = [
        Case(n: 1, h: 1, w: 1, cin: 3, cout: 8, k: 3, dilation: 1, activation: .relu),
        Case(n: 7, h: 5, w: 13, cin: 3, cout: 8, k: 3, dilation: 1, activation: .relu),
        Case(n: 1, h: 9, w: 17, cin: 8, cout: 16, k: 5, dilation: 1, activation: .linear),
        Case(n: 2, h: 11, w: 10, cin: 11, cout: 4, k: 3, dilation: 2, activation: .relu),
        Case(n: 1, h: 12, w: 7, cin: 4, cout: 2, k: 3, dilation: 3, activation: .relu),
        Case(n: 3, h: 6, w: 9, cin: 5, cout: 1, k: 1, dilation: 1, activation: .linear),
        Case(n: 1, h: 8, w: 24, cin: 16, cout: 12, k: 5, dilation: 1, activation: .sigmoid),
        Case(n: 1, h: 2, w: 3, cin: 2, cout: 5, k: 5, dilation: 2, activation: .relu),
        Case(n: 7, h: 3, w: 29, cin: 3, cout: 3, k: 3, dilation: 1, activation: .relu),
        Case(n: 2, h: 5, w: 37, cin: 7, cout: 20, k: 3, dilation: 3, activation: .linear),
        Case(n: 1, h: 4, w: 1, cin: 4, cout: 4, k: 3, dilation: 2, activation: .relu),
        Case(n: 1, h: 6, w: 40, cin: 16, cout: 16, k: 5, dilation: 1, activation: .relu),
        Case(n: 3, h: 7, w: 33, cin: 8, cout: 8, k: 5, dilation: 1, activation: .linear),
        Case(n: 1, h: 5, w: 19, cin: 3, cout: 11, k: 1, dilation: 1, activation: .relu),
        Case(n: 2, h: 3, w: 7, cin: 11, cout: 4, k: 1, dilation: 1, activation: .relu),
    ]

    @Test(arguments: cases, paths)
    func fastMatchesReference(_ c: Case, path: ConvKernels.Path) {
        let x = randomTensor([c.n, c.h, c.w, c.cin], seed: 1)
        let kernel = randomTensor([c.k, c.k, c.cin, c.cout], seed: 2)
        let bias = randomTensor([c.cout], seed: 3)
        let g = ConvGeometry(kernelHeight: c.k, kernelWidth: c.k, inputChannels: c.cin, outputChannels: c.cout, dilation: c.dilation)
        let fast = ConvKernels.forward(x, kernel: kernel, bias: bias, geometry: g, activation: c.activation, path: path)
        let reference = ConvReference.forward(x, kernel: kernel, bias: bias, geometry: g, activation: c.activation)
        #expect(fast.shape == [c.n, c.h, c.w, c.cout])
        #expect(maxAbsDifference(fast, reference) <= 1e-5)
    }

    /// The fast gradients against the plain ones (dX, dKernel, dBias), on the same odd shapes.
    @Test(arguments: cases, paths)
    func fastGradientsMatchReference(_ c: Case, path: ConvKernels.Path) throws {
        let x = randomTensor([c.n, c.h, c.w, c.cin], seed: 11)
        let kernel = randomTensor([c.k, c.k, c.cin, c.cout], seed: 12)
        let dZ = randomTensor([c.n, c.h, c.w, c.cout], seed: 13)
        let g = ConvGeometry(kernelHeight: c.k, kernelWidth: c.k, inputChannels: c.cin, outputChannels: c.cout, dilation: c.dilation)
        let fast = ConvBackwardSIMD.backward(dZ, input: x, kernel: kernel, geometry: g, weightGradients: true, path: path)
        let reference = ConvReference.backward(dZ, input: x, kernel: kernel, geometry: g, weightGradients: true)
        #expect(maxAbsDifference(try #require(fast.dX), reference.dX) <= 1e-4)
        #expect(maxAbsDifference(fast.dKernel, reference.dKernel) <= 1e-4)
        #expect(maxAbsDifference(fast.dBias, reference.dBias) <= 1e-4)
        #expect(fast.dKernel.scalars.contains { $0 != 0 })
    }

    /// The reference itself, on a case small enough to work out by hand: a 3×3 box filter
    /// over a 3×3 ramp with zero padding.
    @Test func referenceByHand() {
        let x = Tensor(shape: [1, 3, 3, 1], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let kernel = Tensor(repeating: 1, shape: [3, 3, 1, 1])
        let g = ConvGeometry(kernelHeight: 3, kernelWidth: 3, inputChannels: 1, outputChannels: 1, dilation: 1)
        let y = ConvReference.forward(x, kernel: kernel, bias: Tensor(shape: [1], scalars: [0.5]), geometry: g, activation: .linear)
        #expect(y.scalars == [12.5, 21.5, 16.5, 27.5, 45.5, 33.5, 24.5, 39.5, 28.5])
    }

    /// Conv → BatchNorm → MaxPool fused at inference equals the three layers run one by one, bit for bit.
    @Test(arguments: [(1, 16, 24, 3, 8, 2), (7, 8, 8, 8, 16, 4), (2, 6, 10, 5, 3, 2), (3, 4, 12, 4, 4, 2)])
    func fusedBlockEqualsLayers(_ shape: (Int, Int, Int, Int, Int, Int)) {
        let (n, h, w, cin, cout, pool) = shape
        let model = Model(name: "block", inputShape: [h, w, cin])
        let conv = Conv2D(name: "conv2d_1", inputChannels: cin, filters: cout, kernelSize: 3, activation: .relu)
        conv.setWeights([randomTensor([3, 3, cin, cout], seed: 4), randomTensor([cout], seed: 5)])
        let bn = BatchNormalization(name: "batch_normalization_1", channels: cout)
        let variance = randomTensor([cout], seed: 9).scalars.map { abs($0) + 0.1 }
        bn.setWeights([randomTensor([cout], seed: 6), randomTensor([cout], seed: 7), randomTensor([cout], seed: 8),
                       Tensor(shape: [cout], scalars: variance)])
        var y = model.add(conv, model.input)
        y = model.add(bn, y)
        model.add(MaxPooling2D(name: "max_pooling2d_1", poolSize: pool), y)
        let x = randomTensor([n, h, w, cin], seed: 10)
        let layered = model.forwardAll(x).last!
        #expect(layered.shape == [n, h / pool, w / pool, cout])
        #expect(model.forward(x) == layered)
    }

    /// BatchNorm → MaxPool fused at inference (MesoInception's blocks) equals the two layers run one by one, bit for bit.
    @Test(arguments: [(1, 8, 12, 11, 2), (7, 4, 8, 12, 4), (2, 6, 10, 3, 2)])
    func fusedNormalizationPoolEqualsLayers(_ shape: (Int, Int, Int, Int, Int)) {
        let (n, h, w, c, pool) = shape
        let model = Model(name: "block", inputShape: [h, w, c])
        let bn = BatchNormalization(name: "batch_normalization_1", channels: c)
        let variance = randomTensor([c], seed: 19).scalars.map { abs($0) + 0.1 }
        bn.setWeights([randomTensor([c], seed: 16), randomTensor([c], seed: 17), randomTensor([c], seed: 18),
                       Tensor(shape: [c], scalars: variance)])
        let y = model.add(bn, model.input)
        model.add(MaxPooling2D(name: "max_pooling2d_1", poolSize: pool), y)
        let x = randomTensor([n, h, w, c], seed: 20)
        let layered = model.forwardAll(x).last!
        #expect(layered.shape == [n, h / pool, w / pool, c])
        #expect(model.forward(x) == layered)
    }
}
