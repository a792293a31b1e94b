import MesoEngine
import MesoMedia
import MesoModels

/// A heat map over a face crop: `height` rows of `width` values, row-major, each in 0...1.
/// 1 is where the evidence for p_fake is strongest, 0 where there is none.
public struct Heatmap: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let values: [Float]

    public init(width: Int, height: Int, values: [Float]) {
        precondition(width > 0 && height > 0 && values.count == width * height,
                     "a \(width)×\(height) heat map needs \(width * height) values, not \(values.count)")
        self.width = width
        self.height = height
        self.values = values
    }

    /// Whether the map is zero everywhere: no region of the crop raises p_fake at the explained
    /// layer (Grad-CAM's ReLU removed everything). The map is then not normalised.
    public var isBlank: Bool { values.allSatisfy { $0 == 0 } }

    /// The value at `(x, y)`.
    public subscript(x: Int, y: Int) -> Float { values[y * width + x] }
}

/// Why a face got its score: the score and a Grad-CAM heat map over the 256×256 crop.
public struct Explanation: Sendable {
    public let score: FaceScore
    /// The map over the crop the network saw, 256×256.
    public let heatmap: Heatmap
    /// The layer whose feature map the heat map comes from, e.g. `max_pooling2d_4`.
    public let layer: String

    /// See ``Heatmap/isBlank``: nothing in this face raises p_fake at `layer`.
    public var isBlank: Bool { heatmap.isBlank }
}

extension Detector {
    /// The layer Grad-CAM explains: the output of the last convolutional block (its max-pool),
    /// which the dense head flattens. For both networks it is `max_pooling2d_4`, 8×8×16.
    ///
    /// Why there: it is the last layer that still has a spatial layout, so the map is as
    /// class-discriminative as it can be (only the two dense layers lie between it and the
    /// score), and its gradient is the head's own: dense weights differ per position, so the
    /// gradient varies over the 8×8 grid. One step earlier, the 32×32 conv/BatchNorm output,
    /// the 4×4 max-pool passes the gradient to one cell in sixteen, which makes the gradient
    /// sparse and the channel weights noisy without adding real resolution.
    public var explainedLayer: String {
        guard let flatten = model.nodes.first(where: { $0.layer is Flatten }), let input = flatten.inputs.first,
              input >= 0 else {
            preconditionFailure("\(model.name) has no Flatten reading a convolutional block")
        }
        return model.nodes[input].layer.name
    }

    /// Grad-CAM (Selvaraju et al., 2017) of `face` for p_fake on ``explainedLayer``.
    ///
    /// `face` is an aligned crop; like `score(_:)` it is stretched to 256×256 and
    /// scaled (and normalised) as the network expects. With A the 8×8×C feature map and
    /// g = ∂p_fake/∂A from the engine's backward pass, the channel weights are the spatial means
    /// w_c = mean_{x,y} g_c(x, y), the map is ReLU(Σ_c w_c A_c), upsampled bilinearly to 256×256
    /// and divided by its maximum. A map that ReLU zeroes everywhere stays zero
    /// (``Explanation/isBlank``).
    ///
    /// The target is p_fake, not the network's P(real): p_fake = 1 − P(real) = σ(−z) with z the
    /// final logit, so g is the P(real) gradient negated. The backward pass starts from −z:
    /// ∂p_fake/∂A = p_fake·(1 − p_fake)·∂(−z)/∂A, and that positive factor cancels in the
    /// normalisation, while for a saturated score (P(real) rounding to exactly 0 or 1 in float32)
    /// it would zero every gradient.
    public func explain(_ face: RGBImage) throws(ScoringError) -> Explanation {
        let cam = try gradCAM(input: input(for: [face]))
        let side = MesoNet.inputSide
        return Explanation(score: cam.score, heatmap: cam.heatmap(width: side, height: side), layer: cam.layer)
    }

    /// Grad-CAM's parts for a prepared input `[1, 256, 256, 3]`.
    func gradCAM(input: Tensor) throws(ScoringError) -> GradCAM {
        precondition(input.shape.first == 1, "Grad-CAM explains one face at a time")
        let layer = explainedLayer
        // Seeding the logit with −1 backpropagates ∂(−z), the p_fake logit (see `explain`).
        let result = model.gradient(at: layer, input: input, seed: .logit(Tensor(shape: [1, 1], scalars: [-1])))
        return GradCAM(layer: layer, activation: result.activation, logitGradient: result.gradient,
                       score: try faceScore(result.output.scalars[0]))
    }
}

/// Grad-CAM's intermediate values for one face.
struct GradCAM {
    let layer: String
    /// A, the explained layer's output `[1, h, w, C]`.
    let activation: Tensor
    /// ∂(−z)/∂A: the gradient of p_fake's logit, A's shape.
    let logitGradient: Tensor
    let score: FaceScore

    var height: Int { activation.shape[1] }
    var width: Int { activation.shape[2] }
    var channels: Int { activation.shape[3] }

    /// ∂p_fake/∂A = p_fake·P(real)·∂(−z)/∂A, what Grad-CAM differentiates.
    var pFakeGradient: [Double] {
        let slope = score.pFake * score.pReal
        return logitGradient.scalars.map { Double($0) * slope }
    }

    /// w_c, the spatial mean of each channel's gradient (of the logit: a positive multiple of
    /// p_fake's, see `Detector.explain`).
    var channelWeights: [Float] {
        var sums = [Double](repeating: 0, count: channels)
        for (i, g) in logitGradient.scalars.enumerated() { sums[i % channels] += Double(g) }
        return sums.map { Float($0 / Double(width * height)) }
    }

    /// ReLU(Σ_c w_c A_c) on the layer's grid, row-major, not normalised.
    var coarseMap: [Float] {
        let weights = channelWeights
        return (0..<(width * height)).map { pixel in
            var sum: Double = 0
            for c in 0..<channels { sum += Double(weights[c]) * Double(activation.scalars[pixel * channels + c]) }
            return Float(max(sum, 0))
        }
    }

    /// The map upsampled bilinearly to `width`×`height` and divided by its maximum; all zero
    /// when ReLU left nothing.
    func heatmap(width outWidth: Int, height outHeight: Int) -> Heatmap {
        let coarse = Heatmap(width: width, height: height, values: coarseMap)
        let fine = coarse.resampled(width: outWidth, height: outHeight)
        guard let peak = fine.values.max(), peak > 0 else {
            return Heatmap(width: outWidth, height: outHeight, values: [Float](repeating: 0, count: outWidth * outHeight))
        }
        return Heatmap(width: outWidth, height: outHeight, values: fine.values.map { min($0 / peak, 1) })
    }
}

extension Heatmap {
    /// The map stretched to `width`×`height` by bilinear interpolation between cell centres
    /// (half-pixel centres, as OpenCV's and TensorFlow's resize; edges clamp).
    func resampled(width outWidth: Int, height outHeight: Int) -> Heatmap {
        if outWidth == width && outHeight == height { return self }
        func taps(_ output: Int, _ input: Int) -> [(Int, Int, Float)] {
            let scale = Double(input) / Double(output)
            return (0..<output).map { o in
                let position = min(max((Double(o) + 0.5) * scale - 0.5, 0), Double(input - 1))
                let low = Int(position.rounded(.down))
                return (low, min(low + 1, input - 1), Float(position - Double(low)))
            }
        }
        let columns = taps(outWidth, width), rows = taps(outHeight, height)
        var out = [Float](repeating: 0, count: outWidth * outHeight)
        for (y, (y0, y1, fy)) in rows.enumerated() {
            for (x, (x0, x1, fx)) in columns.enumerated() {
                let top = self[x0, y0] * (1 - fx) + self[x1, y0] * fx
                let bottom = self[x0, y1] * (1 - fx) + self[x1, y1] * fx
                out[y * outWidth + x] = top * (1 - fy) + bottom * fy
            }
        }
        return Heatmap(width: outWidth, height: outHeight, values: out)
    }
}
