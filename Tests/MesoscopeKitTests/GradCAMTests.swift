import Dispatch
import Foundation
import MesoEngine
import MesoMedia
import MesoModels
@testable import MesoscopeKit
import MesoTestSupport
import Testing

/// Grad-CAM is real: its gradient is the engine's true derivative of p_fake, and the map it
/// draws depends on the face, is not flat, and stays in 0...1.
@Suite struct GradCAMTests {
    static func detector(_ stem: String) throws -> Detector {
        try Detector(architecture: stem.hasPrefix("MesoInception") ? .mesoInception4 : .meso4,
                     weightsPath: Golden.weightsPath(stem))
    }

    static func face(_ image: String) throws -> RGBImage {
        try ImageDecoder.decode(contentsOf: SharedData.path("mesonet/test_images/\(image)"))
    }

    /// p_fake computed from a feature map of the explained layer by running the layers after it.
    static func pFake(_ detector: Detector, from activation: Tensor, after layer: String) -> Double {
        let model = detector.model
        let cut = model.nodes.firstIndex { $0.layer.name == layer }!
        var x = activation
        for node in model.nodes[(cut + 1)...] { x = node.layer.forward([x], training: false) }
        return 1 - Double(x.scalars[0])
    }

    /// (1) ∂p_fake/∂A from the engine's backward pass equals a central finite difference of
    /// p_fake through the model's own forward, on the entries with the largest gradients and a
    /// spread of others. The faces are ones whose score is not saturated in float32.
    @Test(arguments: [("Meso4_DF", "df/df00204.jpg"), ("Meso4_F2F", "df/df01254.jpg"),
                      ("MesoInception_DF", "df/df00204.jpg")])
    func channelGradientMatchesFiniteDifferences(stem: String, image: String) throws {
        let detector = try Self.detector(stem)
        let cam = try detector.gradCAM(input: detector.input(for: [try Self.face(image)]))
        #expect(cam.layer == "max_pooling2d_4")
        #expect(cam.activation.shape == [1, 8, 8, 16])
        let gradient = cam.pFakeGradient
        #expect(abs(Self.pFake(detector, from: cam.activation, after: cam.layer) - cam.score.pFake) < 1e-6)

        let largest = gradient.indices.sorted { abs(gradient[$0]) > abs(gradient[$1]) }.prefix(6)
        let entries = Array(largest) + stride(from: 7, to: gradient.count, by: 97)
        let step: Float = 1e-2
        let scale = gradient.map(abs).max()!
        #expect(scale > 0)
        for i in entries {
            var plus = cam.activation, minus = cam.activation
            plus.scalars[i] += step
            minus.scalars[i] -= step
            let estimate = (Self.pFake(detector, from: plus, after: cam.layer)
                - Self.pFake(detector, from: minus, after: cam.layer)) / Double(2 * step)
            #expect(abs(estimate - gradient[i]) <= 0.02 * abs(gradient[i]) + 1e-3 * scale,
                    "\(stem) \(image) entry \(i): backward \(gradient[i]), finite difference \(estimate)")
        }
        // The channel weights are the spatial means of that gradient (up to the positive factor
        // p_fake·P(real) that the logit seed leaves out).
        let slope = cam.score.pFake * cam.score.pReal
        for (c, weight) in cam.channelWeights.enumerated() {
            let mean = stride(from: c, to: gradient.count, by: 16).map { gradient[$0] }.reduce(0, +) / 64
            #expect(abs(Double(weight) * slope - mean) <= 1e-6 * scale + 1e-4 * abs(mean))
        }
    }

    static func standardDeviation(_ values: [Float]) -> Double {
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        return (values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)).squareRoot()
    }

    /// (2) and (4): on every test face the map is 256×256, in 0...1, peaks at 1 and is not flat.
    @Test(arguments: Golden.weightStems)
    func mapIsNotConstantAndInRange(stem: String) throws {
        let detector = try Self.detector(stem)
        for image in SharedData.testImages {
            let face = try Self.face(image)
            let explanation = try detector.explain(face)
            let map = explanation.heatmap
            #expect(map.width == 256 && map.height == 256 && map.values.count == 256 * 256)
            #expect(map.values.allSatisfy { (0...1).contains($0) })
            #expect(explanation.layer == "max_pooling2d_4")
            #expect(try explanation.score == detector.score(face), "explaining runs the same forward pass as scoring")
            try #require(!explanation.isBlank, "\(stem) \(image): Grad-CAM map is zero")
            #expect(map.values.max() == 1)
            #expect(Self.standardDeviation(map.values) > 0.1, "\(stem) \(image): std \(Self.standardDeviation(map.values))")
        }
    }

    static func meanAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).reduce(0.0) { $0 + Double(abs($1.0 - $1.1)) } / Double(a.count)
    }

    static func flippedHorizontally(_ image: RGBImage) -> RGBImage {
        var pixels = image.pixels
        for y in 0..<image.height {
            for x in 0..<image.width {
                for c in 0..<3 { pixels[(y * image.width + x) * 3 + c] = image.pixels[(y * image.width + image.width - 1 - x) * 3 + c] }
            }
        }
        return RGBImage(width: image.width, height: image.height, pixels: pixels)
    }

    static func flippedHorizontally(_ map: Heatmap) -> [Float] {
        (0..<(map.width * map.height)).map { i in map[map.width - 1 - i % map.width, i / map.width] }
    }

    static func correlation(_ a: [Float], _ b: [Float]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0.0) { $0 + Double($1) } / n, mb = b.reduce(0.0) { $0 + Double($1) } / n
        var ab = 0.0, aa = 0.0, bb = 0.0
        for (x, y) in zip(a, b) {
            ab += (Double(x) - ma) * (Double(y) - mb)
            aa += (Double(x) - ma) * (Double(x) - ma)
            bb += (Double(y) - mb) * (Double(y) - mb)
        }
        return ab / (aa * bb).squareRoot()
    }

    /// (3) The map depends on the input: two faces give different maps, and a mirrored face
    /// gives a different map which, over the four faces, resembles the mirrored map more than
    /// the unmirrored one. (Not face by face: faces and their maps are nearly symmetric, and the
    /// network is not mirror-symmetric.)
    @Test(arguments: ["Meso4_DF", "MesoInception_DF"])
    func mapFollowsTheInput(stem: String) throws {
        let detector = try Self.detector(stem)
        let maps = try SharedData.testImages.map { try detector.explain(Self.face($0)).heatmap }
        for i in maps.indices {
            for j in maps.indices where j > i {
                #expect(Self.meanAbsoluteDifference(maps[i].values, maps[j].values) > 0.05,
                        "\(SharedData.testImages[i]) and \(SharedData.testImages[j]) have near-equal maps")
            }
        }
        var followed = 0.0, stayed = 0.0
        for (image, map) in zip(SharedData.testImages, maps) {
            let mirrored = try detector.explain(Self.flippedHorizontally(try Self.face(image))).heatmap
            #expect(Self.meanAbsoluteDifference(mirrored.values, map.values) > 0.02, "\(image)")
            followed += Self.correlation(mirrored.values, Self.flippedHorizontally(map)) / 4
            stayed += Self.correlation(mirrored.values, map.values) / 4
        }
        #expect(followed > stayed + 0.05, "\(stem): maps of mirrored faces ~ mirrored maps \(followed), ~ same maps \(stayed)")
    }

    /// The map depends on the weights too (the model-randomisation sanity check of Adebayo et
    /// al., 2018, in a mild form): the same face under the DF and the F2F weights.
    @Test(arguments: [("Meso4_DF", "Meso4_F2F"), ("MesoInception_DF", "MesoInception_F2F")])
    func mapDependsOnTheWeights(stem: String, other: String) throws {
        let (one, two) = (try Self.detector(stem), try Self.detector(other))
        for image in SharedData.testImages {
            let face = try Self.face(image)
            #expect(Self.meanAbsoluteDifference(try one.explain(face).heatmap.values, try two.explain(face).heatmap.values) > 0.05,
                    "\(image)")
        }
    }

    /// A saturated score (P(real) exactly 1 in float32) still gets a map: the backward pass
    /// starts from the logit, whose gradient does not vanish.
    @Test func saturatedScoreStillHasAMap() throws {
        let detector = try Self.detector("MesoInception_DF")
        let explanation = try detector.explain(try Self.face("real/real00240.jpg"))
        #expect(explanation.score.pReal == 1)
        #expect(!explanation.isBlank)
    }

    /// Explaining only reads the model: no weight gradient accumulates, and threads explaining
    /// at once get what one thread gets.
    @Test func explainingIsReadOnlyAndThreadSafe() throws {
        let detector = try Self.detector("Meso4_DF")
        let faces = try SharedData.testImages.map(Self.face)
        let alone = try faces.map { try detector.explain($0).heatmap }
        var together = [Heatmap?](repeating: nil, count: 8)
        together.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: 8) { i in slots[i] = try? detector.explain(faces[i % 4]).heatmap }
        }
        for i in 0..<8 { #expect(together[i] == alone[i % 4]) }
        for layer in detector.model.layers {
            #expect(!layer.trainable)
            for gradient in layer.gradients { #expect(gradient.scalars.allSatisfy { $0 == 0 }, "\(layer.name)") }
        }
    }

    @Test func aFaceOfAnotherSizeIsStretchedFirst() throws {
        let detector = try Self.detector("Meso4_DF")
        let face = try Self.face("df/df00204.jpg")   // 342×342
        let explanation = try detector.explain(face)
        #expect(try explanation.heatmap.width == 256 && explanation.score == detector.score(face))
        #expect(try explanation.heatmap == detector.explain(face.resizedNearest(width: 256, height: 256)).heatmap)
    }
}

@Suite struct HeatmapTests {
    @Test func bilinearUpsamplingKeepsCellCentresAndEdges() {
        let coarse = Heatmap(width: 2, height: 2, values: [0, 1, 1, 0])
        let fine = coarse.resampled(width: 8, height: 8)
        #expect(fine[0, 0] == 0 && fine[7, 0] == 1 && fine[0, 7] == 1 && fine[7, 7] == 0)
        #expect(fine[1, 1] == 0, "inside the first cell's half, clamped")
        #expect(abs(fine[3, 0] - 0.375) < 1e-6 && abs(fine[4, 0] - 0.625) < 1e-6)
    }

    @Test func overlayBlendsTheCividisColours() {
        let image = RGBImage(width: 4, height: 2, pixels: [UInt8](repeating: 100, count: 24))
        let map = Heatmap(width: 4, height: 2, values: [0, 0.25, 0.5, 1, 1, 1, 0, 0])
        #expect(map.overlay(on: image, opacity: 0) == image)
        let full = map.overlay(on: image, opacity: 1)
        #expect(Array(full.pixels[0..<3]) == [0, 34, 78], "0 is cividis' dark blue")
        #expect(Array(full.pixels[9..<12]) == [254, 232, 56], "1 is cividis' yellow")
        let half = map.overlay(on: image, opacity: 0.5)
        #expect(Array(half.pixels[0..<3]) == [50, 67, 89])
        // The map is stretched to an image of another size.
        let big = RGBImage(width: 8, height: 4, pixels: [UInt8](repeating: 0, count: 96))
        #expect(map.overlay(on: big).width == 8)
    }

    /// No red–green axis: lightness rises with the value, and blue ≥ red at the low end while
    /// red ≥ blue at the high end, with green never far from red (no green-only or red-only hue).
    @Test func cividisIsMonotoneInLightness() {
        var previous = -1.0
        for step in 0...100 {
            let colour = Colormap.cividis(Float(step) / 100)
            let luma = 0.2126 * Double(colour[0]) + 0.7152 * Double(colour[1]) + 0.0722 * Double(colour[2])
            #expect(luma > previous)
            previous = luma
            #expect(abs(colour[0] - colour[1]) < 60, "red and green stay together: \(colour)")
        }
        #expect(Colormap.cividis(-1) == Colormap.cividis(0) && Colormap.cividis(.nan) == Colormap.cividis(0))
        #expect(Colormap.cividis(2) == Colormap.cividis(1))
    }
}
