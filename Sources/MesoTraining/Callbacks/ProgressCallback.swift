/// Prints one Keras-style line per epoch:
/// `Epoch 2/10 - 4 steps - loss: 0.6412 - accuracy: 0.6250 - val_loss: 0.6003 - val_accuracy: 0.7500`.
///
/// The line goes to `output` (standard output by default), so a CLI can route it and a test
/// can capture it.
public final class ProgressCallback: Callback {
    let output: (String) -> Void

    public init(output: @escaping (String) -> Void = { print($0) }) {
        self.output = output
    }

    public func onEpochEnd(_ record: EpochRecord, state: TrainingState) throws -> TrainingControl {
        output(Self.line(record, epochs: state.epochs))
        return .proceed
    }

    static func line(_ record: EpochRecord, epochs: Int) -> String {
        var parts = ["Epoch \(record.epoch + 1)/\(epochs)", "\(record.batches) steps",
                     "loss: \(fixed(record.loss))", "accuracy: \(fixed(record.accuracy))"]
        if let loss = record.validationLoss { parts.append("val_loss: \(fixed(loss))") }
        if let accuracy = record.validationAccuracy { parts.append("val_accuracy: \(fixed(accuracy))") }
        return parts.joined(separator: " - ")
    }

    /// `x` with four decimals (no Foundation `String(format:)` needed).
    static func fixed(_ x: Double) -> String {
        guard x.isFinite, abs(x) < 1e14 else { return "\(x)" }
        let scaled = Int64((abs(x) * 10_000).rounded())
        let fraction = String(scaled % 10_000)
        let sign = x < 0 && scaled != 0 ? "-" : ""
        return "\(sign)\(scaled / 10_000).\(String(repeating: "0", count: 4 - fraction.count))\(fraction)"
    }
}
