#if os(Linux)
import Glibc
#else
import Darwin
#endif

/// One axis of an `SVGPlot`: a data range widened to whole "nice" ticks (1, 2 or 5 × 10ᵏ apart,
/// about five of them), mapped linearly onto a pixel interval.
struct Axis {
    let low: Double
    let high: Double
    let step: Double
    let pixels: (from: Double, to: Double)

    init(_ range: ClosedRange<Double>, from: Double, to: Double) {
        // A single value gets a unit-wide range around it, so the mapping never divides by 0.
        let span = range.upperBound - range.lowerBound
        let (a, b) = span > 0 ? (range.lowerBound, range.upperBound) : (range.lowerBound - 0.5, range.upperBound + 0.5)
        let rough = (b - a) / 5
        let magnitude = pow(10, floor(log10(rough)))
        step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough }!
        // The small tolerance keeps 1.0000000002 from adding a whole tick.
        low = floor(a / step + 1e-9) * step
        high = ceil(b / step - 1e-9) * step
        pixels = (from, to)
    }

    var ticks: [Double] {
        let count = Int(((high - low) / step).rounded())
        return (0 ... count).map { low + Double($0) * step }
    }

    func map(_ v: Double) -> Double {
        pixels.from + (v - low) / (high - low) * (pixels.to - pixels.from)
    }

    /// A tick value with as many decimals as the step needs (0.2 → 1, 0.05 → 2, 50 → 0).
    func label(_ v: Double) -> String {
        Self.decimal(v, places: max(0, Int(-floor(log10(step) + 1e-9))))
    }

    /// `v` rounded to `places` decimals, without Foundation's `String(format:)`.
    static func decimal(_ v: Double, places: Int) -> String {
        let scale = pow(10, Double(places))
        let scaled = Int64((abs(v) * scale).rounded())
        let sign = v < 0 && scaled != 0 ? "-" : ""
        guard places > 0 else { return sign + String(scaled) }
        let unit = Int64(scale)
        let fraction = String(scaled % unit)
        return "\(sign)\(scaled / unit).\(String(repeating: "0", count: places - fraction.count))\(fraction)"
    }
}
