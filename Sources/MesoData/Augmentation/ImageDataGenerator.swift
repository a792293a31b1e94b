/// Keras' `ImageDataGenerator` (the legacy `keras.preprocessing.image` one the authors trained
/// with), reproduced number for number: the same random parameters from the same NumPy seed,
/// the same resampled pixels, the same rescale and featurewise normalisation.
///
/// Per sample Keras runs `get_random_transform` → `apply_transform` → `standardize`, so the
/// geometry works on the loaded 0…255 values and `rescale` comes afterwards; here that is
/// ``randomTransform(height:width:using:)``, ``applyTransform(_:_:)`` and ``standardize(_:)``.
///
/// Supported: float shift ranges (a fraction of the side below 1, pixels from 1 up), rotation,
/// shear, zoom, flips, `fill_mode='nearest'` with bilinear interpolation (Keras' defaults), rescale
/// and featurewise centring / std normalisation. Not reproduced: integer or list shift ranges
/// (drawn with `np.random.choice`), channel shift, brightness range, the samplewise options, ZCA
/// and the other fill modes.
public struct ImageDataGenerator: Sendable, Equatable {
    /// How resampling treats coordinates outside the image. Only Keras' default exists here.
    public enum FillMode: String, Sendable, Equatable {
        /// Clamp to the edge pixel (`scipy.ndimage` mode 'nearest').
        case nearest
    }

    /// Rotation drawn uniformly in ±this many degrees.
    public var rotationRange: Double
    /// Vertical shift drawn in ±this; a fraction of the width below 1, else pixels. Keras draws
    /// it into `ty`, which moves rows, and scales it by the width (`img_shape[1]`).
    public var widthShiftRange: Double
    /// Horizontal shift, the same way, scaled by the height. (Keras' names are crossed over:
    /// `height_shift_range` becomes `tx`, the column offset. Kept as Keras has it.)
    public var heightShiftRange: Double
    /// Shear angle drawn uniformly in ±this many degrees.
    public var shearRange: Double
    /// `zx` and `zy` are drawn independently from this range; `1...1` draws nothing.
    public var zoomRange: ClosedRange<Double>
    public var horizontalFlip: Bool
    public var verticalFlip: Bool
    public var fillMode: FillMode
    /// Multiplies every sample first thing in ``standardize(_:)`` (Keras' `rescale`).
    public var rescale: Float?
    /// Subtract the fitted per-channel mean in ``standardize(_:)``.
    public var featurewiseCenter: Bool
    /// Divide by the fitted per-channel std (+1e-6); implies ``featurewiseCenter``, as in Keras.
    public var featurewiseStdNormalization: Bool
    /// The per-channel mean and std that ``fit(_:)`` computes, or loaded from a run's
    /// `normalization.json`; needed when either featurewise option is on.
    public var statistics: FeaturewiseStatistics?

    /// Keras' constructor: `zoomRange` z means `[1 − z, 1 + z]`.
    public init(rotationRange: Double = 0, widthShiftRange: Double = 0, heightShiftRange: Double = 0,
                shearRange: Double = 0, zoomRange: Double = 0, horizontalFlip: Bool = false,
                verticalFlip: Bool = false, fillMode: FillMode = .nearest, rescale: Float? = nil,
                featurewiseCenter: Bool = false, featurewiseStdNormalization: Bool = false) {
        self.rotationRange = rotationRange
        self.widthShiftRange = widthShiftRange
        self.heightShiftRange = heightShiftRange
        self.shearRange = shearRange
        self.zoomRange = (1 - zoomRange)...(1 + zoomRange)
        self.horizontalFlip = horizontalFlip
        self.verticalFlip = verticalFlip
        self.fillMode = fillMode
        self.rescale = rescale
        self.featurewiseCenter = featurewiseCenter
        self.featurewiseStdNormalization = featurewiseStdNormalization
    }

    /// Keras' `rescale=1./255`: the float32 nearest to 1/255, as NumPy multiplies a float32
    /// array by a Python float.
    public static let rescaleToUnit = Float(1.0 / 255.0)

    /// The write-up's training generator: rotation 120°, shifts 0.5, shear 120°, zoom 0.9, both
    /// flips, inputs rescaled to [0, 1]. (Its `validation_split=0.05` is not a generator setting
    /// here: it is the train command's default split.)
    public static let writeup = ImageDataGenerator(
        rotationRange: 120, widthShiftRange: 0.5, heightShiftRange: 0.5, shearRange: 120, zoomRange: 0.9,
        horizontalFlip: true, verticalFlip: true, rescale: rescaleToUnit)

    /// `get_random_transform(img_shape)`: draws from `state` in Keras' order, each only when its
    /// option is on: theta; `tx` from ``heightShiftRange`` (× height if the range is below 1);
    /// `ty` from ``widthShiftRange`` (× width); shear; `zx` then `zy`. The two flip coins are
    /// always tossed (Keras multiplies the draw by the option), so turning a flip off does not
    /// shift the stream.
    public func randomTransform(height: Int, width: Int, using state: inout NumpyRandomState) -> TransformParameters {
        var p = TransformParameters()
        if rotationRange != 0 { p.theta = state.uniform(-rotationRange, rotationRange) }
        if heightShiftRange != 0 {
            p.tx = state.uniform(-heightShiftRange, heightShiftRange)
            if heightShiftRange < 1 { p.tx *= Double(height) }
        }
        if widthShiftRange != 0 {
            p.ty = state.uniform(-widthShiftRange, widthShiftRange)
            if widthShiftRange < 1 { p.ty *= Double(width) }
        }
        if shearRange != 0 { p.shear = state.uniform(-shearRange, shearRange) }
        if zoomRange.lowerBound != 1 || zoomRange.upperBound != 1 {
            p.zx = state.uniform(zoomRange.lowerBound, zoomRange.upperBound)
            p.zy = state.uniform(zoomRange.lowerBound, zoomRange.upperBound)
        }
        p.flipHorizontal = state.randomSample() < 0.5 && horizontalFlip
        p.flipVertical = state.randomSample() < 0.5 && verticalFlip
        return p
    }

    /// `apply_transform(x, p)`: the affine resampling (skipped when `p` has none), then the
    /// horizontal flip (columns reversed), then the vertical flip (rows reversed).
    public func applyTransform(_ image: inout FloatImage, _ p: TransformParameters) {
        if let resampling = p.resampling(height: image.height, width: image.width) {
            image = image.resampled(resampling)
        }
        if p.flipHorizontal { image.reverseColumns() }
        if p.flipVertical { image.reverseRows() }
    }

    /// ``applyTransform(_:_:)`` returning the result.
    public func transformed(_ image: FloatImage, _ p: TransformParameters) -> FloatImage {
        var result = image
        applyTransform(&result, p)
        return result
    }

    /// `standardize(x)`: `x *= rescale`, then `x -= mean`, then `x /= std + 1e-6`, in Float as
    /// NumPy does it on float32 arrays.
    public func standardize(_ image: inout FloatImage) {
        let center = featurewiseCenter || featurewiseStdNormalization
        guard rescale != nil || center else { return }
        let scale = rescale ?? 1
        let channels = image.channels
        var shift = [Float](repeating: 0, count: channels)
        var divisor = [Float](repeating: 1, count: channels)
        if center {
            guard let statistics else {
                preconditionFailure("featurewise normalisation needs statistics: call fit(_:) or load normalization.json")
            }
            precondition(statistics.mean.count == channels && statistics.std.count == channels,
                         "statistics for \(statistics.mean.count) channels, image has \(channels)")
            shift = statistics.mean
            if featurewiseStdNormalization { divisor = statistics.std.map { $0 + Float(1e-6) } }
        }
        image.pixels.withUnsafeMutableBufferPointer { samples in
            var index = 0
            while index < samples.count {
                for channel in 0..<channels {
                    var value = samples[index + channel]
                    if rescale != nil { value *= scale }
                    if center { value -= shift[channel] }
                    if featurewiseStdNormalization { value /= divisor[channel] }
                    samples[index + channel] = value
                }
                index += channels
            }
        }
    }

    /// `fit(x)`: the per-channel mean and population std (ddof 0) over every sample, row and
    /// column, after `rescale`, stored in ``statistics``. `.double` is accurate; `.numpyFloat32`
    /// reproduces Keras' float32 arithmetic bit for bit (see ``FeaturewiseStatistics/Summation``).
    /// Keras' optional augmentation rounds are not reproduced.
    public mutating func fit(_ samples: some Collection<FloatImage>,
                             summation: FeaturewiseStatistics.Summation = .double) {
        statistics = FeaturewiseStatistics(fitting: samples, rescale: rescale, summation: summation)
    }
}
