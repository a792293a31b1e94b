import MesoEngine

/// The two MesoNet classifiers of Afchar et al. (WIFS 2018), layer for layer as the authors'
/// `classifiers.py` builds them in Keras.
///
/// Input `[N, 256, 256, 3]` RGB in [0, 1]; output `[N, 1]`, the sigmoid P(real): ~1 means real.
/// Layers are created in the same order as in Keras, so weight files match them by creation order.
public enum Architecture: String, CaseIterable, Sendable {
    case meso4
    case mesoInception4 = "mesoinception4"

    /// The number of Conv2D layers, which tells the two weight files apart.
    public var convolutionCount: Int {
        switch self {
        case .meso4: 4
        case .mesoInception4: 16
        }
    }

    /// The name used in messages and in the weight files' stems.
    public var displayName: String {
        switch self {
        case .meso4: "Meso4"
        case .mesoInception4: "MesoInception"
        }
    }

    public func build() -> Model {
        switch self {
        case .meso4: MesoNet.meso4()
        case .mesoInception4: MesoNet.mesoInception4()
        }
    }
}

public enum MesoNet {
    public static let inputSide = 256

    /// Meso-4: four conv blocks (conv+ReLU → BatchNorm → max-pool) and a small dense head.
    /// `dropout` is the rate of both head Dropout layers (0.5 in the paper; the Keras training
    /// traces use 0 to be deterministic).
    public static func meso4(dropout: Float = 0.5) -> Model {
        let model = Model(name: "Meso4", inputShape: [inputSide, inputSide, 3])
        var names = LayerNames()
        var x = model.input
        var channels = 3
        for (filters, kernel, pool) in [(8, 3, 2), (8, 5, 2), (16, 5, 2), (16, 5, 4)] {
            x = model.add(Conv2D(name: names.next("conv2d"), inputChannels: channels, filters: filters,
                                 kernelSize: kernel, activation: .relu), x)
            x = model.add(BatchNormalization(name: names.next("batch_normalization"), channels: filters), x)
            x = model.add(MaxPooling2D(name: names.next("max_pooling2d"), poolSize: pool), x)
            channels = filters
        }
        addHead(to: model, from: x, dropout: dropout, names: &names)
        return model
    }

    /// MesoInception-4: two inception blocks, then two conv blocks and the same dense head.
    public static func mesoInception4(dropout: Float = 0.5) -> Model {
        let model = Model(name: "MesoInception4", inputShape: [inputSide, inputSide, 3])
        var names = LayerNames()
        var x = model.input
        x = inception(model, x, inputChannels: 3, a: 1, b: 4, c: 4, d: 2, names: &names)
        x = model.add(BatchNormalization(name: names.next("batch_normalization"), channels: 11), x)
        x = model.add(MaxPooling2D(name: names.next("max_pooling2d"), poolSize: 2), x)
        x = inception(model, x, inputChannels: 11, a: 2, b: 4, c: 4, d: 2, names: &names)
        x = model.add(BatchNormalization(name: names.next("batch_normalization"), channels: 12), x)
        x = model.add(MaxPooling2D(name: names.next("max_pooling2d"), poolSize: 2), x)
        var channels = 12
        for pool in [2, 4] {
            x = model.add(Conv2D(name: names.next("conv2d"), inputChannels: channels, filters: 16,
                                 kernelSize: 5, activation: .relu), x)
            x = model.add(BatchNormalization(name: names.next("batch_normalization"), channels: 16), x)
            x = model.add(MaxPooling2D(name: names.next("max_pooling2d"), poolSize: pool), x)
            channels = 16
        }
        addHead(to: model, from: x, dropout: dropout, names: &names)
        return model
    }

    /// The authors' InceptionLayer(a, b, c, d): four branches joined on channels —
    /// 1×1(a); 1×1(b) → 3×3(b); 1×1(c) → 3×3 dilation 2 (c); 1×1(d) → 3×3 dilation 3 (d).
    static func inception(_ model: Model, _ x: Model.Output, inputChannels: Int,
                          a: Int, b: Int, c: Int, d: Int, names: inout LayerNames) -> Model.Output {
        func conv(_ input: Model.Output, _ cin: Int, _ filters: Int, _ k: Int, dilation: Int = 1) -> Model.Output {
            model.add(Conv2D(name: names.next("conv2d"), inputChannels: cin, filters: filters, kernelSize: k,
                             dilation: dilation, activation: .relu), input)
        }
        let x1 = conv(x, inputChannels, a, 1)
        let x2 = conv(conv(x, inputChannels, b, 1), b, b, 3)
        let x3 = conv(conv(x, inputChannels, c, 1), c, c, 3, dilation: 2)
        let x4 = conv(conv(x, inputChannels, d, 1), d, d, 3, dilation: 3)
        let concatenate = Concatenate(name: names.next("concatenate"))
        return model.add(concatenate, x1, x2, x3, x4)
    }

    /// Flatten → Dropout(0.5) → Dense(16) → LeakyReLU(0.1) → Dropout(0.5) → Dense(1, sigmoid).
    static func addHead(to model: Model, from x: Model.Output, dropout: Float, names: inout LayerNames) {
        var x = model.add(Flatten(name: names.next("flatten")), x)
        x = model.add(Dropout(name: names.next("dropout"), rate: dropout), x)
        x = model.add(Dense(name: names.next("dense"), inputUnits: 8 * 8 * 16, units: 16), x)
        x = model.add(LeakyReLU(name: names.next("leaky_re_lu"), alpha: 0.1), x)
        x = model.add(Dropout(name: names.next("dropout"), rate: dropout), x)
        model.add(Dense(name: names.next("dense"), inputUnits: 16, units: 1, activation: .sigmoid), x)
    }
}

extension MesoNet {
    /// The write-up's transfer-learning preset: every layer frozen except the dense head
    /// (Dense(16), LeakyReLU, Dropout, Dense(1)), i.e. the layers after Flatten and the
    /// Dropout that follows it. Frozen BatchNormalization layers run in inference mode, as in Keras 3.
    public static func freezeAllButDenseHead(_ model: Model) {
        guard let flatten = model.layers.firstIndex(where: { $0 is Flatten }) else { return }
        for (i, layer) in model.layers.enumerated() {
            layer.trainable = i > flatten + 1   // after Flatten and the Dropout that follows it
        }
    }
}

/// Keras-style default names: `conv2d_1`, `conv2d_2`, … counted per family.
struct LayerNames {
    private var counts: [String: Int] = [:]
    mutating func next(_ family: String) -> String {
        counts[family, default: 0] += 1
        return "\(family)_\(counts[family]!)"
    }
}
