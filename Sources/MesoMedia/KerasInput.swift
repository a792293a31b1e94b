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
        let resized = resizedNearest(width: side, height: side)
        let scale = Float(1.0 / 255.0)
        return resized.pixels.map { Float($0) * scale }
    }
}
