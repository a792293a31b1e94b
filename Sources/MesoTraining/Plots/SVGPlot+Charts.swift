import MesoData

/// The charts of a training and evaluation run. Fake is red and real blue in every chart.
extension SVGPlot {
    static let fakeColor = "#d62728"
    static let realColor = "#1f77b4"

    /// loss and val_loss per epoch (numbered from 1, as Keras prints them); val_loss only for
    /// the epochs that have one.
    public static func trainingLoss(_ history: History) -> SVGPlot {
        var plot = SVGPlot(title: "Training loss", xLabel: "epoch", yLabel: "loss")
        plot.add("loss", points: perEpoch(history, \.loss))
        plot.addIfAny("val_loss", points: perEpoch(history, \.validationLoss))
        return plot
    }

    /// acc and val_acc per epoch, on a y axis from 0 to 1.
    public static func trainingAccuracy(_ history: History) -> SVGPlot {
        var plot = SVGPlot(title: "Training accuracy", xLabel: "epoch", yLabel: "accuracy", yDomain: 0 ... 1)
        plot.add("acc", points: perEpoch(history, \.accuracy))
        plot.addIfAny("val_acc", points: perEpoch(history, \.validationAccuracy))
        return plot
    }

    /// The ROC curve with the chance diagonal, the AUC in the legend; throws `.singleClass`
    /// when the metrics have no curve.
    public static func roc(_ metrics: BinaryMetrics) throws(EvaluationError) -> SVGPlot {
        let ranking = try metrics.ranking.get()
        var plot = SVGPlot(title: "ROC, \(metrics.level.rawValue) level", xLabel: "false positive rate (real called fake)",
                           yLabel: "true positive rate (fake called fake)", xDomain: 0 ... 1, yDomain: 0 ... 1)
        plot.add("ROC (AUC = \(ProgressCallback.fixed(ranking.auc)))", points: ranking.roc.map { ($0.fpr, $0.tpr) },
                 color: fakeColor)
        plot.add("chance", points: [(0, 0), (1, 1)], style: .dashedLine, color: "#888888")
        return plot
    }

    /// How p_fake is distributed over real and over fake faces: `bins` equal bins over [0, 1]
    /// (the last one includes 1), the two classes as overlaid bars, each named with its count.
    /// A NaN score falls in no bin and is left out of both.
    public static func scoreHistogram(_ scores: [(label: Label, pFake: Double)], bins: Int = 20) -> SVGPlot {
        precondition(bins >= 1, "a histogram needs a bin")
        var plot = SVGPlot(title: "p_fake by class", xLabel: "p_fake", yLabel: "faces", xDomain: 0 ... 1)
        let width = 1 / Double(bins)
        for (label, color) in [(Label.real, realColor), (.fake, fakeColor)] {
            var counts = [Int](repeating: 0, count: bins)
            let mine = scores.filter { $0.label == label && $0.pFake.isFinite }
            for s in mine { counts[min(max(Int(s.pFake * Double(bins)), 0), bins - 1)] += 1 }
            plot.add("\(label.rawValue) (\(mine.count))", points: counts.enumerated().map { ((Double($0) + 0.5) * width, Double($1)) },
                     style: .bars(width: width), color: color)
        }
        return plot
    }

    static func perEpoch(_ history: History, _ metric: KeyPath<EpochRecord, Double?>) -> [(x: Double, y: Double)] {
        history.epochs.compactMap { record in record[keyPath: metric].map { (Double(record.epoch + 1), $0) } }
    }

    static func perEpoch(_ history: History, _ metric: KeyPath<EpochRecord, Double>) -> [(x: Double, y: Double)] {
        history.epochs.map { (Double($0.epoch + 1), $0[keyPath: metric]) }
    }

    /// Adds the series unless it is empty: a run without validation data has no val_ curve.
    mutating func addIfAny(_ name: String, points: [(x: Double, y: Double)]) {
        if !points.isEmpty { add(name, points: points) }
    }
}
