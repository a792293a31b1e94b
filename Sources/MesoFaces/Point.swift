/// A position in image pixels, x to the right and y down.
public struct Point: Sendable, Equatable, Codable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// The centroid of `points`, which must not be empty.
    static func mean(_ points: some Collection<Point>) -> Point {
        precondition(!points.isEmpty, "the mean of no points")
        var x = 0.0, y = 0.0
        for point in points {
            x += point.x
            y += point.y
        }
        let count = Double(points.count)
        return Point(x: x / count, y: y / count)
    }

    /// The point halfway between `a` and `b`.
    static func midpoint(_ a: Point, _ b: Point) -> Point {
        Point(x: (a.x + b.x) / 2, y: (a.y + b.y) / 2)
    }

    /// The Euclidean distance between `a` and `b`.
    static func distance(_ a: Point, _ b: Point) -> Double {
        ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()
    }
}
