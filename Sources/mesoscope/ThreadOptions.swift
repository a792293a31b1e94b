import ArgumentParser
import MesoEngine

/// `--threads`, shared by every command that runs the network.
///
/// The engine's kernels are the process's only thread pool (``Parallelism``), so this one number
/// caps the cores a run uses. Commands with `--jobs` run their inputs as the pool's chunks: J jobs
/// take min(J, N) of the N threads, and each job's network then runs on its own job's thread, so
/// the two options never multiply into J × N threads.
struct ThreadOptions: ParsableArguments {
    @Option(help: "Threads the run may use, for the network and the work around it (default: every core). Where --jobs J is given, the J inputs share these N threads, min(J, N) at once, each input's network on its own thread: never J × N.")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// Sets the engine's thread count; call it first in `run()`, before any model runs.
    func apply() {
        if let threads { Parallelism.threads = threads }
    }
}
