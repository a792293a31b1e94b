/// A JSON value whose objects keep their key order, because the documented schemas (manifest
/// lines, `detect --json`, reports) list their keys in a reading order and files get diffed;
/// `JSONEncoder` sorts or scrambles keys. The one JSON writer of the project.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case integer(Int)
    /// Written as Swift's shortest round-tripping form (`0.1`, `1.0`, `1e-07`); NaN and
    /// infinities, which JSON cannot express, become null.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// `nil` becomes null.
    public static func number(orNull x: Double?) -> JSONValue { x.map { .number($0) } ?? .null }

    /// `nil` becomes null.
    public static func string(orNull s: String?) -> JSONValue { s.map { .string($0) } ?? .null }

    /// Compact on one line, or `pretty` with two-space indentation.
    public func serialized(pretty: Bool = false) -> String {
        var out = ""
        write(to: &out, pretty: pretty, indent: "")
        return out
    }

    private func write(to out: inout String, pretty: Bool, indent: String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let n): out += String(n)
        case .number(let x): out += x.isFinite ? "\(x)" : "null"
        case .string(let s): out += Self.quoted(s)
        case .array(let elements):
            out += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { out += pretty ? ", " : "," }
                element.write(to: &out, pretty: pretty, indent: indent)
            }
            out += "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            let inner = indent + "  "
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += "," }
                if pretty { out += "\n" + inner }
                out += Self.quoted(member.0) + (pretty ? ": " : ":")
                member.1.write(to: &out, pretty: pretty, indent: inner)
            }
            out += pretty ? "\n\(indent)}" : "}"
        }
    }

    /// A JSON string literal: quote, backslash and control characters escaped.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
