import Foundation
import MesoModels

/// Resolves `--weights NAME|PATH`.
///
/// A NAME is one of the authors' four file stems, looked up in `$MESOSCOPE_WEIGHTS` when set,
/// else in `weights/` under the current directory (where `scripts/fetch-weights` puts them).
/// Anything else is a path to a file.
public enum WeightsLocator {
    public static let names = ["Meso4_DF", "Meso4_F2F", "MesoInception_DF", "MesoInception_F2F"]

    /// The default weights of each architecture.
    public static func defaultName(for architecture: Architecture) -> String {
        architecture == .meso4 ? "Meso4_DF" : "MesoInception_DF"
    }

    public static func resolve(_ nameOrPath: String,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        guard names.contains(nameOrPath) else { return nameOrPath }
        let folder = environment["MESOSCOPE_WEIGHTS"].flatMap { $0.isEmpty ? nil : $0 } ?? "weights"
        return URL(fileURLWithPath: folder).appendingPathComponent("\(nameOrPath).h5").path
    }
}
