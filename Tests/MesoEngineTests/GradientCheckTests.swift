@testable import MesoEngine
import Testing
import Foundation

/// Finite-difference checks of every layer's `backward` and of `Model.backward`.
///
/// For a layer with output y and a fixed random "upstream" tensor R of y's shape, the scalar
/// L = Σ y ⊙ R has dL/dy = R, so `backward(R, ...)` must return dL/dx and add dL/dw into
/// `gradients`. Each analytic value is compared with the central difference
/// n = (L(t + h) − L(t − h)) / ((t + h) − (t − h)), L summed in Double, under
/// |a − n| ≤ absolute + relative · |n| (tolerances per test below; the default 1e-3 + 1e-2 · |n|).
///
/// Kinks (ReLU, LeakyReLU, max-pool winners): each evaluation also returns the branches it took;
/// an element whose ±h evaluations took other branches than the unperturbed one straddles a kink
/// and is passed over. Inputs of LeakyReLU and max pooling are built away from their kinks, so
/// there none may be passed over; Conv2D(relu) is differentiated on its unperturbed branches (see
/// `conv2D`); the whole-model checks pass over kinks and must still compare half of what they want.
///
/// Everything runs on small tensors: the suite takes well under a second in release.
@Suite struct GradientCheckTests {
    // MARK: - Finite differences

    /// One tolerance and step size for a group of central-difference comparisons.
    struct Checker {
        var h: Float = 1e-2
        var absolute: Double = 1e-3
        var relative: Double = 1e-2

        /// Compares `analytic[i]` with the central difference of `evaluate` at `point`, for the elements
        /// `candidates` (all, in order, when nil) until `wanted` of them are compared. `evaluate` returns L
        /// at a perturbed copy of `point` and the branches taken; an element whose ±h evaluations took
        /// other branches than the unperturbed one straddles a kink and is passed over. At least
        /// `minimumCompared` elements (default: all that were wanted, i.e. no kinks) must be compared.
        func check(_ label: String, analytic: Tensor, at point: Tensor, candidates: [Int]? = nil,
                   wanted: Int? = nil, minimumCompared: Int? = nil,
                   sourceLocation: SourceLocation = #_sourceLocation,
                   evaluate: (Tensor) -> (loss: Double, branches: [Bool])) {
            #expect(analytic.shape == point.shape, "\(label): gradient shape \(analytic.shape) vs \(point.shape)",
                    sourceLocation: sourceLocation)
            guard analytic.shape == point.shape else { return }
            let candidates = candidates ?? Array(0..<point.count)
            let wanted = min(wanted ?? candidates.count, candidates.count)
            let base = evaluate(point).branches
            var mismatches: [String] = []
            var compared = 0, skipped = 0
            for i in candidates where compared < wanted {
                var plus = point, minus = point
                plus.scalars[i] += h
                minus.scalars[i] -= h
                let step = Double(plus.scalars[i]) - Double(minus.scalars[i])
                let (lp, bp) = evaluate(plus)
                let (lm, bm) = evaluate(minus)
                if bp != base || bm != base {
                    skipped += 1
                    continue
                }
                compared += 1
                let numeric = (lp - lm) / step
                let a = Double(analytic.scalars[i])
                if abs(a - numeric) > absolute + relative * abs(numeric) {
                    mismatches.append("[\(i)] analytic \(a) numeric \(numeric)")
                }
            }
            #expect(mismatches.isEmpty,
                    "\(label): \(mismatches.count) of \(compared) elements differ: \(mismatches.prefix(6).joined(separator: ", "))",
                    sourceLocation: sourceLocation)
            #expect(compared >= (minimumCompared ?? wanted),
                    "\(label): only \(compared) elements compared, \(skipped) straddle a kink",
                    sourceLocation: sourceLocation)
        }
    }

    /// Σ y ⊙ r in Double.
    static func dot(_ y: Tensor, _ r: Tensor) -> Double {
        precondition(y.shape == r.shape, "\(y.shape) vs \(r.shape)")
        var sum = 0.0
        for i in y.scalars.indices { sum += Double(y.scalars[i]) * Double(r.scalars[i]) }
        return sum
    }

    /// `k` distinct indices of `0..<count` in random order (all of them when count ≤ k).
    static func sample(_ count: Int, _ k: Int, seed: UInt64) -> [Int] {
        var rng = RandomGenerator(seed: seed)
        return Array(Array(0..<count).shuffled(using: &rng).prefix(k))
    }

    static func scaled(_ t: Tensor, _ s: Float, plus offset: Float = 0) -> Tensor {
        Tensor(shape: t.shape, scalars: t.scalars.map { $0 * s + offset })
    }

    /// Random values at least `margin` away from 0.
    static func awayFromZero(_ shape: [Int], seed: UInt64, margin: Float) -> Tensor {
        Tensor(shape: shape, scalars: randomTensor(shape, seed: seed).scalars.map { $0 >= 0 ? $0 + margin : $0 - margin })
    }

    /// Distinct values `spacing` apart in random order, centred on 0.
    static func distinctTensor(_ shape: [Int], seed: UInt64, spacing: Float) -> Tensor {
        let count = shape.reduce(1, *)
        var rng = RandomGenerator(seed: seed)
        let order = Array(0..<count).shuffled(using: &rng)
        return Tensor(shape: shape, scalars: order.map { (Float($0) - Float(count) / 2) * spacing })
    }

    /// Marks the inputs that equal their max-pool window's output (the winners), for kink detection.
    /// Windows as Keras 'same' places them: stride = pool size, the smaller half of the padding first.
    static func poolWinners(input x: Tensor, output y: Tensor, pool: MaxPooling2D) -> [Bool] {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow, p) = (y.shape[1], y.shape[2], pool.poolSize)
        let (padTop, padLeft) = (max((oh - 1) * p + p - h, 0) / 2, max((ow - 1) * p + p - w, 0) / 2)
        var winners = [Bool](repeating: false, count: x.count)
        for b in 0..<n {
            for oy in 0..<oh {
                let y0 = oy * p - padTop
                for ox in 0..<ow {
                    let x0 = ox * p - padLeft
                    for yy in max(y0, 0)..<min(y0 + p, h) {
                        for xx in max(x0, 0)..<min(x0 + p, w) {
                            for ch in 0..<c {
                                let i = ((b * h + yy) * w + xx) * c + ch
                                if x.scalars[i] == y.scalars[((b * oh + oy) * ow + ox) * c + ch] { winners[i] = true }
                            }
                        }
                    }
                }
            }
        }
        return winners
    }

    // MARK: - Conv2D

    struct ConvCase: CustomTestStringConvertible, Sendable {
        var kernelSize, dilation: Int
        var activation: Activation
        var inputChannels = 3, filters = 4
        var testDescription: String { "k\(kernelSize) d\(dilation) \(activation) \(inputChannels)->\(filters)" }
    }

    /// Every kernel size × dilation × activation at 3 → 4 channels, then channel counts that take the
    /// other SIMD paths (8 lanes, several lane blocks, partial groups of 4 taps) and even kernels
    /// (asymmetric 'same' padding, which the backward runs on the reference kernel).
    static let convCases: [ConvCase] = [1, 3, 5].flatMap { k in
        [1, 2, 3].flatMap { d in [Activation.linear, .relu, .sigmoid].map { ConvCase(kernelSize: k, dilation: d, activation: $0) } }
    } + [
        ConvCase(kernelSize: 3, dilation: 1, activation: .relu, inputChannels: 5, filters: 9),
        ConvCase(kernelSize: 5, dilation: 2, activation: .sigmoid, inputChannels: 2, filters: 6),
        ConvCase(kernelSize: 3, dilation: 3, activation: .linear, inputChannels: 1, filters: 1),
        ConvCase(kernelSize: 2, dilation: 1, activation: .linear),
        ConvCase(kernelSize: 4, dilation: 2, activation: .relu, inputChannels: 2, filters: 5),
        ConvCase(kernelSize: 2, dilation: 3, activation: .sigmoid, inputChannels: 3, filters: 3),
    ]

    /// Batch 2, 5×7: dX, dKernel, dBias on 30 sampled elements each (all of a smaller tensor),
    /// h = 1e-2, tolerance 1e-3 + 1e-2·|n|. Without input gradients (as for a model's first layer)
    /// the weight gradients are the same.
    ///
    /// ReLU: a weight or bias moves 70 outputs at once, so ±h nearly always carries one across 0.
    /// L is therefore evaluated on the unperturbed point's branches, Σ R ⊙ [y₀ > 0] ⊙ z with z from
    /// the same convolution without activation: while no output is exactly 0 this is L itself near
    /// the point, so its central difference is dL/dt (exactly: z is linear in x, kernel and bias).
    @Test(arguments: convCases)
    func conv2D(_ c: ConvCase) {
        let (n, h, w, cin, cout, k) = (2, 5, 7, c.inputChannels, c.filters, c.kernelSize)
        let conv = Conv2D(name: "conv", inputChannels: cin, filters: cout, kernelSize: k,
                          dilation: c.dilation, activation: c.activation)
        let linear = Conv2D(name: "linear", inputChannels: cin, filters: cout, kernelSize: k, dilation: c.dilation)
        let kernel = Self.scaled(randomTensor([k, k, cin, cout], seed: 101), 1 / Float(k * k * cin).squareRoot())
        let bias = Self.scaled(randomTensor([cout], seed: 102), 0.3)
        func setWeights(_ kernel: Tensor, _ bias: Tensor) {
            conv.setWeights([kernel, bias])
            linear.setWeights([kernel, bias])
        }
        setWeights(kernel, bias)
        let x = randomTensor([n, h, w, cin], seed: 103)
        let y = conv.forward([x], training: true)
        #expect(y.shape == [n, h, w, cout])
        let r = randomTensor(y.shape, seed: 104)
        conv.zeroGradients()
        let dX = conv.backward(r, inputs: [x], output: y)
        #expect(dX.count == 1)
        let (dKernel, dBias) = (conv.gradients[0], conv.gradients[1])
        conv.zeroGradients()
        _ = conv.backward(r, inputs: [x], output: y, needsInputGradients: false)
        #expect(maxAbsDifference(conv.gradients[0], dKernel) <= 1e-6 && maxAbsDifference(conv.gradients[1], dBias) <= 1e-6,
                "weight gradients change without input gradients")

        let relu = c.activation == .relu
        let active = y.scalars.map { $0 > 0 }
        if relu {
            let z = linear.forward([x], training: true)
            #expect(maxAbsDifference(Tensor(shape: z.shape, scalars: z.scalars.map { max($0, 0) }), y) <= 1e-6)
            let zeros = active.filter { !$0 }.count
            #expect(zeros > y.count / 5 && zeros < y.count * 4 / 5, "ReLU: \(zeros) of \(y.count) outputs are 0")
        }
        func evaluate(_ x: Tensor) -> (loss: Double, branches: [Bool]) {
            guard relu else { return (Self.dot(conv.forward([x], training: true), r), []) }
            let z = linear.forward([x], training: true)
            var sum = 0.0
            for i in z.scalars.indices where active[i] { sum += Double(z.scalars[i]) * Double(r.scalars[i]) }
            return (sum, [])
        }
        let checker = Checker()
        checker.check("dX", analytic: dX[0], at: x, candidates: Self.sample(x.count, 30, seed: 1), evaluate: evaluate)
        checker.check("dKernel", analytic: dKernel, at: kernel, candidates: Self.sample(kernel.count, 30, seed: 2)) { kernel in
            setWeights(kernel, bias)
            return evaluate(x)
        }
        checker.check("dBias", analytic: dBias, at: bias) { bias in
            setWeights(kernel, bias)
            return evaluate(x)
        }
    }

    /// Frozen (`trainable = false`): dX as the trainable layer's, no gradient accumulates, and nothing is
    /// written outside the layer's own buffers. Odd kernels (the SIMD backward) and an even one (the
    /// reference backward). Each runs in a child process, since a stray write corrupts the process.
    @Test func conv2DFrozen() async {
        await #expect(processExitsWith: .success, "frozen Conv2D k3") { GradientCheckTests.frozenConvChild(kernelSize: 3) }
        await #expect(processExitsWith: .success, "frozen Conv2D k2") { GradientCheckTests.frozenConvChild(kernelSize: 2) }
    }

    /// Exits 0 when fine; 1: dX differs from the trainable layer's; 2: gradients accumulated;
    /// 3: the backward wrote its weight gradients through the empty array's storage pointer (a
    /// zero-length weight-gradient buffer's base address is the shared empty-array singleton, not nil).
    static func frozenConvChild(kernelSize k: Int) -> Never {
        let (cin, cout) = (3, 4)
        let kernel = scaled(randomTensor([k, k, cin, cout], seed: 121), 0.3), bias = randomTensor([cout], seed: 122)
        let trainable = Conv2D(name: "trainable", inputChannels: cin, filters: cout, kernelSize: k, activation: .sigmoid)
        let frozen = Conv2D(name: "frozen", inputChannels: cin, filters: cout, kernelSize: k, activation: .sigmoid)
        trainable.setWeights([kernel, bias])
        frozen.setWeights([kernel, bias])
        frozen.trainable = false
        let x = randomTensor([2, 5, 7, cin], seed: 123)
        let y = trainable.forward([x], training: true)
        let r = randomTensor(y.shape, seed: 124)
        trainable.zeroGradients()
        let expectedDX = trainable.backward(r, inputs: [x], output: y)[0]
        // What a per-image weight-gradient buffer would receive: each image's dKernel, in image order.
        var perImage: [Float] = []
        for b in 0..<2 {
            let xb = x.batchSlice(b..<(b + 1)), yb = y.batchSlice(b..<(b + 1)), rb = r.batchSlice(b..<(b + 1))
            trainable.zeroGradients()
            _ = trainable.backward(rb, inputs: [xb], output: yb)
            perImage += trainable.gradients[0].scalars
        }
        var empty: [Float] = []
        let singleton = empty.withUnsafeMutableBufferPointer { $0.baseAddress }
        let before = singleton.map { p in (0..<perImage.count).map { p[$0] } } ?? []

        frozen.zeroGradients()
        let dX = frozen.backward(r, inputs: [x], output: y)[0]

        if let p = singleton {
            let delta = (0..<perImage.count).map { p[$0] - before[$0] }
            let significant = perImage.indices.filter { abs(perImage[$0]) > 1e-3 }
            let written = significant.filter { abs(delta[$0] - perImage[$0]) <= 1e-4 * max(1, abs(perImage[$0])) }
            if written.count * 4 >= significant.count { exit(3) }
        }
        if maxAbsDifference(dX, expectedDX) > 1e-5 { exit(1) }
        if !frozen.gradients.allSatisfy({ $0.scalars.allSatisfy { $0 == 0 } }) { exit(2) }
        exit(0)
    }

    // MARK: - BatchNormalization

    /// Training mode (batch statistics): batch 3, 4×3, 5 channels, every element of dX, dGamma, dBeta;
    /// and batch 2, 128×96, 3 channels (sums over several 4096-pixel blocks, threaded maps), 40 sampled
    /// elements of dX with h = 5e-2. Tolerance 1e-3 + 1e-2·|n|.
    /// The moving statistics move on every training forward, which the training output does not read.
    @Test(arguments: [[3, 4, 3, 5], [2, 128, 96, 3]])
    func batchNormalizationTraining(_ shape: [Int]) {
        let c = shape[3]
        let bn = BatchNormalization(name: "bn", channels: c)
        let gamma = Self.scaled(randomTensor([c], seed: 201), 0.5, plus: 1)
        let beta = randomTensor([c], seed: 202)
        let movingMean = randomTensor([c], seed: 203)
        let movingVariance = Self.scaled(randomTensor([c], seed: 204), 0.4, plus: 1)
        bn.setWeights([gamma, beta, movingMean, movingVariance])
        // Channels with different means and spreads.
        let offsets = randomTensor([c], seed: 205).scalars, spreads = randomTensor([c], seed: 206).scalars.map { 1 + 0.5 * $0 }
        var x = randomTensor(shape, seed: 207)
        for i in x.scalars.indices { x.scalars[i] = x.scalars[i] * spreads[i % c] + offsets[i % c] }

        let y = bn.forward([x], training: true)
        let r = randomTensor(y.shape, seed: 208)
        bn.zeroGradients()
        let dX = bn.backward(r, inputs: [x], output: y)[0]
        let (dGamma, dBeta) = (bn.gradients[0], bn.gradients[1])
        // The batch statistics, not the moving ones, were used: the output is normalized per channel.
        for ch in 0..<c {
            let values = stride(from: ch, to: y.count, by: c).map { Double(y.scalars[$0]) }
            let mean = values.reduce(0, +) / Double(values.count)
            #expect(abs(mean - Double(beta.scalars[ch])) < 1e-5)
        }

        // The large case moves 24 576 outputs per channel by O(h / M) each: a larger h keeps their rounding small.
        let checker = Checker(h: x.count > 200 ? 5e-2 : 1e-2)
        func evaluate(_ x: Tensor) -> (loss: Double, branches: [Bool]) {
            (Self.dot(bn.forward([x], training: true), r), [])
        }
        checker.check("dX", analytic: dX, at: x, candidates: Self.sample(x.count, x.count > 200 ? 40 : x.count, seed: 3),
                      evaluate: evaluate)
        checker.check("dGamma", analytic: dGamma, at: gamma) { gamma in
            bn.setWeights([gamma, beta, movingMean, movingVariance])
            return evaluate(x)
        }
        checker.check("dBeta", analytic: dBeta, at: beta) { beta in
            bn.setWeights([gamma, beta, movingMean, movingVariance])
            return evaluate(x)
        }
    }

    /// Frozen (`trainable = false`): a training forward is the inference transform with the moving
    /// statistics, which stay put; dX is that transform's derivative and no gradient accumulates.
    @Test func batchNormalizationFrozen() {
        let c = 5
        let bn = BatchNormalization(name: "bn", channels: c)
        let gamma = Self.scaled(randomTensor([c], seed: 211), 0.5, plus: 1)
        let beta = randomTensor([c], seed: 212)
        let movingMean = randomTensor([c], seed: 213)
        let movingVariance = Self.scaled(randomTensor([c], seed: 214), 0.4, plus: 1)
        bn.setWeights([gamma, beta, movingMean, movingVariance])
        bn.trainable = false
        let x = randomTensor([3, 4, 3, c], seed: 215)
        let y = bn.forward([x], training: true)
        #expect(y == bn.forward([x], training: false))
        #expect(bn.weights == [gamma, beta, movingMean, movingVariance])
        let r = randomTensor(y.shape, seed: 216)
        bn.zeroGradients()
        let dX = bn.backward(r, inputs: [x], output: y)[0]
        #expect(bn.gradients.count == 2)
        #expect(bn.gradients.allSatisfy { $0.scalars.allSatisfy { $0 == 0 } }, "frozen BN accumulated gradients")
        Checker().check("dX", analytic: dX, at: x) { x in (Self.dot(bn.forward([x], training: true), r), []) }
    }

    // MARK: - Weightless layers

    /// Distinct inputs 0.05 apart and h = 1e-2, so no perturbation changes a window's winner (checked).
    /// Exact-tiling and 'same'-padded (odd) shapes, every element, and one large enough for threaded
    /// rows (60 sampled elements); tolerance 1e-4 + 1e-3·|n| (piecewise linear).
    @Test(arguments: [([2, 4, 6, 3], 2), ([1, 5, 7, 3], 2), ([2, 8, 8, 2], 4), ([1, 6, 5, 2], 4), ([2, 32, 24, 3], 2)])
    func maxPooling(_ shape: [Int], _ poolSize: Int) {
        let pool = MaxPooling2D(name: "pool", poolSize: poolSize)
        let x = Self.distinctTensor(shape, seed: UInt64(300 + poolSize), spacing: 0.05)
        let y = pool.forward([x], training: true)
        let r = randomTensor(y.shape, seed: 301)
        let dX = pool.backward(r, inputs: [x], output: y)[0]
        let candidates = x.count > 300 ? Self.sample(x.count, 60, seed: 4) : nil
        Checker(absolute: 1e-4, relative: 1e-3).check("dX", analytic: dX, at: x, candidates: candidates) { x in
            let y = pool.forward([x], training: true)
            return (Self.dot(y, r), Self.poolWinners(input: x, output: y, pool: pool))
        }
    }

    /// Inputs at least 0.05 from 0, h = 1e-2; every element; tolerance 1e-4 + 1e-3·|n|.
    @Test func leakyReLU() {
        let layer = LeakyReLU(name: "leaky", alpha: 0.1)
        let x = Self.awayFromZero([2, 3, 4, 5], seed: 401, margin: 0.05)
        let y = layer.forward([x], training: true)
        let r = randomTensor(y.shape, seed: 402)
        let dX = layer.backward(r, inputs: [x], output: y)[0]
        Checker(absolute: 1e-4, relative: 1e-3).check("dX", analytic: dX, at: x) { x in
            (Self.dot(layer.forward([x], training: true), r), x.scalars.map { $0 >= 0 })
        }
        // The negative side really is scaled by α (not passed through or zeroed).
        let negative = x.scalars.indices.filter { x.scalars[$0] < 0 }
        #expect(!negative.isEmpty)
        #expect(negative.allSatisfy { abs(dX.scalars[$0] - 0.1 * r.scalars[$0]) <= 1e-7 })
    }

    /// Every element; tolerance 1e-4 + 1e-3·|n| (linear).
    @Test func flatten() {
        let layer = Flatten(name: "flatten")
        let x = randomTensor([2, 3, 4, 5], seed: 501)
        let y = layer.forward([x], training: true)
        #expect(y.shape == [2, 60])
        let r = randomTensor(y.shape, seed: 502)
        let dX = layer.backward(r, inputs: [x], output: y)[0]
        Checker(absolute: 1e-4, relative: 1e-3).check("dX", analytic: dX, at: x) { x in
            (Self.dot(layer.forward([x], training: true), r), [])
        }
    }

    /// Three inputs of 1, 3 and 2 channels: each input's gradient, every element; tolerance 1e-4 + 1e-3·|n|.
    @Test func concatenate() {
        let layer = Concatenate(name: "concat")
        let inputs = [randomTensor([2, 3, 4, 1], seed: 601), randomTensor([2, 3, 4, 3], seed: 602),
                      randomTensor([2, 3, 4, 2], seed: 603)]
        let y = layer.forward(inputs, training: true)
        #expect(y.shape == [2, 3, 4, 6])
        let r = randomTensor(y.shape, seed: 604)
        let gradients = layer.backward(r, inputs: inputs, output: y)
        #expect(gradients.count == 3)
        guard gradients.count == 3 else { return }
        for k in 0..<3 {
            Checker(absolute: 1e-4, relative: 1e-3).check("dInput\(k)", analytic: gradients[k], at: inputs[k]) { xk in
                var perturbed = inputs
                perturbed[k] = xk
                return (Self.dot(layer.forward(perturbed, training: true), r), [])
            }
        }
    }

    // MARK: - Dense

    /// Batch 3, 7 → 5 units: every element of dX, dKernel, dBias; tolerance 1e-3 + 1e-2·|n|.
    @Test(arguments: [Activation.linear, .sigmoid])
    func dense(_ activation: Activation) {
        let layer = Dense(name: "dense", inputUnits: 7, units: 5, activation: activation)
        let kernel = Self.scaled(randomTensor([7, 5], seed: 701), 0.5)
        let bias = Self.scaled(randomTensor([5], seed: 702), 0.3)
        layer.setWeights([kernel, bias])
        let x = randomTensor([3, 7], seed: 703)
        let y = layer.forward([x], training: true)
        let r = randomTensor(y.shape, seed: 704)
        layer.zeroGradients()
        let dX = layer.backward(r, inputs: [x], output: y)[0]
        let (dKernel, dBias) = (layer.gradients[0], layer.gradients[1])
        let checker = Checker()
        func evaluate(_ x: Tensor) -> (loss: Double, branches: [Bool]) {
            (Self.dot(layer.forward([x], training: true), r), [])
        }
        checker.check("dX", analytic: dX, at: x, evaluate: evaluate)
        checker.check("dKernel", analytic: dKernel, at: kernel) { kernel in
            layer.setWeights([kernel, bias])
            return evaluate(x)
        }
        checker.check("dBias", analytic: dBias, at: bias) { bias in
            layer.setWeights([kernel, bias])
            return evaluate(x)
        }
    }

    /// `backward(preActivationGradient:)`: R is dL/dz for L = Σ z ⊙ R, z the logits a training forward
    /// stores. Every element; tolerance 1e-3 + 1e-2·|n|. Also: `backward` equals it fed dy ⊙ y(1 − y).
    @Test func densePreActivationGradient() {
        let layer = Dense(name: "dense", inputUnits: 6, units: 3, activation: .sigmoid)
        let kernel = Self.scaled(randomTensor([6, 3], seed: 711), 0.5)
        let bias = Self.scaled(randomTensor([3], seed: 712), 0.3)
        layer.setWeights([kernel, bias])
        let x = randomTensor([4, 6], seed: 713)
        let y = layer.forward([x], training: true)
        let r = randomTensor([4, 3], seed: 714)
        layer.zeroGradients()
        let dX = layer.backward(preActivationGradient: r, input: x)[0]
        let (dKernel, dBias) = (layer.gradients[0], layer.gradients[1])
        let checker = Checker()
        func evaluate(_ x: Tensor) -> (loss: Double, branches: [Bool]) {
            _ = layer.forward([x], training: true)
            guard let z = layer.preActivation else { return (.nan, []) }
            return (Self.dot(z, r), [])
        }
        checker.check("dX", analytic: dX, at: x, evaluate: evaluate)
        checker.check("dKernel", analytic: dKernel, at: kernel) { kernel in
            layer.setWeights([kernel, bias])
            return evaluate(x)
        }
        checker.check("dBias", analytic: dBias, at: bias) { bias in
            layer.setWeights([kernel, bias])
            return evaluate(x)
        }

        // The output path: dy ⊙ y(1 − y) into the pre-activation path gives the same dX and weight gradients.
        let dy = randomTensor([4, 3], seed: 715)
        let dz = Tensor(shape: dy.shape, scalars: dy.scalars.indices.map { dy.scalars[$0] * y.scalars[$0] * (1 - y.scalars[$0]) })
        layer.zeroGradients()
        let viaOutput = layer.backward(dy, inputs: [x], output: y)[0]
        let gradientsViaOutput = layer.gradients
        layer.zeroGradients()
        let viaLogit = layer.backward(preActivationGradient: dz, input: x)[0]
        #expect(maxAbsDifference(viaOutput, viaLogit) <= 1e-6)
        #expect(zip(gradientsViaOutput, layer.gradients).allSatisfy { maxAbsDifference($0, $1) <= 1e-6 })
    }

    /// `backward` adds into `gradients` (two calls give twice one call) and `zeroGradients` clears them.
    @Test func weightGradientsAccumulate() {
        let conv = Conv2D(name: "conv", inputChannels: 2, filters: 3, kernelSize: 3, activation: .sigmoid)
        conv.setWeights([Self.scaled(randomTensor([3, 3, 2, 3], seed: 801), 0.3), randomTensor([3], seed: 802)])
        let bn = BatchNormalization(name: "bn", channels: 3)
        bn.setWeights([Self.scaled(randomTensor([3], seed: 803), 0.5, plus: 1), randomTensor([3], seed: 804),
                       Tensor(zeros: [3]), Tensor(repeating: 1, shape: [3])])
        let dense = Dense(name: "dense", inputUnits: 4, units: 2, activation: .sigmoid)
        dense.setWeights([randomTensor([4, 2], seed: 805), randomTensor([2], seed: 806)])
        let cases: [(any Layer, Tensor)] = [(conv, randomTensor([2, 4, 5, 2], seed: 807)),
                                            (bn, randomTensor([2, 4, 5, 3], seed: 808)),
                                            (dense, randomTensor([3, 4], seed: 809))]
        for (layer, x) in cases {
            let y = layer.forward([x], training: true)
            let r = randomTensor(y.shape, seed: 810)
            layer.zeroGradients()
            _ = layer.backward(r, inputs: [x], output: y)
            let once = layer.gradients
            #expect(once.contains { $0.scalars.contains { $0 != 0 } }, "\(layer.name): no gradient")
            _ = layer.backward(r, inputs: [x], output: y)
            for (twice, single) in zip(layer.gradients, once) {
                #expect(maxAbsDifference(twice, Self.scaled(single, 2)) <= 1e-5 * (1 + single.scalars.map(abs).max()!),
                        "\(layer.name): a second backward does not add")
            }
            layer.zeroGradients()
            #expect(layer.gradients.allSatisfy { $0.scalars.allSatisfy { $0 == 0 } })
        }
    }

    // MARK: - Dropout

    /// Rate 0.5 in training: a seeded mask of 0 and 2; the same seed gives the same mask; backward
    /// multiplies by that mask (dX / R = y / x elementwise) and matches finite differences taken with
    /// fresh layers of the same seed. Rate 0 and inference are the identity, forward and backward.
    @Test func dropout() {
        let shape = [2, 4, 5, 3]
        let x = Self.awayFromZero(shape, seed: 901, margin: 0.05)
        let r = randomTensor(shape, seed: 902)
        let layer = Dropout(name: "dropout", rate: 0.5, seed: 42)
        let y = layer.forward([x], training: true)
        let twin = Dropout(name: "dropout", rate: 0.5, seed: 42).forward([x], training: true)
        #expect(y == twin, "same seed, different mask")
        let mask = x.scalars.indices.map { y.scalars[$0] / x.scalars[$0] }
        #expect(mask.allSatisfy { $0 == 0 || $0 == 2 }, "mask values other than 0 and 1 / (1 − rate)")
        let kept = mask.filter { $0 != 0 }.count
        #expect((36...84).contains(kept), "kept \(kept) of 120 at rate 0.5")
        let dX = layer.backward(r, inputs: [x], output: y)[0]
        #expect(dX.shape == shape)
        #expect(x.scalars.indices.allSatisfy { abs(dX.scalars[$0] - r.scalars[$0] * mask[$0]) <= 1e-6 })
        Checker(absolute: 1e-4, relative: 1e-3).check("dX", analytic: dX, at: x) { x in
            (Self.dot(Dropout(name: "dropout", rate: 0.5, seed: 42).forward([x], training: true), r), [])
        }
        // The generator moves on: the next batch gets another mask.
        #expect(layer.forward([x], training: true) != y)

        let identityCases: [(Dropout, Bool)] = [(Dropout(name: "rate0", rate: 0, seed: 42), true),
                                                (Dropout(name: "inference", rate: 0.5, seed: 42), false)]
        for (identity, training) in identityCases {
            let out = identity.forward([x], training: training)
            #expect(out == x, "\(identity.name) changed its input")
            #expect(identity.backward(r, inputs: [x], output: out)[0] == r, "\(identity.name) changed the gradient")
        }
        // An inference forward between a training forward and its backward writes nothing:
        // backward still applies the training forward's mask.
        let y2 = layer.forward([x], training: true)
        let masked = layer.backward(r, inputs: [x], output: y2)[0]
        _ = layer.forward([x], training: false)
        #expect(layer.backward(r, inputs: [x], output: y2)[0] == masked)
        #expect(masked != r)
    }

    // MARK: - Model

    /// A small MesoNet-like graph, input 8×8×2:
    /// Conv2D(3, k3, relu) → BN → MaxPool(2) → [Conv2D(2, k1, relu) ‖ Conv2D(2, k3, dilation 2, relu)]
    /// → Concatenate → BN → MaxPool(2) → Flatten → Dense(4) → LeakyReLU(0.1) → Dense(1, sigmoid).
    /// The first pooling output feeds two branches, so its gradient is a sum; the inner convolutions
    /// must pass input gradients back to the first block.
    static func smallModel() -> (model: Model, features: [any Layer]) {
        var seed: UInt64 = 1000
        func random(_ shape: [Int], _ scale: Float, plus offset: Float = 0) -> Tensor {
            seed += 1
            return scaled(randomTensor(shape, seed: seed), scale, plus: offset)
        }
        func conv(_ name: String, _ cin: Int, _ cout: Int, _ k: Int, dilation: Int = 1) -> Conv2D {
            let layer = Conv2D(name: name, inputChannels: cin, filters: cout, kernelSize: k, dilation: dilation, activation: .relu)
            layer.setWeights([random([k, k, cin, cout], 1 / Float(k * k * cin).squareRoot()), random([cout], 0.1, plus: 0.2)])
            return layer
        }
        func batchNorm(_ name: String, _ c: Int) -> BatchNormalization {
            let layer = BatchNormalization(name: name, channels: c)
            layer.setWeights([random([c], 0.3, plus: 1), random([c], 0.2), random([c], 0.2, plus: 0.4), random([c], 0.1, plus: 0.3)])
            return layer
        }
        func dense(_ name: String, _ inputs: Int, _ units: Int, _ activation: Activation) -> Dense {
            let layer = Dense(name: name, inputUnits: inputs, units: units, activation: activation)
            layer.setWeights([random([inputs, units], 1 / Float(inputs).squareRoot()), random([units], 0.1)])
            return layer
        }
        let model = Model(name: "small", inputShape: [8, 8, 2])
        let conv1 = conv("conv2d_1", 2, 3, 3), bn1 = batchNorm("batch_normalization_1", 3)
        let pool1 = MaxPooling2D(name: "max_pooling2d_1", poolSize: 2)
        let conv2 = conv("conv2d_2", 3, 2, 1), conv3 = conv("conv2d_3", 3, 2, 3, dilation: 2)
        let concat = Concatenate(name: "concatenate_1"), bn2 = batchNorm("batch_normalization_2", 4)
        let pool2 = MaxPooling2D(name: "max_pooling2d_2", poolSize: 2)
        let dense1 = dense("dense_1", 16, 4, .linear), dense2 = dense("dense_2", 4, 1, .sigmoid)
        var y = model.add(conv1, model.input)
        y = model.add(bn1, y)
        let p1 = model.add(pool1, y)
        let a = model.add(conv2, p1), b = model.add(conv3, p1)
        y = model.add(concat, a, b)
        y = model.add(bn2, y)
        y = model.add(pool2, y)
        y = model.add(Flatten(name: "flatten_1"), y)
        y = model.add(dense1, y)
        y = model.add(LeakyReLU(name: "leaky_re_lu_1", alpha: 0.1), y)
        model.add(dense2, y)
        return (model, [conv1, bn1, pool1, conv2, conv3, concat, bn2, pool2])
    }

    /// The branches a forward took: ReLU signs of every Conv2D(relu), max-pool winners, LeakyReLU signs.
    static func branches(_ model: Model, outputs: [Tensor], input x: Tensor) -> [Bool] {
        var result: [Bool] = []
        for (i, node) in model.nodes.enumerated() {
            let input = node.inputs.first.map { $0 < 0 ? x : outputs[$0] }
            if let conv = node.layer as? Conv2D, conv.activation == .relu {
                result += outputs[i].scalars.map { $0 > 0 }
            } else if let pool = node.layer as? MaxPooling2D, let input {
                result += poolWinners(input: input, output: outputs[i], pool: pool)
            } else if node.layer is LeakyReLU, let input {
                result += input.scalars.map { $0 >= 0 }
            }
        }
        return result
    }

    /// Finite differences of the loss against `model.backward` for 8 weights of every trainable parameter
    /// (all of a smaller one), passing over kink-straddling ones (at least half must be compared).
    /// The loss is a batch mean, so gradients are small: h = 1e-3, tolerance 2e-4 + 1e-2·|n|.
    static func checkModelGradients(_ model: Model, loss: Loss, x: Tensor, targets: Tensor, expectedParameters: Int,
                                    sourceLocation: SourceLocation = #_sourceLocation) {
        model.zeroGradients()
        let outputs = model.forwardAll(x, training: true)
        let (_, seed) = loss.evaluate(model: model, predictions: outputs.last!, targets: targets)
        model.backward(outputs, input: x, seed: seed)
        let parameters = model.trainableParameters
        #expect(parameters.count == expectedParameters, sourceLocation: sourceLocation)
        let checker = Checker(h: 1e-3, absolute: 2e-4, relative: 1e-2)
        for (p, parameter) in parameters.enumerated() {
            let layer = parameter.layer, original = layer.weights, index = parameter.index
            let analytic = parameter.gradient
            #expect(analytic.scalars.contains { $0 != 0 }, "\(layer.name): zero gradient", sourceLocation: sourceLocation)
            checker.check("\(loss) \(layer.name).\(layer.weightNames[index])", analytic: analytic, at: original[index],
                          candidates: sample(analytic.count, analytic.count, seed: UInt64(p)), wanted: 8,
                          minimumCompared: min(analytic.count, 8) / 2, sourceLocation: sourceLocation) { value in
                var weights = original
                weights[index] = value
                layer.setWeights(weights)
                defer { layer.setWeights(original) }
                let outputs = model.forwardAll(x, training: true)
                let l = loss.evaluate(model: model, predictions: outputs.last!, targets: targets).loss
                return (Double(l), branches(model, outputs: outputs, input: x))
            }
        }
    }

    static let modelTargets = Tensor(shape: [3, 1], scalars: [1, 0, 1])

    /// Every trainable parameter (three convolutions, two BNs in training mode, two Dense layers)
    /// under mean squared error and under binary cross-entropy from the logit.
    @Test(arguments: [Loss.meanSquaredError, .binaryCrossentropy])
    func modelGradients(_ loss: Loss) {
        let (model, _) = Self.smallModel()
        let x = randomTensor([3, 8, 8, 2], seed: 1101)
        Self.checkModelGradients(model, loss: loss, x: x, targets: Self.modelTargets, expectedParameters: 14)
    }

    /// Every layer before Flatten frozen: the BNs run in inference mode and keep their statistics,
    /// the frozen layers get no gradient, and the Dense gradients still match finite differences.
    @Test(arguments: [Loss.meanSquaredError, .binaryCrossentropy])
    func frozenFeatureExtractor(_ loss: Loss) {
        let (model, features) = Self.smallModel()
        for layer in features { layer.trainable = false }
        let x = randomTensor([3, 8, 8, 2], seed: 1102)
        let statistics = features.map(\.weights)
        let outputs = model.forwardAll(x, training: true)
        #expect(outputs == model.forwardAll(x, training: false), "frozen BN did not run in inference mode")
        #expect(features.map(\.weights) == statistics, "a frozen layer changed its weights")
        Self.checkModelGradients(model, loss: loss, x: x, targets: Self.modelTargets, expectedParameters: 4)
        #expect(model.trainableParameters.map { $0.layer.name } == ["dense_1", "dense_1", "dense_2", "dense_2"])
        for layer in features {
            #expect(layer.gradients.allSatisfy { $0.scalars.allSatisfy { $0 == 0 } }, "frozen \(layer.name) has gradients")
        }
    }
}
