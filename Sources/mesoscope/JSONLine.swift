import Foundation

/// Prints one JSON object per line with its keys in the given order (JSONSerialization sorts
/// or scrambles them; the documented schemas list keys in a reading order).
enum JSONLine {
    enum Value {
        case string(String)
        case number(Double)
        case object([(String, Value)])
    }

    static func print(_ fields: [(String, Value)]) {
        Swift.print(encode(.object(fields)))
    }

    static func encode(_ value: Value) -> String {
        switch value {
        case .string(let s):
            let data = try! JSONSerialization.data(withJSONObject: s, options: [.fragmentsAllowed, .withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self)
        case .number(let x):
            return x.isFinite ? "\(x)" : "null"
        case .object(let fields):
            return "{" + fields.map { "\(encode(.string($0.0))): \(encode($0.1))" }.joined(separator: ", ") + "}"
        }
    }
}
