import Dispatch
import MesoEngine
import MesoModels

/// Throughput measurements that `mesoscope bench` prints. Timing lives here, never in tests.
public enum Benchmark {
    /// Forward images per second of `architecture` at `batch`: one warm-up pass, then passes until
    /// `seconds` have elapsed; the best of `rounds` rounds. Weights do not change the work, so
    /// the model keeps its initial weights and needs no file.
    public static func forwardImagesPerSecond(_ architecture: Architecture, batch: Int,
                                              seconds: Double = 1.0, rounds: Int = 3) -> Double {
        let model = architecture.build()
        var generator = SplitMix64(seed: 42)
        let count = batch * MesoNet.inputSide * MesoNet.inputSide * 3
        let input = Tensor(shape: [batch, MesoNet.inputSide, MesoNet.inputSide, 3],
                           scalars: (0..<count).map { _ in Float(generator.next() >> 40) / Float(1 << 24) })
        _ = model.forward(input)
        var best = 0.0
        for _ in 0..<rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            var images = 0
            var elapsed = 0.0
            repeat {
                _ = model.forward(input)
                images += batch
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            } while elapsed < seconds
            best = max(best, Double(images) / elapsed)
        }
        return best
    }
}

/// A small deterministic generator for benchmark inputs.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
