import Foundation

/// Prints one JSON object per line with its keys in the given order (JSONSerialization sorts
/// or scrambles them; the documented schemas list keys in a reading order).
enum JSONLine {
    enum Value {
        case string(String)
        case number(Double)
        case int(Int)
        case bool(Bool)
        case null
        case array([Value])
        case object([(String, Value)])

        /// A number, or null when absent.
        static func number(_ x: Double?) -> Value { x.map(Value.number) ?? .null }
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
        case .int(let n):
            return "\(n)"
        case .bool(let b):
            return "\(b)"
        case .null:
            return "null"
        case .array(let values):
            return "[" + values.map(encode).joined(separator: ", ") + "]"
        case .object(let fields):
            return "{" + fields.map { "\(encode(.string($0.0))): \(encode($0.1))" }.joined(separator: ", ") + "}"
        }
    }
}

/// How every command reports an input it could not process: `{"path", "error"}` on stdout in
/// JSON mode, so the output keeps one object per input, else `error: <path>: <problem>` on stderr.
func reportFailure(path: String, error: any Error, json: Bool) {
    if json {
        JSONLine.print([("path", .string(path)), ("error", .string(String(describing: error)))])
    } else {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    }
}
