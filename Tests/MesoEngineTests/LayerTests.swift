@testable import MesoEngine
import Testing

/// Small layers checked against values worked out by hand.
@Suite struct LayerTests {
    @Test func maxPoolingSameWithOddSize() {
        // 3×3 input, pool 2 'same': output 2×2; the last row/column windows hang over the edge.
        let x = Tensor(shape: [1, 3, 3, 1], scalars: [1, 5, 2, 7, 3, 9, 4, 8, 6])
        let y = MaxPooling2D(name: "p", poolSize: 2).forward([x], training: false)
        #expect(y.shape == [1, 2, 2, 1])
        #expect(y.scalars == [7, 9, 8, 6])
    }

    /// Tiling windows take the vectorised row kernel: it equals the max over each window, worked
    /// out here directly, for channel counts on and off the 8-lane step and pools 2 and 4.
    @Test(arguments: [(2, 8, 12, 16, 2), (1, 8, 8, 11, 4), (3, 4, 6, 3, 2)])
    func maxPoolingTiledEqualsWindowMax(_ shape: (Int, Int, Int, Int, Int)) {
        let (n, h, w, c, pool) = shape
        let x = randomTensor([n, h, w, c], seed: 33)
        let y = MaxPooling2D(name: "p", poolSize: pool).forward([x], training: true)
        #expect(y.shape == [n, h / pool, w / pool, c])
        var expected: [Float] = []
        for b in 0..<n {
            for oy in 0..<(h / pool) {
                for ox in 0..<(w / pool) {
                    for ch in 0..<c {
                        var m = -Float.infinity
                        for dy in 0..<pool {
                            for dx in 0..<pool { m = max(m, x.scalars[((b * h + oy * pool + dy) * w + ox * pool + dx) * c + ch]) }
                        }
                        expected.append(m)
                    }
                }
            }
        }
        #expect(y.scalars == expected)
    }

    /// The vectorized routing (channels a multiple of 8) equals the per-channel one, run one
    /// channel at a time, including ties, which go to the first cell of the window.
    @Test(arguments: [2, 4])
    func maxPoolingBackwardVectorizedEqualsScalar(pool: Int) {
        let (n, h, w, c) = (2, 8, 12, 16)
        var x = randomTensor([n, h, w, c], seed: 31)
        for i in stride(from: 0, to: x.count, by: 7) { x.scalars[i] = 0.5 }   // ties
        let layer = MaxPooling2D(name: "p", poolSize: pool)
        let y = layer.forward([x], training: true)
        let dy = randomTensor(y.shape, seed: 32)
        let dx = layer.backward(dy, inputs: [x], output: y)[0]
        func channel(_ t: Tensor, _ ch: Int) -> Tensor {
            Tensor(shape: Array(t.shape.dropLast()) + [1], scalars: stride(from: ch, to: t.count, by: c).map { t.scalars[$0] })
        }
        for ch in 0..<c {
            let single = layer.backward(channel(dy, ch), inputs: [channel(x, ch)], output: channel(y, ch))[0]
            #expect(single.scalars == channel(dx, ch).scalars, "channel \(ch)")
        }
        #expect(dx.scalars.reduce(0, +) != 0)
    }

    @Test func batchNormalizationInference() {
        let bn = BatchNormalization(name: "bn", channels: 2)
        bn.setWeights([Tensor(shape: [2], scalars: [2, 1]), Tensor(shape: [2], scalars: [1, 0]),
                       Tensor(shape: [2], scalars: [3, -1]), Tensor(shape: [2], scalars: [4 - 1e-3, 1 - 1e-3])])
        let y = bn.forward([Tensor(shape: [1, 1, 1, 2], scalars: [5, 1])], training: false)
        // (5 − 3) / 2 · 2 + 1 = 3 and (1 + 1) / 1 · 1 + 0 = 2.
        #expect(abs(y.scalars[0] - 3) < 1e-6 && abs(y.scalars[1] - 2) < 1e-6)
    }

    @Test func denseLeakyReLUSigmoid() {
        let dense = Dense(name: "d", inputUnits: 2, units: 2)
        dense.setWeights([Tensor(shape: [2, 2], scalars: [1, -1, 2, -2]), Tensor(shape: [2], scalars: [0, 1])])
        let h = dense.forward([Tensor(shape: [1, 2], scalars: [1, 1])], training: false)
        #expect(h.scalars == [3, -2])
        let leaky = LeakyReLU(name: "l", alpha: 0.1).forward([h], training: false)
        #expect(leaky.scalars == [3, -0.2])
        let out = Dense(name: "s", inputUnits: 2, units: 1, activation: .sigmoid)
        out.setWeights([Tensor(shape: [2, 1], scalars: [0, 0]), Tensor(shape: [1], scalars: [0])])
        #expect(out.forward([leaky], training: false).scalars == [0.5])
    }

    @Test func concatenateAndFlattenKeepNHWCOrder() {
        let a = Tensor(shape: [1, 1, 2, 1], scalars: [1, 2])
        let b = Tensor(shape: [1, 1, 2, 2], scalars: [3, 4, 5, 6])
        let c = Concatenate(name: "c").forward([a, b], training: false)
        #expect(c.shape == [1, 1, 2, 3])
        #expect(c.scalars == [1, 3, 4, 2, 5, 6])
        let f = Flatten(name: "f").forward([c], training: false)
        #expect(f.shape == [1, 6] && f.scalars == c.scalars)
    }

    @Test func dropoutIsIdentityAtInference() {
        let x = randomTensor([2, 5], seed: 3)
        #expect(Dropout(name: "d", rate: 0.5).forward([x], training: false) == x)
    }

    @Test func batchesRunImageByImageEqualOneImage() {
        let model = Model(name: "m", inputShape: [6, 6, 2])
        let conv = Conv2D(name: "conv2d_1", inputChannels: 2, filters: 8, kernelSize: 3, activation: .relu)
        conv.setWeights([randomTensor([3, 3, 2, 8], seed: 1), randomTensor([8], seed: 2)])
        model.add(conv, model.input)
        let x = randomTensor([5, 6, 6, 2], seed: 3)
        let whole = model.forward(x)
        for i in 0..<5 {
            #expect(model.forward(x.batchSlice(i..<(i + 1))).scalars == whole.batchSlice(i..<(i + 1)).scalars)
        }
    }
}
