import Foundation
import MesoEngine
import MesoTestSupport
@testable import MesoTraining
import Testing

/// The checkpoint file: it round-trips every field, survives a killed writer, and refuses
/// broken files with a typed error naming the path.
@Suite struct CheckpointFileTests {
    /// A checkpoint of a model trained for one epoch (so the optimizer has state) with `kind`.
    func trainedCheckpoint(_ kind: Fixtures.OptimizerKind = .adam, seed: UInt64 = 2) throws -> Checkpoint {
        let model = Fixtures.smallModel(), optimizer = kind.make()
        let state = CheckpointGrabber()
        _ = try fit(model: model, optimizer: optimizer, loss: .binaryCrossentropy, data: Fixtures.batches(),
                    epochs: 1, seed: seed, callbacks: [state])
        return try #require(state.checkpoint)
    }

    func leftovers(beside path: String) throws -> [String] {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".tmp-") }
    }

    @Test(arguments: Fixtures.OptimizerKind.allCases)
    func roundTripsEveryField(_ kind: Fixtures.OptimizerKind) throws {
        var checkpoint = try trainedCheckpoint(kind)
        checkpoint.history.epochs[0].validationLoss = .infinity   // non-finite metrics survive too
        let path = try Fixtures.scratchPath("a.ckpt")
        try checkpoint.save(to: path)
        let loaded = try Checkpoint.load(from: path)
        #expect(loaded == checkpoint)
        // Equality of floats is not bitwise; the weights must be.
        #expect(loaded.layers.map { $0.tensors.map { $0.scalars.map(\.bitPattern) } }
                == checkpoint.layers.map { $0.tensors.map { $0.scalars.map(\.bitPattern) } })
        #expect(loaded.layers.map(\.layer) == ["conv2d_1", "batch_normalization_1", "dense_1"])
        #expect(loaded.layers[1].names == ["gamma", "beta", "moving_mean", "moving_variance"])
        #expect(loaded.dropoutGenerators.map(\.layer) == ["dropout_1"])
        switch loaded.optimizer {
        case .adam(let s): #expect(s.iterations == 4 && s.m.count == 6 && s.m[0].count == 3 * 3 * 3 * 4)
        case .sgd(let s): #expect(s.iterations == 4 && s.velocity.count == 6 && s.momentum == 0.9)
        }
        // Saving is deterministic: the same checkpoint gives the same bytes.
        let again = try Fixtures.scratchPath("b.ckpt")
        try loaded.save(to: again)
        #expect(FileManager.default.contents(atPath: again) == FileManager.default.contents(atPath: path))
    }

    /// A writer killed before its rename leaves the previous checkpoint in place; after the
    /// rename, the new one. Its temporary file stays behind (nothing runs after a kill) and the
    /// next save to the path removes it.
    @Test(arguments: CheckpointFile.WriteStage.allCases)
    func aKilledWriteLeavesAWholeCheckpoint(_ stage: CheckpointFile.WriteStage) throws {
        let a = try trainedCheckpoint(seed: 2), b = try trainedCheckpoint(seed: 3)
        #expect(a != b)
        let path = try Fixtures.scratchPath("run.ckpt")
        try a.save(to: path)
        let size = try #require(FileManager.default.contents(atPath: path)).count

        let error = #expect(throws: CheckpointError.self) {
            try b.save(to: path, faultInjection: { $0 == stage })
        }
        #expect(error?.code == .writeFailed && error?.path == path)
        let survivor = try Checkpoint.load(from: path)
        #expect(survivor == (stage == .renamed ? b : a))

        if stage != .renamed {
            let temporaries = try leftovers(beside: path)
            #expect(temporaries.count == 1 && temporaries[0].hasPrefix(".run.ckpt.tmp-"), "\(temporaries)")
            if stage == .partiallyWritten, let name = temporaries.first {
                let partial = try #require(FileManager.default.contents(atPath: URL(fileURLWithPath: path)
                    .deletingLastPathComponent().appendingPathComponent(name).path))
                #expect(partial.count == size / 2, "the temporary file holds \(partial.count) of \(size) bytes")
            }
        }
        try b.save(to: path)
        #expect(try leftovers(beside: path).isEmpty)
        #expect(try Checkpoint.load(from: path) == b)
    }

    /// A real error (here: the target is a directory, so the rename fails) removes the
    /// temporary file at once.
    @Test func aFailedWriteCleansUpAfterItself() throws {
        let checkpoint = try trainedCheckpoint()
        let path = try Fixtures.scratchPath("taken")
        try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)
        let error = #expect(throws: CheckpointError.self) { try checkpoint.save(to: path) }
        #expect(error?.code == .writeFailed && error?.path == path, "\(String(describing: error))")
        #expect(try leftovers(beside: path).isEmpty)

        let nowhere = try Fixtures.scratchPath("missing/dir/run.ckpt")
        let missing = #expect(throws: CheckpointError.self) { try checkpoint.save(to: nowhere) }
        #expect(missing?.code == .writeFailed && missing?.description.hasPrefix(nowhere) == true)
    }

    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case empty, cutInsidePreamble, cutInHalf, lastByteMissing, foreignHDF5, foreignText
        case flippedPayloadByte, flippedHeaderByte, futureVersion, trailingByte, inconsistentHeader
        var testDescription: String { rawValue }

        var code: CheckpointError.Code {
            switch self {
            case .empty: .empty
            case .cutInsidePreamble, .cutInHalf, .lastByteMissing: .truncated
            case .foreignHDF5, .foreignText: .notACheckpoint
            case .flippedPayloadByte, .flippedHeaderByte: .corrupt
            case .futureVersion: .unsupportedVersion
            case .trailingByte, .inconsistentHeader: .malformed
            }
        }

        func apply(_ good: [UInt8]) throws -> [UInt8] {
            var bytes = good
            switch self {
            case .empty: return []
            case .cutInsidePreamble: return Array(good.prefix(13))
            case .cutInHalf: return Array(good.prefix(good.count / 2))
            case .lastByteMissing: return Array(good.dropLast())
            case .foreignHDF5: return Array(try Data(contentsOf: URL(fileURLWithPath: Golden.weightsPath("Meso4_DF"))))
            case .foreignText: return Array("epoch=2\nweights=...\n".utf8)
            case .flippedPayloadByte: bytes[good.count - 20] ^= 0x01
            case .flippedHeaderByte: bytes[30] ^= 0x20
            case .futureVersion: bytes[8] = 2
            case .trailingByte: bytes.append(0)
            case .inconsistentHeader:
                // A well-formed, checksummed file whose header describes one value fewer than
                // its payload holds (conv2d_1's bias as [3] instead of [4]).
                let headerSize = Int(CheckpointFile.integer(good, at: 12) as UInt32)
                let json = Data(good[24..<(24 + headerSize)])
                var header = try CheckpointFile.jsonDecoder.decode(CheckpointFile.Header.self, from: json)
                header.layers[0].weights[1].shape = [3]
                let newJSON = Array(try CheckpointFile.jsonEncoder.encode(header))
                var rebuilt = Array(good[0..<12])
                CheckpointFile.append(UInt32(newJSON.count), to: &rebuilt)
                rebuilt += good[16..<24] + newJSON + good[(24 + headerSize)..<(good.count - 8)]
                CheckpointFile.append(CheckpointFile.fnv1a(rebuilt[...]), to: &rebuilt)
                return rebuilt
            }
            return bytes
        }
    }

    @Test(arguments: Damage.allCases)
    func brokenFilesAreRefusedNamingThePath(_ damage: Damage) throws {
        let good = CheckpointFile.encode(try trainedCheckpoint())
        #expect(try CheckpointFile.decode(good, path: "good") == trainedCheckpoint())
        let path = try Fixtures.scratchPath("broken.ckpt")
        #expect(FileManager.default.createFile(atPath: path, contents: Data(try damage.apply(good))))
        let error = #expect(throws: CheckpointError.self) { try Checkpoint.load(from: path) }
        #expect(error?.code == damage.code, "\(String(describing: error))")
        #expect(error?.path == path)
        #expect(error?.description.hasPrefix(path + ": ") == true)
    }

    @Test func aMissingFileIsNotFound() throws {
        let path = try Fixtures.scratchPath("none.ckpt")
        let error = #expect(throws: CheckpointError.self) { try Checkpoint.load(from: path) }
        #expect(error?.code == .notFound && error?.path == path)
    }

    @Test func restoreRefusesAnotherModelOrOptimizerAndChangesNothing() throws {
        let checkpoint = try trainedCheckpoint()
        let wider = Fixtures.smallModel(filters: 5)
        let before = Fixtures.weightBits(wider)
        let shapes = #expect(throws: CheckpointError.self) { try checkpoint.restore(into: wider, optimizer: Adam(learningRate: 0.01)) }
        #expect(shapes?.code == .mismatch && shapes?.message.contains("conv2d_1") == true, "\(String(describing: shapes))")
        #expect(Fixtures.weightBits(wider) == before)

        let noBatchNorm = #expect(throws: CheckpointError.self) {
            try checkpoint.restore(into: Fixtures.smallModel(batchNorm: false), optimizer: Adam(learningRate: 0.01))
        }
        #expect(noBatchNorm?.code == .mismatch)

        let same = Fixtures.smallModel(initSeed: 99)
        let sameBefore = Fixtures.weightBits(same)
        let optimizer = #expect(throws: CheckpointError.self) { try checkpoint.restore(into: same, optimizer: SGD()) }
        #expect(optimizer?.code == .mismatch && optimizer?.message.contains("adam") == true)
        #expect(Fixtures.weightBits(same) == sameBefore)
        let betas = #expect(throws: CheckpointError.self) { try checkpoint.restore(into: same, optimizer: Adam(beta1: 0.8)) }
        #expect(betas?.code == .mismatch)

        try checkpoint.restore(into: same, optimizer: Adam(learningRate: 0.5))
        #expect(Fixtures.weightBits(same) != sameBefore)
    }

    @Test func otherOptimizersAreRefusedWhenCapturing() {
        final class Frozen: Optimizer { func step(_ model: Model) {} }
        let error = #expect(throws: CheckpointError.self) { try Checkpoint(model: Fixtures.smallModel(), optimizer: Frozen()) }
        #expect(error?.code == .unsupportedOptimizer)
    }
}

/// Keeps the checkpoint of the last epoch end.
final class CheckpointGrabber: Callback {
    var checkpoint: Checkpoint?
    func onEpochEnd(_ record: EpochRecord, state: TrainingState) throws -> TrainingControl {
        checkpoint = try state.checkpoint()
        return .proceed
    }
}
