import Foundation
import MesoData

/// The history of a run as the files users open: `history.csv` for spreadsheets and
/// `history.json` for scripts, both rewritten atomically after every epoch.
public enum HistoryFiles {
    /// `epoch,loss,acc,val_loss,val_acc`, epochs counted from 1 as Keras prints them; a missing
    /// validation value is an empty field.
    public static func csv(_ history: History) -> String {
        var lines = ["epoch,loss,acc,val_loss,val_acc"]
        for record in history.epochs {
            let fields = [record.loss, record.accuracy, record.validationLoss, record.validationAccuracy]
                .map { $0.map { "\($0)" } ?? "" }
            lines.append(([String(record.epoch + 1)] + fields).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{"epochs": [{"epoch", "batches", "samples", "loss", "accuracy", "validationLoss",
    /// "validationAccuracy"}], "stoppedEarly"}`, epochs counted from 0 as in `History`; a missing
    /// value, or one JSON cannot express (NaN, infinity), is null, so the file always parses.
    public static func json(_ history: History) -> String {
        let epochs = history.epochs.map { record in
            JSONValue.object([
                ("epoch", .integer(record.epoch)), ("batches", .integer(record.batches)), ("samples", .integer(record.samples)),
                ("loss", .number(record.loss)), ("accuracy", .number(record.accuracy)),
                ("validationLoss", .number(orNull: record.validationLoss)),
                ("validationAccuracy", .number(orNull: record.validationAccuracy)),
            ])
        }
        return JSONValue.object([("epochs", .array(epochs)), ("stoppedEarly", .bool(history.stoppedEarly))]).serialized(pretty: true) + "\n"
    }

    /// Writes `history.csv` and `history.json` into `folder`.
    public static func write(_ history: History, to folder: String) throws {
        try Data(csv(history).utf8).write(to: URL(fileURLWithPath: "\(folder)/history.csv"), options: .atomic)
        try Data(json(history).utf8).write(to: URL(fileURLWithPath: "\(folder)/history.json"), options: .atomic)
    }
}
