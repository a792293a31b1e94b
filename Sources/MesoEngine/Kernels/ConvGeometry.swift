/// The fixed facts of a stride-1, 'same'-padded 2-D convolution.
struct ConvGeometry: Sendable, Equatable {
    var kernelHeight: Int
    var kernelWidth: Int
    var inputChannels: Int
    var outputChannels: Int
    var dilation: Int

    /// Zeros before the first row / column: the smaller half of `(K - 1) * dilation` (Keras 'same').
    var padTop: Int { (kernelHeight - 1) * dilation / 2 }
    var padLeft: Int { (kernelWidth - 1) * dilation / 2 }
    /// Zeros after the last row / column: the larger half.
    var padBottom: Int { (kernelHeight - 1) * dilation - padTop }
    var padRight: Int { (kernelWidth - 1) * dilation - padLeft }
}
