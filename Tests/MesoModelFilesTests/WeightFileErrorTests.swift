import CHDF5
import Foundation
import MesoEngine
import MesoModelFiles
import MesoModels
import MesoTestSupport
import Testing

/// The loader refuses every broken or mismatched file with a message that names the file.
@Suite struct WeightFileErrorTests {
    func load(_ path: String, as architecture: Architecture = .meso4) -> ModelFileError? {
        do {
            try KerasWeights.load(path, into: architecture.build(), architecture: architecture)
            return nil
        } catch {
            return error
        }
    }

    func expectError(_ path: String, _ code: ModelFileError.Code, as architecture: Architecture = .meso4,
                     containing text: String? = nil) {
        let error = load(path, as: architecture)
        #expect(error?.code == code, "\(path): \(String(describing: error))")
        #expect(error?.description.hasPrefix(path) == true)
        if let text { #expect(error?.message.contains(text) == true, "\(String(describing: error))") }
    }

    @Test func missingFile() throws {
        expectError(try SharedData.scratchDirectory().appendingPathComponent("none.h5").path, .notFound)
    }

    @Test func emptyFile() throws {
        let path = try SharedData.scratchDirectory().appendingPathComponent("empty.h5").path
        FileManager.default.createFile(atPath: path, contents: Data())
        expectError(path, .empty)
    }

    @Test func notHDF5() {
        expectError(SharedData.path("mesonet/test_images/df/df00204.jpg"), .notHDF5)
    }

    @Test(arguments: [0.5, 0.9])
    func truncatedFile(keeping fraction: Double) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Golden.weightsPath("Meso4_DF")))
        let path = try SharedData.scratchDirectory().appendingPathComponent("cut.h5").path
        FileManager.default.createFile(atPath: path, contents: bytes.prefix(Int(Double(bytes.count) * fraction)))
        expectError(path, .truncated)
    }

    @Test func otherArchitecture() {
        expectError(Golden.weightsPath("MesoInception_DF"), .wrongArchitecture, as: .meso4,
                    containing: "MesoInception weights given for Meso4")
        expectError(Golden.weightsPath("Meso4_F2F"), .wrongArchitecture, as: .mesoInception4,
                    containing: "Meso4 weights given for MesoInception")
    }

    @Test func missingLayer() throws {
        let model = try loadedModel("Meso4_DF")
        let path = try SharedData.scratchDirectory().appendingPathComponent("no-dense.h5").path
        try KerasWeights.save(model, to: path, including: { $0.name != "dense_2" })
        expectError(path, .missingLayer, containing: "dense")
    }

    @Test func shapeMismatch() throws {
        // A Meso4 whose first Dense layer is too narrow: same layer names, wrong kernel shape.
        let model = Model(name: "Bad", inputShape: [256, 256, 3])
        let reference = MesoNet.meso4()
        for layer in reference.layers {
            model.add(layer.name == "dense_1" ? Dense(name: "dense_1", inputUnits: 1024, units: 8) : layer)
        }
        let path = try SharedData.scratchDirectory().appendingPathComponent("narrow.h5").path
        try KerasWeights.save(model, to: path)
        expectError(path, .shapeMismatch, containing: "[1024, 8]")
    }

    /// A 156 KB file whose `dense_1` kernel declares 2⁴⁰×16 floats it never wrote: refused from
    /// the declared shape, before a 70 TB buffer is asked for.
    @Test func hugeDeclaredDatasetIsRefusedBeforeReading() throws {
        let path = try SharedData.scratchDirectory().appendingPathComponent("huge.h5").path
        try KerasWeights.save(try loadedModel("Meso4_DF"), to: path)
        let file = H5Fopen(path, chdf5_acc_rdwr(), chdf5_default())
        try #require(file >= 0)
        let kernel = "/dense_1/dense_1/kernel:0"
        #expect(H5Ldelete(file, kernel, chdf5_default()) >= 0)
        var dims: [hsize_t] = [1 << 40, 16]
        let space = H5Screate_simple(2, &dims, nil)
        let dataset = H5Dcreate2(file, kernel, chdf5_ieee_f32le(), space, chdf5_default(), chdf5_default(), chdf5_default())
        #expect(dataset >= 0)
        H5Dclose(dataset)
        H5Sclose(space)
        H5Fclose(file)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        #expect(size < 1 << 20)
        expectError(path, .shapeMismatch, containing: "[1099511627776, 16]")
    }

    /// NaN or infinite weights would make every score NaN: the load refuses them, naming the layer.
    @Test func nonFiniteWeightsAreRefused() throws {
        let model = try loadedModel("Meso4_DF")
        let conv = model.layers(ofKind: "conv2d")[1]
        var kernel = conv.weights[0]
        kernel.scalars[5] = .nan
        conv.setWeights([kernel, conv.weights[1]])
        let path = try SharedData.scratchDirectory().appendingPathComponent("nan.h5").path
        try KerasWeights.save(model, to: path)
        expectError(path, .nonFinite, containing: "\(conv.name): kernel")
    }

    /// A FIFO would block libhdf5's open(2) forever, and a folder is no weights file.
    @Test(.timeLimit(.minutes(1))) func notARegularFile() throws {
        let folder = try SharedData.scratchDirectory()
        let fifo = folder.appendingPathComponent("weights.h5").path
        #expect(mkfifo(fifo, 0o600) == 0)
        expectError(fifo, .notRegularFile)
        expectError(folder.path, .notRegularFile)
    }

    @Test func failedLoadLeavesModelUnchanged() throws {
        let model = try loadedModel("Meso4_DF")
        let before = model.layers.map(\.weights)
        #expect(throws: ModelFileError.self) {
            try KerasWeights.load(Golden.weightsPath("MesoInception_DF"), into: model, architecture: .meso4)
        }
        #expect(model.layers.map(\.weights) == before)
    }
}

@Suite struct WeightRoundTripTests {
    @Test(arguments: Golden.weightStems)
    func saveThenLoadIsExact(stem: String) throws {
        let original = try loadedModel(stem)
        let architecture: Architecture = stem.hasPrefix("MesoInception") ? .mesoInception4 : .meso4
        let path = try SharedData.scratchDirectory().appendingPathComponent("\(stem).h5").path
        try KerasWeights.save(original, to: path)
        let copy = architecture.build()
        try KerasWeights.load(path, into: copy, architecture: architecture)
        #expect(copy.layers.map(\.weights) == original.layers.map(\.weights))
        #expect(copy.parameterCount == original.parameterCount)
    }

    /// Keras' legacy loader matches weighted layers by position, so a saved file must list them
    /// as Keras does. Layer numbers follow creation order in both files, so each weighted layer
    /// is named by its family and its rank within the family: the sequences must be equal.
    @Test(arguments: ["Meso4_DF", "MesoInception_DF"])
    func savedLayerOrderIsKeras(stem: String) throws {
        func weightedRanks(_ names: [String]) -> [String] {
            let weighted = names.filter { ["conv2d", "batch_normalization", "dense"].contains($0.split(separator: "_").dropLast().joined(separator: "_")) }
            return weighted.map { name in
                let kind = name.split(separator: "_").dropLast().joined(separator: "_")
                let numbers = weighted.filter { $0.split(separator: "_").dropLast().joined(separator: "_") == kind }
                    .map { Int($0.split(separator: "_").last!)! }.sorted()
                return "\(kind)#\(numbers.firstIndex(of: Int(name.split(separator: "_").last!)!)!)"
            }
        }
        let path = try SharedData.scratchDirectory().appendingPathComponent("\(stem).h5").path
        try KerasWeights.save(try loadedModel(stem), to: path)
        let authors = weightedRanks(try KerasWeights.layerNames(in: Golden.weightsPath(stem)))
        #expect(authors.count == (stem.hasPrefix("Meso4") ? 10 : 22))
        #expect(weightedRanks(try KerasWeights.layerNames(in: path)) == authors)
    }
}
