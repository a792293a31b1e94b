import Foundation
import MesoEngine
import MesoModelFiles
import MesoModels
import MesoTestSupport
import Testing

/// Every layer's output matches the Keras dump for df00204: the largest absolute difference
/// in a layer stays within 1e-4 of that layer's largest absolute value.
@Suite struct ActivationTests {
    static let kinds = ["Conv2D": "conv2d", "BatchNormalization": "batch_normalization",
                        "MaxPooling2D": "max_pooling2d", "Concatenate": "concatenate", "Flatten": "flatten",
                        "Dropout": "dropout", "Dense": "dense", "LeakyReLU": "leaky_re_lu"]

    @Test(arguments: ["Meso4_DF", "MesoInception_DF"])
    func everyLayerMatchesKeras(stem: String) throws {
        let folder = "\(stem)__df00204"
        let manifest = try ActivationManifest.load(folder)
        let model = try loadedModel(stem)
        let outputs = model.forwardAll(try referenceInput("df/df00204.jpg"))
        #expect(manifest.layers.count == model.nodes.count)

        // Weighted layers are found by the number in their h5 name, ranked within their family
        // (as the loader matches them); weightless ones by their position within their family.
        var seen: [String: Int] = [:]
        for entry in manifest.layers {
            let kind = try #require(Self.kinds[entry.class], "unknown class \(entry.class)")
            let position: Int
            if let h5 = entry.h5_name {
                let numbers = manifest.layers.filter { $0.class == entry.class }.compactMap(\.h5_name)
                    .map { Int($0.split(separator: "_").last!)! }.sorted()
                position = numbers.firstIndex(of: Int(h5.split(separator: "_").last!)!)!
            } else {
                position = seen[kind, default: 0]
                seen[kind] = position + 1
            }
            let layer = model.layers(ofKind: kind)[position]
            let node = try #require(model.nodes.firstIndex { $0.layer === layer })
            let expected = try NPYArray(contentsOf: SharedData.url("reference/activations/\(folder)/\(entry.file)"))
            let actual = outputs[node]
            #expect(actual.shape == expected.shape, "\(entry.file)")
            let reference = expected.floats
            let largest = reference.map(abs).max() ?? 0
            let worst = zip(actual.scalars, reference).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst <= 1e-4 * max(largest, 1e-30), "\(entry.file): max |diff| \(worst), max |ref| \(largest)")
        }
    }
}
