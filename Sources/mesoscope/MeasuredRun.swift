import Foundation

#if os(Linux)
import Glibc
#else
import Darwin
#endif

/// A run of this `mesoscope` binary as a child process, timed and with its own peak memory.
///
/// `bench` measures `predict` and `detect` this way so that their peak RSS is theirs alone: in
/// the bench process it would include the batch-256 forward passes measured before. `wait4`
/// hands back the child's resource usage as it ends, and the wall time covers the whole run as
/// a user sees it: start-up, loading the weights, and every input. Linux counts the parent's
/// memory at the spawn in the child's peak too, so measure while the parent is small.
struct MeasuredRun {
    let seconds: Double
    let peakRSSMegabytes: Double
    /// What the child wrote to stderr (its stdout is discarded).
    let stderr: String

    /// Runs `mesoscope arguments…`; an error when it cannot start or exits other than 0.
    static func mesoscope(_ arguments: [String]) throws -> MeasuredRun {
        guard let executable = Bundle.main.executablePath else { throw BenchError("cannot locate the mesoscope binary") }
        let errorFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("mesoscope-bench-\(getpid())-\(UUID().uuidString).stderr").path
        defer { unlink(errorFile) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errorFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }

        let start = DispatchTime.now().uptimeNanoseconds
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv + [nil], environ)
        guard spawned == 0 else { throw BenchError("cannot start \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchError("waiting for \(executable): \(String(cString: strerror(errno)))") }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let stderr = (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? ""
        // A normal exit has the low 7 bits 0 and the code in the next 8 (WIFEXITED, WEXITSTATUS).
        guard status & 0x7F == 0, (status >> 8) & 0xFF == 0 else {
            let command = (["mesoscope"] + arguments).joined(separator: " ")
            throw BenchError("`\(command)` failed (wait status \(status)): \(stderr.suffix(2000))")
        }
        return MeasuredRun(seconds: seconds, peakRSSMegabytes: megabytes(maxRSS: usage.ru_maxrss), stderr: stderr)
    }

    /// `ru_maxrss` in megabytes: the kernel reports kilobytes on Linux and bytes on macOS.
    static func megabytes(maxRSS: Int) -> Double {
        #if os(Linux)
        Double(maxRSS) / 1024
        #else
        Double(maxRSS) / 1_048_576
        #endif
    }
}

/// A benchmark that could not run: its input is missing or a measured command failed.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
