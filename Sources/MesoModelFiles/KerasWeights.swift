import MesoEngine
import MesoModels

/// Keras HDF5 weight files (`model.save_weights` of Keras 2, the MesoNet authors' format).
///
/// Layout: root attribute `layer_names`; one group per layer whose `weight_names` attribute
/// lists its variables (`conv2d_5/kernel:0`, …); the data at `/<layer>/<weight name>`.
/// Full-model files keep the same tree under `/model_weights`.
public enum KerasWeights {
    /// The weighted layer families a MesoNet file may hold.
    static let weightedKinds = ["conv2d", "batch_normalization", "dense"]

    /// Loads `path` into `model`, which must be `architecture`.
    ///
    /// Layers are matched per family by the NUMBER in their names (`conv2d_5` < `conv2d_6`),
    /// not by file order: Keras numbers layers in creation order, while MesoInception's file
    /// lists the inception branches interleaved. Every shape is checked before anything is set,
    /// so a failed load leaves the model as it was.
    public static func load(_ path: String, into model: Model, architecture: Architecture) throws(ModelFileError) {
        let file = try HDF5File.open(path)
        let root = file.hasAttribute("/", "layer_names") ? "/" : "/model_weights"
        guard file.exists(root), file.hasAttribute(root, "layer_names") else {
            throw ModelFileError(.malformed, path: path,
                                 "an HDF5 file, but not Keras weights: no layer_names attribute")
        }
        let groups = try file.stringsAttribute(root, "layer_names")
        var byKind: [String: [(number: Int, name: String)]] = [:]
        for name in groups {
            guard let (kind, number) = splitLayerName(name), weightedKinds.contains(kind) else { continue }
            byKind[kind, default: []].append((number, name))
        }

        let convs = byKind["conv2d", default: []].count
        if convs != architecture.convolutionCount {
            if let other = Architecture.allCases.first(where: { $0.convolutionCount == convs }) {
                throw ModelFileError(.wrongArchitecture, path: path,
                                     "\(other.displayName) weights given for \(architecture.displayName); choose --model \(other.rawValue)")
            }
            throw ModelFileError(.wrongArchitecture, path: path,
                                 "holds \(convs) Conv2D layers; \(architecture.displayName) has \(architecture.convolutionCount)")
        }

        var pending: [(layer: any Layer, weights: [Tensor])] = []
        for kind in weightedKinds {
            let fileLayers = byKind[kind, default: []].sorted { $0.number < $1.number }
            let modelLayers = model.layers(ofKind: kind)
            guard fileLayers.count == modelLayers.count else {
                throw ModelFileError(.missingLayer, path: path,
                                     "holds \(fileLayers.count) \(kind) layers; \(architecture.displayName) needs \(modelLayers.count)")
            }
            for (entry, layer) in zip(fileLayers, modelLayers) {
                let group = root == "/" ? "/\(entry.name)" : "\(root)/\(entry.name)"
                guard file.exists(group) else {
                    throw ModelFileError(.missingLayer, path: path, "layer \(entry.name) is listed but its group is missing")
                }
                let names = try file.stringsAttribute(group, "weight_names")
                var weights: [Tensor] = []
                for (variable, expected) in zip(layer.weightNames, layer.weights) {
                    guard let stored = names.first(where: { variableName($0) == variable }) else {
                        throw ModelFileError(.missingLayer, path: path, "layer \(entry.name) has no \(variable)")
                    }
                    let dataset = "\(group)/\(stored)"
                    let shape = try file.datasetShape(dataset)
                    guard shape == expected.shape else {
                        throw ModelFileError(.shapeMismatch, path: path,
                                             "shape mismatch in layer \(entry.name): \(variable) is \(shape) in the file, \(architecture.displayName) expects \(expected.shape)")
                    }
                    let values = try file.floatDataset(dataset, shape: shape)
                    guard values.allSatisfy(\.isFinite) else {
                        throw ModelFileError(.nonFinite, path: path,
                                             "layer \(entry.name): \(variable) holds NaN or infinite values; the file is damaged or was saved from a training run that diverged")
                    }
                    weights.append(Tensor(shape: shape, scalars: values))
                }
                pending.append((layer, weights))
            }
        }
        for (layer, weights) in pending { layer.setWeights(weights) }
    }

    /// The `layer_names` a Keras weights file lists, in its order.
    public static func layerNames(in path: String) throws(ModelFileError) -> [String] {
        let file = try HDF5File.open(path)
        let root = file.hasAttribute("/", "layer_names") ? "/" : "/model_weights"
        return try file.stringsAttribute(root, "layer_names")
    }

    /// `conv2d_12` → (`conv2d`, 12); names without a trailing number give nil.
    static func splitLayerName(_ name: String) -> (kind: String, number: Int)? {
        guard let underscore = name.lastIndex(of: "_"),
              let number = Int(name[name.index(after: underscore)...]) else { return nil }
        return (String(name[..<underscore]), number)
    }

    /// `conv2d_5/kernel:0` → `kernel`.
    static func variableName(_ weightName: String) -> String {
        let last = weightName.split(separator: "/").last.map(String.init) ?? weightName
        return String(last.split(separator: ":").first ?? Substring(last))
    }

    /// Writes `model`'s weights in the Keras 2 `save_weights` layout the authors' files use,
    /// layers in Keras' own order (`Model.kerasOrderedLayers`), which Keras' positional loader needs:
    /// root attributes `layer_names`, `backend`, `keras_version`; one group per layer with its
    /// `weight_names` (empty for weightless layers); data at `/<layer>/<layer>/<var>:0`.
    ///
    /// `layers` filters which layers to write (all by default); tests use it to make damaged files.
    public static func save(_ model: Model, to path: String,
                            including layers: (any Layer) -> Bool = { _ in true }) throws(ModelFileError) {
        let file = try HDF5File.create(path)
        let written = model.kerasOrderedLayers.filter(layers)
        try file.writeStringsAttribute("/", "layer_names", written.map(\.name))
        try file.writeStringAttribute("/", "backend", "tensorflow")
        try file.writeStringAttribute("/", "keras_version", "2.1.5")
        for layer in written {
            try file.createGroup("/\(layer.name)")
            let names = layer.weightNames.map { "\(layer.name)/\($0):0" }
            try file.writeStringsAttribute("/\(layer.name)", "weight_names", names)
            if names.isEmpty { continue }
            try file.createGroup("/\(layer.name)/\(layer.name)")
            for (name, weight) in zip(names, layer.weights) {
                try file.writeFloatDataset("/\(layer.name)/\(name)", shape: weight.shape, values: weight.scalars)
            }
        }
        try file.flush()
    }
}
