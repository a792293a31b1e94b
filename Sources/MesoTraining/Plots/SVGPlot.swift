#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A small line and bar chart written as SVG: axes with ticks and labels, named series with a
/// legend, a title. Enough for training curves, ROC curves and score histograms without a
/// plotting dependency; the file opens in any browser.
public struct SVGPlot: Sendable {
    public enum Style: Sendable, Equatable {
        case line
        /// For reference lines (the ROC diagonal), so they do not read as data.
        case dashedLine
        /// Each point is the top centre of a bar of this width in x units, from y = 0; drawn
        /// half transparent so that overlaid series stay visible.
        case bars(width: Double)
    }

    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var style: Style
        /// Any SVG colour.
        public var color: String
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// The ranges the axes show at least; data outside widens them, so every point is drawn.
    /// Nil: the data's range, widened to whole ticks.
    public var xDomain: ClosedRange<Double>?
    public var yDomain: ClosedRange<Double>?
    public private(set) var series: [Series] = []

    static let size = (width: 720.0, height: 440.0)
    /// The plot area inside the picture: room for tick labels left and below, the title above,
    /// the legend on the right.
    static let area = (left: 70.0, right: 530.0, top: 40.0, bottom: 380.0)
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]

    public init(title: String, xLabel: String, yLabel: String,
                xDomain: ClosedRange<Double>? = nil, yDomain: ClosedRange<Double>? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xDomain = xDomain
        self.yDomain = yDomain
    }

    /// Adds a series; points with a NaN or infinite coordinate are left out (a diverged loss).
    /// `color` nil takes the next colour of the palette.
    public mutating func add(_ name: String, points: [(x: Double, y: Double)], style: Style = .line, color: String? = nil) {
        series.append(Series(name: name, points: points.filter { $0.x.isFinite && $0.y.isFinite }, style: style,
                             color: color ?? Self.palette[series.count % Self.palette.count]))
    }

    /// Writes `svg()` to `path` atomically (a temporary file renamed over it), so a viewer
    /// reloading the file never sees half a picture.
    public func write(to path: String) throws {
        try Data(svg().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
