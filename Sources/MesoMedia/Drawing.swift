/// Boxes and labels drawn onto frames, for annotated copies of analysed videos.
extension RGBImage {
    /// Draws the outline of the `width`×`height` box whose top-left pixel is (`x`, `y`): a border
    /// `thickness` pixels wide, inside the box. Any part outside the image is skipped, so a face box
    /// hanging off the edge, or entirely off it, is drawn as far as it shows.
    public mutating func drawRectangle(x: Int, y: Int, width: Int, height: Int, color: (UInt8, UInt8, UInt8),
                                       thickness: Int) {
        guard width > 0, height > 0, thickness > 0 else { return }
        let band = min(thickness, width, height)
        let right = Self.saturatingSum(x, width)
        let bottom = Self.saturatingSum(y, height)
        fill(x0: x, y0: y, x1: right, y1: Self.saturatingSum(y, band), color: color)
        fill(x0: x, y0: bottom - band, x1: right, y1: bottom, color: color)
        fill(x0: x, y0: y, x1: Self.saturatingSum(x, band), y1: bottom, color: color)
        fill(x0: right - band, y0: y, x1: right, y1: bottom, color: color)
    }

    /// Draws `text` in the built-in 5×7 bitmap font, each font pixel `scale`×`scale` image pixels,
    /// with its top-left corner at (`x`, `y`), on a filled `background` box of ``textSize(_:scale:)``
    /// when given. Clipped to the image like ``drawRectangle(x:y:width:height:color:thickness:)``.
    /// Characters outside the font (see ``BitmapFont``) draw as a hollow box.
    public mutating func drawText(_ text: String, x: Int, y: Int, color: (UInt8, UInt8, UInt8),
                                  background: (UInt8, UInt8, UInt8)?, scale: Int) {
        precondition(scale > 0, "text scale must be positive, not \(scale)")
        if let background {
            let size = Self.textSize(text, scale: scale)
            fill(x0: x, y0: y, x1: Self.saturatingSum(x, size.width), y1: Self.saturatingSum(y, size.height),
                 color: background)
        }
        var left = x
        for character in text {
            let rows = BitmapFont.glyph(character)
            for (row, bits) in rows.enumerated() {
                for column in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - column)) != 0 {
                    let px = Self.saturatingSum(left, column * scale)
                    let py = Self.saturatingSum(y, row * scale)
                    fill(x0: px, y0: py, x1: Self.saturatingSum(px, scale), y1: Self.saturatingSum(py, scale), color: color)
                }
            }
            left = Self.saturatingSum(left, BitmapFont.advance * scale)
        }
    }

    /// The pixels `text` covers at `scale`: glyphs with one font pixel between them, none after the last.
    public static func textSize(_ text: String, scale: Int) -> (width: Int, height: Int) {
        let count = text.count
        guard count > 0 else { return (0, 0) }
        return ((count * BitmapFont.advance - 1) * scale, BitmapFont.glyphHeight * scale)
    }

    /// Sets every pixel of the half-open box [x0, x1) × [y0, y1) that lies in the image.
    private mutating func fill(x0: Int, y0: Int, x1: Int, y1: Int, color: (UInt8, UInt8, UInt8)) {
        let left = max(x0, 0)
        let right = min(x1, width)
        let top = max(y0, 0)
        let bottom = min(y1, height)
        guard left < right, top < bottom else { return }
        let width = self.width
        pixels.withUnsafeMutableBufferPointer { pixels in
            for row in top..<bottom {
                for column in left..<right {
                    let p = (row * width + column) * 3
                    pixels[p] = color.0
                    pixels[p + 1] = color.1
                    pixels[p + 2] = color.2
                }
            }
        }
    }

    /// `a + b`, held at the Int limits instead of trapping, for boxes at absurd coordinates.
    private static func saturatingSum(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? Int.max : Int.min) : sum
    }
}
