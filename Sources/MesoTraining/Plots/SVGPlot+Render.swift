extension SVGPlot {
    /// The picture as an SVG document.
    public func svg() -> String {
        let x = Axis(Self.extent(xDomain, series.flatMap(Self.xExtent)), from: Self.area.left, to: Self.area.right)
        let y = Axis(Self.extent(yDomain, series.flatMap(Self.yExtent)), from: Self.area.bottom, to: Self.area.top)
        let (w, h) = Self.size, a = Self.area
        var out = [
            #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(n(w)) \#(n(h))" width="\#(n(w))" height="\#(n(h))" font-family="sans-serif" font-size="12">"#,
            #"<rect x="0" y="0" width="\#(n(w))" height="\#(n(h))" fill="white"/>"#,
            text(Self.escaped(title), x: (a.left + a.right) / 2, y: 24, anchor: "middle", extra: #" font-size="15""#),
        ]
        for tick in x.ticks {
            let px = x.map(tick)
            out.append(line(px, a.bottom, px, a.bottom + 5, "#333") + line(px, a.top, px, a.bottom, "#e5e5e5"))
            out.append(text(x.label(tick), x: px, y: a.bottom + 19, anchor: "middle"))
        }
        for tick in y.ticks {
            let py = y.map(tick)
            out.append(line(a.left - 5, py, a.left, py, "#333") + line(a.left, py, a.right, py, "#e5e5e5"))
            out.append(text(y.label(tick), x: a.left - 8, y: py + 4, anchor: "end"))
        }
        out.append(##"<rect x="\##(n(a.left))" y="\##(n(a.top))" width="\##(n(a.right - a.left))" height="\##(n(a.bottom - a.top))" fill="none" stroke="#333"/>"##)
        out.append(text(Self.escaped(xLabel), x: (a.left + a.right) / 2, y: a.bottom + 42, anchor: "middle"))
        let yMid = (a.top + a.bottom) / 2
        out.append(text(Self.escaped(yLabel), x: 18, y: yMid, anchor: "middle", extra: #" transform="rotate(-90 18 \#(n(yMid)))""#))
        for s in series { out += draw(s, x, y) }
        out += legend()
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    func draw(_ s: Series, _ x: Axis, _ y: Axis) -> [String] {
        switch s.style {
        case .line, .dashedLine:
            let points = s.points.map { "\(n(x.map($0.x))),\(n(y.map($0.y)))" }.joined(separator: " ")
            let dash = s.style == .dashedLine ? #" stroke-dasharray="6 4""# : ""
            return [#"<polyline points="\#(points)" fill="none" stroke="\#(s.color)" stroke-width="2"\#(dash)/>"#]
        case .bars(let width):
            return s.points.map { p in
                let left = x.map(p.x - width / 2), right = x.map(p.x + width / 2)
                let top = y.map(max(p.y, 0)), bottom = y.map(min(p.y, 0))
                return #"<rect x="\#(n(left))" y="\#(n(top))" width="\#(n(right - left))" height="\#(n(bottom - top))" fill="\#(s.color)" fill-opacity="0.5"/>"#
            }
        }
    }

    func legend() -> [String] {
        let left = Self.area.right + 15
        return series.enumerated().flatMap { i, s in
            let y = Self.area.top + 10 + Double(i) * 20
            let sample = switch s.style {
            case .bars: #"<rect x="\#(n(left))" y="\#(n(y - 5))" width="20" height="10" fill="\#(s.color)" fill-opacity="0.5"/>"#
            case .line: line(left, y, left + 20, y, s.color, width: 2)
            case .dashedLine: line(left, y, left + 20, y, s.color, width: 2, extra: #" stroke-dasharray="6 4""#)
            }
            return [sample, text(Self.escaped(s.name), x: left + 26, y: y + 4, anchor: "start")]
        }
    }

    func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ color: String,
              width: Double = 1, extra: String = "") -> String {
        #"<line x1="\#(n(x1))" y1="\#(n(y1))" x2="\#(n(x2))" y2="\#(n(y2))" stroke="\#(color)" stroke-width="\#(n(width))"\#(extra)/>"#
    }

    func text(_ content: String, x: Double, y: Double, anchor: String, extra: String = "") -> String {
        #"<text x="\#(n(x))" y="\#(n(y))" text-anchor="\#(anchor)"\#(extra)>\#(content)</text>"#
    }

    /// A pixel coordinate with two decimals: finer than any screen, and short files.
    func n(_ v: Double) -> String { Axis.decimal(v, places: 2) }

    static func xExtent(_ s: Series) -> [Double] {
        guard case .bars(let width) = s.style else { return s.points.map(\.x) }
        return s.points.flatMap { [$0.x - width / 2, $0.x + width / 2] }
    }

    static func yExtent(_ s: Series) -> [Double] {
        guard case .bars = s.style else { return s.points.map(\.y) }
        return s.points.map(\.y) + [0]
    }

    /// The range an axis must cover: the wanted domain and every value, or [0, 1] if neither.
    static func extent(_ domain: ClosedRange<Double>?, _ values: [Double]) -> ClosedRange<Double> {
        let all = values + (domain.map { [$0.lowerBound, $0.upperBound] } ?? [])
        guard let low = all.min(), let high = all.max() else { return 0 ... 1 }
        return low ... high
    }

    static func escaped(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
