import Foundation
import MesoMedia
import MesoscopeKit
import MesoTestSupport
import Testing

/// ``CropScoring`` streams files through the network in batches: every path gets its own score or
/// error, in order, whatever the batch boundaries and wherever the bad files fall.
@Suite struct CropScoringTests {
    @Test(arguments: [1, 2, 3, 32])
    func everyPathGetsItsOwnResultInOrder(batchSize: Int) throws {
        let detector = try Detector(architecture: .meso4, weightsPath: Golden.weightsPath("Meso4_DF"))
        let golden = try Golden.load().results.filter { $0.weights == "Meso4_DF" }
        let good = SharedData.testImages.map { SharedData.path("mesonet/test_images/\($0)") }
        let goldenByPath = try Dictionary(uniqueKeysWithValues: zip(good, SharedData.testImages).map { path, image in
            (path, try #require(golden.first { $0.image == image }).score)
        })
        let missing = "/nonexistent/face.jpg"
        let paths = [good[0], missing, good[1], good[2], missing, good[3], good[0]]
        var delivered: [(String, Result<FaceScore, any Error>)] = []
        CropScoring.score(paths, with: detector, batchSize: batchSize) { delivered.append(($0, $1)) }
        try #require(delivered.count == paths.count)
        for ((path, result), expected) in zip(delivered, paths) {
            #expect(path == expected)
            switch result {
            case .success(let score):
                let keras = try #require(goldenByPath[path])
                #expect(abs(score.pReal - keras) <= 1e-5, "\(path) at batch size \(batchSize)")
            case .failure(let error):
                let error = try #require(error as? MediaError)
                #expect(path == missing && error.path == missing && error.code == .fileNotFound)
            }
        }
    }

    @Test func noPathsDeliverNothing() throws {
        let detector = try Detector(architecture: .meso4, weightsPath: Golden.weightsPath("Meso4_DF"))
        var count = 0
        CropScoring.score([], with: detector) { _, _ in count += 1 }
        #expect(count == 0)
    }
}
