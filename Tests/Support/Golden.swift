import Foundation

/// `reference/golden.json`: the original Keras scores for 4 weight files × 4 test images.
public struct Golden: Decodable {
    public struct Result: Decodable {
        public let model: String
        public let weights: String
        public let image: String
        public let score: Double
    }

    public let results: [Result]

    public static func load() throws -> Golden {
        try JSONDecoder().decode(Golden.self, from: Data(contentsOf: SharedData.url("reference/golden.json")))
    }

    /// The four weight-file stems.
    public static let weightStems = ["Meso4_DF", "Meso4_F2F", "MesoInception_DF", "MesoInception_F2F"]

    /// `weights/<stem>.h5` in ../shared.
    public static func weightsPath(_ stem: String) -> String {
        SharedData.path("mesonet/weights/\(stem).h5")
    }
}

/// `reference/activations/<weights>__<image>/manifest.json`: one entry per Keras layer output.
public struct ActivationManifest: Decodable {
    public struct Entry: Decodable {
        public let file: String
        public let h5_name: String?
        public let `class`: String
        public let shape: [Int]
    }

    public let layers: [Entry]

    public static func load(_ folder: String) throws -> ActivationManifest {
        try JSONDecoder().decode(ActivationManifest.self,
                                 from: Data(contentsOf: SharedData.url("reference/activations/\(folder)/manifest.json")))
    }
}
