import Foundation
import MesoEngine
import MesoMedia
import MesoModelFiles
import MesoModels
import MesoscopeKit
import MesoTestSupport
import Testing

/// The whole path a user takes: JPEG file → own decoder → Keras resize and scale → network → p_fake.
@Suite struct DetectorTests {
    static func detector(_ stem: String) throws -> Detector {
        try Detector(architecture: stem.hasPrefix("MesoInception") ? .mesoInception4 : .meso4,
                     weightsPath: Golden.weightsPath(stem))
    }

    @Test(arguments: Golden.weightStems)
    func jpegFilesScoreAsKeras(stem: String) throws {
        let golden = try Golden.load().results.filter { $0.weights == stem }
        try #require(golden.count == 4)
        let detector = try Self.detector(stem)
        let images = try golden.map { try ImageDecoder.decode(contentsOf: SharedData.path("mesonet/test_images/\($0.image)")) }
        for (result, score) in zip(golden, try detector.score(images)) {
            #expect(abs(score.pReal - result.score) <= 1e-5, "\(stem) \(result.image): \(score.pReal) vs \(result.score)")
            #expect(abs(score.pFake - (1 - result.score)) <= 1e-5)
        }
    }

    @Test func singleImageEqualsBatch() throws {
        let detector = try Self.detector("Meso4_DF")
        let images = try SharedData.testImages.map { try ImageDecoder.decode(contentsOf: SharedData.path("mesonet/test_images/\($0)")) }
        #expect(try images.map { try detector.score($0) } == detector.score(images))
        #expect(try detector.score([]) == [])
    }

    @Test func demoVerdictsWithMeso4DF() throws {
        let detector = try Self.detector("Meso4_DF")
        for image in SharedData.testImages {
            let score = try detector.score(try ImageDecoder.decode(contentsOf: SharedData.path("mesonet/test_images/\(image)")))
            #expect(score.verdict() == (image.hasPrefix("df/") ? .fake : .real), "\(image): p_fake \(score.pFake)")
        }
    }

    @Test func onePixelImageIsScored() throws {
        let detector = try Self.detector("Meso4_DF")
        let score = try detector.score(RGBImage(width: 1, height: 1, pixels: [200, 120, 90]))
        #expect(score.pReal.isFinite && (0...1).contains(score.pReal))
    }
}

@Suite struct FaceScoreTests {
    @Test func pFakeIsOneMinusPReal() {
        let score = FaceScore(pReal: 0.25)
        #expect(score.pFake == 0.75)
        #expect(score.verdict() == .fake)
        #expect(score.verdict(threshold: 0.8) == .real)
        #expect(FaceScore(pReal: 0.5).verdict() == .real, "p_fake must exceed the threshold to be fake")
    }
}

@Suite struct WeightsLocatorTests {
    @Test func namesResolveInTheConfiguredFolder() {
        #expect(WeightsLocator.resolve("Meso4_F2F", environment: ["MESOSCOPE_WEIGHTS": "/opt/w"]) == "/opt/w/Meso4_F2F.h5")
        #expect(WeightsLocator.resolve("Meso4_F2F", environment: [:]).hasSuffix("weights/Meso4_F2F.h5"))
        #expect(WeightsLocator.resolve("my/own.h5", environment: ["MESOSCOPE_WEIGHTS": "/opt/w"]) == "my/own.h5")
        #expect(WeightsLocator.defaultName(for: .mesoInception4) == "MesoInception_DF")
    }
}

@Suite struct DetectorNormalizationTests {
    /// Weights trained with --featurewise come with normalization.json; the detector applies it,
    /// and refuses a broken one instead of scoring without it.
    @Test func statisticsBesideTheWeightsAreAppliedAndABrokenFileIsAnError() throws {
        let folder = try SharedData.scratchDirectory("normalization")
        let weights = folder.appendingPathComponent("Meso4_DF.h5")
        try FileManager.default.copyItem(at: SharedData.url("mesonet/weights/Meso4_DF.h5"), to: weights)
        let face = try ImageDecoder.decode(contentsOf: SharedData.path("mesonet/test_images/df/df00204.jpg"))
        let plain = try Detector(architecture: .meso4, weightsPath: weights.path).score(face).pReal
        let statistics = folder.appendingPathComponent("normalization.json")
        try Data(#"{"mean":[0.5,0.4,0.3],"std":[0.3,0.25,0.25]}"#.utf8).write(to: statistics)
        let detector = try Detector(architecture: .meso4, weightsPath: weights.path)
        #expect(detector.normalization?.mean == [0.5, 0.4, 0.3])
        let input = detector.input(for: [face])
        let raw = Float(face.resizedNearest(width: 256, height: 256).pixels[0]) * Float(1.0 / 255.0)
        #expect(abs(input.scalars[0] - (raw - 0.5) / (0.3 + 1e-6)) < 1e-6)
        #expect(try detector.score(face).pReal != plain)
        try Data("{not json".utf8).write(to: statistics)
        #expect(throws: ModelFileError.self) { try Detector(architecture: .meso4, weightsPath: weights.path) }
    }
}

@Suite struct NonFiniteScoreTests {
    /// Finite weights that overflow inside the network give a NaN output: the first dense
    /// layer's units 0 and 1 sum the features times +3e38 and −3e38 (+∞ and −∞), the second adds
    /// them (∞ − ∞). It is an error naming the weights, never a score whose verdict reads "real".
    @Test func overflowingWeightsGiveAnErrorNotAVerdict() throws {
        let model = MesoNet.meso4()
        try KerasWeights.load(Golden.weightsPath("Meso4_DF"), into: model, architecture: .meso4)
        let (first, second) = (model.layers(ofKind: "dense")[0], model.layers(ofKind: "dense")[1])
        let units = first.weights[1].count
        let kernel = (0..<first.weights[0].count).map { i -> Float in i % units == 0 ? 3e38 : i % units == 1 ? -3e38 : 0 }
        first.setWeights([Tensor(shape: first.weights[0].shape, scalars: kernel), Tensor(zeros: [units])])
        second.setWeights([Tensor(repeating: 3e38, shape: second.weights[0].shape), second.weights[1]])
        let path = try SharedData.scratchDirectory("overflow").appendingPathComponent("overflow.h5").path
        try KerasWeights.save(model, to: path)
        let detector = try Detector(architecture: .meso4, weightsPath: path)
        let face = try ImageDecoder.decode(contentsOf: SharedData.path("mesonet/test_images/df/df00204.jpg"))
        #expect(throws: ScoringError(weightsPath: path)) { try detector.score(face) }
        #expect(throws: ScoringError(weightsPath: path)) { try detector.explain(face) }
    }
}
