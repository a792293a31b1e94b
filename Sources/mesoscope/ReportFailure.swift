import Foundation
import MesoData

/// Prints one JSON object on its own line, keys in the order given (`--json` output).
func printJSON(_ fields: [(String, JSONValue)]) {
    print(JSONValue.object(fields).serialized())
}

/// How every command reports an input it could not process: `{"path", "error"}` on stdout in
/// JSON mode, so the output keeps one object per input, else `error: <path>: <problem>` on stderr.
func reportFailure(path: String, error: any Error, json: Bool) {
    if json {
        printJSON([("path", .string(path)), ("error", .string(String(describing: error)))])
    } else {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    }
}
