import Foundation

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

    /// Writes `history.csv` and `history.json` into `folder`.
    public static func write(_ history: History, to folder: String) throws {
        try Data(csv(history).utf8).write(to: URL(fileURLWithPath: "\(folder)/history.csv"), options: .atomic)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(history).write(to: URL(fileURLWithPath: "\(folder)/history.json"), options: .atomic)
    }
}
