extension RGBImage {
    /// The network input Keras builds from this image: stretched to `side`×`side` with Pillow's
    /// NEAREST (``resizedNearest(width:height:)``), then every byte scaled to [0, 1], in
    /// height × width × channel (NHWC) order.
    ///
    /// Each byte becomes `Float(byte) * Float(1.0 / 255.0)`: a float32 multiply by the float32
    /// nearest to 1/255, because that is what Keras does (`ImageDataGenerator(rescale=1./255)`
    /// multiplies the float32 array by the Python float, which NumPy rounds to float32). Dividing
    /// by 255 instead differs in the last bit for 78k to 119k of the 196,608 values of the four
    /// MesoNet test images; the reference scores come from the multiplied values.
    public func kerasInput(side: Int = 256) -> [Float] {
        [Float](unsafeUninitializedCapacity: side * side * 3) { buffer, count in
            writeKerasInput(side: side, into: buffer)
            count = side * side * 3
        }
    }

    /// Writes ``kerasInput(side:)`` into `output` (`side * side * 3` floats), for callers that lay
    /// a batch out in one tensor: the resize and the scaling happen in one pass, with no
    /// intermediate image or array.
    public func writeKerasInput(side: Int = 256, into output: UnsafeMutableBufferPointer<Float>) {
        precondition(output.count >= side * side * 3, "the output holds \(output.count) floats, not \(side * side * 3)")
        let columns = Self.nearestSourceIndices(inputSize: width, outputSize: side)
        let rows = Self.nearestSourceIndices(inputSize: height, outputSize: side)
        let scale = Float(1.0 / 255.0)
        pixels.withUnsafeBufferPointer { source in
            var o = 0
            for row in rows {
                let rowStart = row * width * 3
                for column in columns {
                    let s = rowStart + column * 3
                    output[o] = Float(source[s]) * scale
                    output[o + 1] = Float(source[s + 1]) * scale
                    output[o + 2] = Float(source[s + 2]) * scale
                    o += 3
                }
            }
        }
    }
}
