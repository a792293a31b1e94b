import ArgumentParser
import MesoModels
import MesoscopeKit

extension Architecture: ExpressibleByArgument {}

/// The network and weights options shared by the commands that score faces.
struct ModelOptions: ParsableArguments {
    @Option(help: "The network.")
    var model: Architecture = .meso4

    @Option(help: "Weights: Meso4_DF, Meso4_F2F, MesoInception_DF, MesoInception_F2F (looked up in $MESOSCOPE_WEIGHTS, else ./weights) or a .h5 path. Default: the model's _DF weights.")
    var weights: String?

    @Option(help: "Verdict is fake when p_fake is above this.")
    var threshold: Double = 0.5

    /// The weights as named on the command line, or the default for the model.
    var weightsName: String { weights ?? WeightsLocator.defaultName(for: model) }

    func validate() throws {
        guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 1") }
    }

    /// The detector, or a usage error (exit code 2) saying how to get the weights.
    func loadDetector() throws -> Detector {
        do {
            return try Detector(architecture: model, weightsPath: WeightsLocator.resolve(weightsName))
        } catch where error.code == .notFound && WeightsLocator.names.contains(weightsName) {
            throw UsageError("weights \(weightsName) not found at \(error.path): run scripts/fetch-weights, or set MESOSCOPE_WEIGHTS to the folder holding the .h5 files")
        } catch {
            throw UsageError("weights: \(error)")
        }
    }
}
