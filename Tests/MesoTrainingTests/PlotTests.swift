import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MesoData
@testable import MesoTraining
import Testing

/// The SVG charts: well-formed XML, every series named, every coordinate finite and inside
/// the picture.
@Suite struct PlotTests {
    /// By scanning: swift-corelibs' `attribute(forName:)` finds nothing in a namespaced element.
    func attribute(_ element: XMLElement, _ name: String) -> String? {
        element.attributes?.first { $0.name == name }?.stringValue
    }

    /// Parses `svg` and checks every positional attribute against its viewBox; returns the
    /// document's texts and the elements by name.
    func checked(_ svg: String) throws -> (texts: [String], elements: [String: Int]) {
        let document = try XMLDocument(xmlString: svg)
        let root = try #require(document.rootElement())
        #expect(root.name == "svg")
        let box = try #require(attribute(root, "viewBox")).split(separator: " ").compactMap { Double($0) }
        #expect(box.count == 4 && box[0] == 0 && box[1] == 0)
        let (width, height) = (box[2], box[3])
        var coordinates = 0
        func inside(_ value: String?, _ limit: Double, _ what: String) {
            guard let value else { return }
            coordinates += 1
            let v = Double(value)
            #expect(v.map { $0.isFinite && $0 >= 0 && $0 <= limit } == true, "\(what)=\(value)")
        }
        var texts: [String] = [], elements: [String: Int] = [:]
        var queue = [root]
        while let element = queue.popLast() {
            let name = element.name ?? ""
            elements[name, default: 0] += 1
            if name == "text" { texts.append(element.stringValue ?? "") }
            for a in ["x", "x1", "x2"] { inside(attribute(element, a), width, a) }
            for a in ["y", "y1", "y2"] { inside(attribute(element, a), height, a) }
            if let w = attribute(element, "width"), let x = attribute(element, "x") {
                inside(String(Double(x)! + Double(w)!), width, "x + width")
            }
            if let h = attribute(element, "height"), let y = attribute(element, "y") {
                inside(String(Double(y)! + Double(h)!), height, "y + height")
            }
            for pair in attribute(element, "points")?.split(separator: " ") ?? [] {
                let xy = pair.split(separator: ",").map(String.init)
                #expect(xy.count == 2)
                inside(xy.first, width, "points x")
                inside(xy.last, height, "points y")
            }
            queue += (element.children ?? []).compactMap { $0 as? XMLElement }
        }
        #expect(coordinates > 50, "too few coordinates checked")
        return (texts, elements)
    }

    func history(validation: Bool) -> History {
        var history = History()
        for (epoch, loss) in [0.69, 0.52, .nan, 0.31].enumerated() {
            history.epochs.append(EpochRecord(epoch: epoch, batches: 4, samples: 64, loss: loss, accuracy: 0.5 + 0.1 * Double(epoch),
                                              validationLoss: validation ? loss + 0.05 : nil,
                                              validationAccuracy: validation ? 0.45 + 0.1 * Double(epoch) : nil))
        }
        return history
    }

    @Test func trainingCurvesNameTheirSeriesAndSkipMissingValidation() throws {
        let loss = try checked(SVGPlot.trainingLoss(history(validation: true)).svg())
        #expect(Set(["loss", "val_loss", "Training loss", "epoch"]).isSubset(of: loss.texts))
        #expect(loss.elements["polyline"] == 2)
        let accuracy = try checked(SVGPlot.trainingAccuracy(history(validation: true)).svg())
        #expect(Set(["acc", "val_acc", "0.0", "1.0"]).isSubset(of: accuracy.texts))
        let trainOnly = try checked(SVGPlot.trainingLoss(history(validation: false)).svg())
        #expect(!trainOnly.texts.contains("val_loss") && trainOnly.elements["polyline"] == 1)
        // The NaN epoch is left out of the line: 3 of 4 points remain.
        #expect(SVGPlot.trainingLoss(history(validation: false)).series[0].points.map(\.x) == [1, 2, 4])
    }

    @Test func rocCurveHasTheDiagonalAndTheAUC() throws {
        let metrics = try BinaryMetrics([(.fake, 0.9), (.real, 0.8), (.fake, 0.7), (.real, 0.1)])
        let plot = try SVGPlot.roc(metrics)
        let (texts, elements) = try checked(plot.svg())
        #expect(texts.contains("ROC (AUC = 0.7500)") && texts.contains("chance"))
        #expect(elements["polyline"] == 2)
        #expect(plot.series[0].points.count == 5 && plot.series[1].style == .dashedLine)
        let oneClass = try BinaryMetrics([(.real, 0.3)])
        #expect(throws: EvaluationError.singleClass(.real, count: 1, level: .frame)) { try SVGPlot.roc(oneClass) }
    }

    /// 20 bins per class; 1.0 falls in the last bin and 0.0 in the first.
    @Test func histogramOverlaysTwentyBinsPerClass() throws {
        let scores: [(label: Label, pFake: Double)] = [(.real, 0), (.real, 0.02), (.real, 0.51), (.fake, 0.97), (.fake, 1.0)]
        let plot = SVGPlot.scoreHistogram(scores)
        let (texts, _) = try checked(plot.svg())
        #expect(texts.contains("real (3)") && texts.contains("fake (2)"))
        #expect(plot.series.map { $0.points.count } == [20, 20])
        #expect(plot.series[0].points.map(\.y)[0] == 2 && plot.series[0].points.map(\.y)[10] == 1)
        #expect(plot.series[1].points.map(\.y)[19] == 2 && plot.series[1].points.map(\.y).reduce(0, +) == 2)
        #expect(plot.svg().components(separatedBy: #"fill-opacity="0.5""#).count - 1 == 42)   // 40 bars, 2 legend swatches
    }

    @Test func textIsEscapedAndTheFileIsWrittenWhole() throws {
        var plot = SVGPlot(title: #"a < b & "c""#, xLabel: "x", yLabel: "y")
        plot.add("<series>", points: [(1e6, -3), (1e6, -3)])   // a single value on each axis
        let (texts, _) = try checked(plot.svg())
        #expect(texts.contains(#"a < b & "c""#) && texts.contains("<series>"))
        let path = try Fixtures.scratchPath("plot.svg")
        try plot.write(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == plot.svg())
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["plot.svg"])
    }

    @Test func axesGetRoundTicks() {
        let unit = Axis(0 ... 1, from: 0, to: 100)
        #expect(unit.ticks.map(unit.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let loss = Axis(0.31 ... 0.74, from: 0, to: 100)
        #expect(loss.ticks.map(loss.label) == ["0.3", "0.4", "0.5", "0.6", "0.7", "0.8"])
        let epochs = Axis(1 ... 30, from: 0, to: 100)
        #expect(epochs.ticks.map(epochs.label) == ["0", "10", "20", "30"])
        #expect(Axis.decimal(-0.004, places: 2) == "0.00" && Axis.decimal(-1.25, places: 1) == "-1.3")
    }
}
