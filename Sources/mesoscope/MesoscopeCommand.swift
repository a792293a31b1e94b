import ArgumentParser
import Foundation

/// The `mesoscope` command line.
///
/// Exit codes: 0 when every input was processed, 1 when some inputs failed, 2 on a usage or
/// weights error (ArgumentParser's own default for usage errors is 64; scripts expect 2).
@main
struct MesoscopeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mesoscope",
        abstract: "Deepfake detection with MesoNet (Meso-4, MesoInception-4) on a plain CPU.",
        discussion: "Scores are p_fake: 1 means fake. See README.md.",
        subcommands: [Detect.self, Predict.self, Explain.self, ExtractFaces.self, Prepare.self, Train.self, Evaluate.self, Experiment.self,
                      Bench.self, Serve.self]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            if error is UsageError || code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// An error that ends the run with exit code 2 and a one-line message: bad weights, bad arguments.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
