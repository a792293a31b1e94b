import Foundation
import MesoEngine
import MesoModelFiles
import MesoModels
import MesoTestSupport
import Testing

/// The network input Keras built: `reference/inputs/<stem>_u8.npy` times float32(1/255).
func referenceInput(_ image: String) throws -> Tensor {
    let npy = try NPYArray(contentsOf: SharedData.url("reference/inputs/\(SharedData.stem(image))_u8.npy"))
    #expect(npy.shape == [256, 256, 3])
    let scale = Float(1.0 / 255.0)
    return Tensor(shape: [1, 256, 256, 3], scalars: npy.uint8.map { Float($0) * scale })
}

func loadedModel(_ stem: String) throws -> Model {
    let architecture: Architecture = stem.hasPrefix("MesoInception") ? .mesoInception4 : .meso4
    let model = architecture.build()
    try KerasWeights.load(Golden.weightsPath(stem), into: model, architecture: architecture)
    return model
}

@Suite struct GoldenScoreTests {
    @Test(arguments: Golden.weightStems)
    func scoresMatchKerasWithin1e5(stem: String) throws {
        let golden = try Golden.load()
        let model = try loadedModel(stem)
        let cases = golden.results.filter { $0.weights == stem }
        try #require(cases.count == 4)
        for result in cases {
            let score = model.forward(try referenceInput(result.image)).scalars[0]
            #expect(abs(Double(score) - result.score) <= 1e-5, "\(stem) \(result.image): \(score) vs Keras \(result.score)")
        }
    }

    @Test func batchOfFourEqualsSingleImages() throws {
        let model = try loadedModel("Meso4_DF")
        let inputs = try SharedData.testImages.map(referenceInput)
        let batch = model.forward(Tensor.concatenatingBatches(inputs)).scalars
        let singles = inputs.map { model.forward($0).scalars[0] }
        #expect(batch == singles)
    }
}
