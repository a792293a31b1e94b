import Foundation
import MesoEngine

/// Runs one job per input on a few threads, and hands the results over in input order.
///
/// Face finding is single-threaded inside dlib, so a batch of videos keeps both cores busy only
/// by working on two inputs at once. Each worker owns its state (a pipeline with its own
/// detector). The workers run as the engine's parallel chunks, so the network inside each
/// stays on its worker's thread instead of oversubscribing the cores. `deliver` runs under a
/// lock, one result at a time, in input order, as soon as all earlier inputs are done, so the
/// output streams and its order does not depend on timing.
enum OrderedWork {
    static func run<Worker, Output>(_ inputs: [String], workers: [Worker],
                                    work: (Worker, String) throws -> Output,
                                    deliver: (String, Result<Output, any Error>) -> Void) {
        let lock = NSLock()
        var next = 0
        var nextToDeliver = 0
        var finished: [Int: Result<Output, any Error>] = [:]
        let count = min(workers.count, inputs.count)
        Parallelism.forEachChunk(count) { chunk in
            for worker in chunk {
                while true {
                    let index = lock.withLock {
                        defer { next += 1 }
                        return next
                    }
                    guard index < inputs.count else { break }
                    let result = Result { try work(workers[worker], inputs[index]) }
                    lock.withLock {
                        finished[index] = result
                        while let ready = finished.removeValue(forKey: nextToDeliver) {
                            deliver(inputs[nextToDeliver], ready)
                            nextToDeliver += 1
                        }
                    }
                }
            }
        }
    }
}
