import Dispatch

/// Keras' progress output: while an epoch runs, a bar with the step count, the ETA and the
/// running loss and accuracy, redrawn in place (only when `live` is set, i.e. on a terminal);
/// after it, one line per epoch:
/// `Epoch 2/10 - 4/4 steps - 3.1s - loss: 0.6412 - acc: 0.6250 - val_loss: 0.6003 - val_acc: 0.7500`.
///
/// Lines go to `output` (standard output by default), so a CLI can route them and a test can
/// capture them; the live bar goes to `live`.
public final class ProgressCallback: Callback {
    let output: (String) -> Void
    let live: ((String) -> Void)?
    private var epochStart: UInt64 = 0
    private var stepsPerEpoch: Int?
    private var lastDraw: UInt64 = 0

    public init(output: @escaping (String) -> Void = { print($0) }, live: ((String) -> Void)? = nil) {
        self.output = output
        self.live = live
    }

    public func onEpochBegin(_ epoch: Int, state: TrainingState) throws {
        epochStart = DispatchTime.now().uptimeNanoseconds
    }

    public func onBatchEnd(_ record: BatchRecord, state: TrainingState) throws {
        guard let live else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastDraw > 100_000_000 else { return }
        lastDraw = now
        let done = record.batch + 1
        let elapsed = Double(now - epochStart) / 1e9
        var text = "Epoch \(record.epoch + 1)/\(state.epochs) - \(done)"
        if let total = stepsPerEpoch {
            let eta = elapsed / Double(done) * Double(max(total - done, 0))
            text += "/\(total) - ETA \(Int(eta.rounded()))s"
        }
        live(text + " - loss: \(Self.fixed(record.loss)) - acc: \(Self.fixed(record.accuracy))")
    }

    public func onEpochEnd(_ record: EpochRecord, state: TrainingState) throws -> TrainingControl {
        stepsPerEpoch = record.batches
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - epochStart) / 1e9
        output(Self.line(record, epochs: state.epochs, seconds: epochStart == 0 ? nil : seconds))
        return .proceed
    }

    static func line(_ record: EpochRecord, epochs: Int, seconds: Double? = nil) -> String {
        var parts = ["Epoch \(record.epoch + 1)/\(epochs)", "\(record.batches) steps"]
        if let seconds { parts.append("\(fixed(seconds, decimals: 1))s") }
        parts += ["loss: \(fixed(record.loss))", "acc: \(fixed(record.accuracy))"]
        if let loss = record.validationLoss { parts.append("val_loss: \(fixed(loss))") }
        if let accuracy = record.validationAccuracy { parts.append("val_acc: \(fixed(accuracy))") }
        return parts.joined(separator: " - ")
    }

    /// `x` with `decimals` decimals (no Foundation `String(format:)` needed).
    static func fixed(_ x: Double, decimals: Int = 4) -> String {
        guard x.isFinite, abs(x) < 1e14 else { return "\(x)" }
        var unit: Int64 = 1
        for _ in 0..<decimals { unit *= 10 }
        let scaled = Int64((abs(x) * Double(unit)).rounded())
        let fraction = String(scaled % unit)
        let sign = x < 0 && scaled != 0 ? "-" : ""
        return "\(sign)\(scaled / unit).\(String(repeating: "0", count: decimals - fraction.count))\(fraction)"
    }
}
