import CDlib

/// Conversions to and from dlib's inclusive rectangles, and the box arithmetic face search needs.
extension FaceBox {
    /// dlib's rectangle: right and bottom are the last pixel inside, not one past it.
    init(dlibRect rect: cdlib_rect) {
        self.init(x: rect.left, y: rect.top, width: rect.right - rect.left + 1, height: rect.bottom - rect.top + 1)
    }

    var dlibRect: cdlib_rect {
        cdlib_rect(left: x, top: y, right: x + width - 1, bottom: y + height - 1)
    }

    /// The part of the box inside a `width`×`height` image, or nil if none of it is.
    public func clamped(width: Int, height: Int) -> FaceBox? {
        let left = max(x, 0), top = max(y, 0)
        let right = min(x + self.width, width), bottom = min(y + self.height, height)
        guard right > left, bottom > top else { return nil }
        return FaceBox(x: left, y: top, width: right - left, height: bottom - top)
    }

    /// The box grown by `fraction` of its height on every side, as MesoNet's
    /// `expand_location_zone` does (0.2, rounded to whole pixels), before clamping.
    public func expanded(by fraction: Double) -> FaceBox {
        let offset = Int((fraction * Double(height)).rounded())
        return FaceBox(x: x - offset, y: y - offset, width: width + 2 * offset, height: height + 2 * offset)
    }

    public var centreX: Double { Double(x) + Double(width) / 2 }
    public var centreY: Double { Double(y) + Double(height) / 2 }

    /// Intersection over union: 0 for disjoint boxes, 1 for equal ones.
    public func intersectionOverUnion(_ other: FaceBox) -> Double {
        let width = min(x + self.width, other.x + other.width) - max(x, other.x)
        let height = min(y + self.height, other.y + other.height) - max(y, other.y)
        guard width > 0, height > 0 else { return 0 }
        let intersection = width * height
        return Double(intersection) / Double(area + other.area - intersection)
    }
}
