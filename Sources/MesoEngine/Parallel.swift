import Dispatch

#if os(Linux)
import Glibc
#else
import Darwin
#endif

/// How many threads the engine's kernels may use.
///
/// Kernels split their work into at most this many contiguous chunks and run them with
/// `DispatchQueue.concurrentPerform`. The engine uses no other thread pool (no OpenMP, no BLAS
/// threads), and a chunk that itself asks for parallel work runs it serially, so nothing
/// oversubscribes the cores.
public enum Parallelism {
    nonisolated(unsafe) private static var configured: Int = 0

    /// Defaults to every active core. Set it once, before running models (the CLI's `--threads`).
    public static var threads: Int {
        get { configured > 0 ? configured : defaultThreads }
        set { configured = max(1, newValue) }
    }

    private static let defaultThreads: Int = {
        #if os(Linux)
        let count = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        let count = Int(sysconf(_SC_NPROCESSORS_ONLN))
        #endif
        return max(1, count)
    }()

    /// Marks threads that are running a chunk, so nested calls stay on their thread.
    private static let insideChunk: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Runs `body` over `0..<count` split into contiguous chunks, one per thread.
    ///
    /// Work below `minimumPerThread` items per thread runs on the calling thread: waking a
    /// second core costs more than small layers save.
    public static func forEachChunk(_ count: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        let nested = pthread_getspecific(insideChunk) != nil
        let chunks = nested ? 1 : min(threads, max(1, count / max(1, minimumPerThread)))
        if chunks <= 1 {
            body(0..<count)
            return
        }
        // The chunks are disjoint, so the body may run concurrently with itself; callers
        // write only to the rows of their own range.
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let lower = count * chunk / chunks
                let upper = count * (chunk + 1) / chunks
                pthread_setspecific(insideChunk, UnsafeRawPointer(bitPattern: 1))
                if lower < upper { body(lower..<upper) }
                pthread_setspecific(insideChunk, nil)
            }
        }
    }
}
