import MesoEngine

/// Everything a training run needs to continue exactly where it stopped.
///
/// - every weighted layer's weights, frozen ones and BatchNormalization's moving statistics
///   included (they change in training yet no optimizer owns them);
/// - the optimizer's state (Adam: iterations, m, v; SGD: iterations, velocity) and its
///   hyperparameters;
/// - where the run is: epochs completed, batches completed in the epoch in progress, steps;
/// - every random stream: the data generator as it stood when epoch `epoch` began (its
///   shuffle is replayed from it) and each Dropout layer's generator;
/// - the epoch in progress's running sums and the history so far, so a resumed `fit`
///   returns the same `History` as an uninterrupted one.
///
/// With all of that restored, a resumed run takes bit-for-bit the same steps as a run that never
/// stopped. The file format is described in `CheckpointFile.swift`.
public struct Checkpoint: Sendable, Equatable {
    /// One layer's weights in its `weightNames` order (kernel, bias; gamma, beta, moving_mean,
    /// moving_variance).
    public struct LayerWeights: Sendable, Equatable {
        public var layer: String
        public var names: [String]
        public var tensors: [Tensor]
    }

    /// Adam's state: Keras' `iterations` and both moments, one array per trainable parameter.
    public struct AdamState: Sendable, Equatable {
        public var iterations: Int
        public var learningRate: Float
        public var beta1: Float, beta2: Float, epsilon: Float
        public var m: [[Float]], v: [[Float]]
    }

    /// SGD's state: `iterations` and one velocity array per trainable parameter.
    public struct SGDState: Sendable, Equatable {
        public var iterations: Int
        public var learningRate: Float
        public var momentum: Float
        public var velocity: [[Float]]
    }

    public enum OptimizerState: Sendable, Equatable {
        case adam(AdamState)
        case sgd(SGDState)
    }

    /// The model's name (`Model.name`), for messages.
    public var modelName: String
    /// Every layer that has weights, in node order.
    public var layers: [LayerWeights]
    public var optimizer: OptimizerState
    /// Each Dropout layer's generator, by layer name, in node order.
    public var dropoutGenerators: [(layer: String, generator: RandomGenerator)]
    /// Epochs completed: the resumed run starts (or continues) epoch `epoch`.
    public var epoch: Int
    /// Batches of epoch `epoch` already trained on (0 at an epoch boundary).
    public var batch: Int
    /// Optimizer steps taken by the run.
    public var step: Int
    /// The data generator as it stood when epoch `epoch` began, before its shuffle.
    public var dataGenerator: RandomGenerator
    /// Running sums of epoch `epoch`'s first `batch` batches.
    public var epochTotals: EpochTotals
    /// Records of the epochs completed.
    public var history: History

    /// Captures the state of `model` and `optimizer` now. `fit` fills in the counters; a
    /// checkpoint made by hand before training has them at zero.
    public init(model: Model, optimizer: any Optimizer, epoch: Int = 0, batch: Int = 0, step: Int = 0,
                dataGenerator: RandomGenerator = RandomGenerator(seed: 0),
                epochTotals: EpochTotals = EpochTotals(), history: History = History()) throws(CheckpointError) {
        modelName = model.name
        layers = model.layers.filter { !$0.weights.isEmpty }
            .map { LayerWeights(layer: $0.name, names: $0.weightNames, tensors: $0.weights) }
        switch optimizer {
        case let adam as Adam:
            self.optimizer = .adam(AdamState(iterations: adam.iterations, learningRate: adam.learningRate,
                                             beta1: adam.beta1, beta2: adam.beta2, epsilon: adam.epsilon,
                                             m: adam.m, v: adam.v))
        case let sgd as SGD:
            self.optimizer = .sgd(SGDState(iterations: sgd.iterations, learningRate: sgd.learningRate,
                                           momentum: sgd.momentum, velocity: sgd.velocity))
        default:
            throw CheckpointError(.unsupportedOptimizer, path: nil,
                                  "checkpoints save Adam and SGD state, not \(type(of: optimizer))")
        }
        dropoutGenerators = model.layers.compactMap { layer in
            (layer as? Dropout).map { (layer: $0.name, generator: $0.generator) }
        }
        self.epoch = epoch
        self.batch = batch
        self.step = step
        self.dataGenerator = dataGenerator
        self.epochTotals = epochTotals
        self.history = history
    }

    /// Memberwise, for the file reader.
    init(modelName: String, layers: [LayerWeights], optimizer: OptimizerState,
         dropoutGenerators: [(layer: String, generator: RandomGenerator)], epoch: Int, batch: Int, step: Int,
         dataGenerator: RandomGenerator, epochTotals: EpochTotals, history: History) {
        self.modelName = modelName
        self.layers = layers
        self.optimizer = optimizer
        self.dropoutGenerators = dropoutGenerators
        self.epoch = epoch
        self.batch = batch
        self.step = step
        self.dataGenerator = dataGenerator
        self.epochTotals = epochTotals
        self.history = history
    }

    public static func == (a: Checkpoint, b: Checkpoint) -> Bool {
        a.modelName == b.modelName && a.layers == b.layers && a.optimizer == b.optimizer
            && a.dropoutGenerators.elementsEqual(b.dropoutGenerators) { $0.layer == $1.layer && $0.generator == $1.generator }
            && a.epoch == b.epoch && a.batch == b.batch && a.step == b.step && a.dataGenerator == b.dataGenerator
            && a.epochTotals == b.epochTotals && a.history == b.history
    }

    /// Puts the weights, Dropout generators and optimizer state back into `model` and
    /// `optimizer`, which must have the same layers (names, order, shapes) and be the same kind
    /// of optimizer with the same constant hyperparameters. The learning rate is state, as in
    /// Keras: it is restored too.
    ///
    /// Everything is checked before anything is set, so a refused restore changes nothing.
    public func restore(into model: Model, optimizer: any Optimizer) throws(CheckpointError) {
        func mismatch(_ message: String) -> CheckpointError {
            CheckpointError(.mismatch, path: nil, "checkpoint of \(modelName) does not fit \(model.name): \(message)")
        }
        // Weights: the same weighted layers in the same order, each with the same shapes.
        let weighted = model.layers.filter { !$0.weights.isEmpty }
        guard weighted.map(\.name) == layers.map(\.layer) else {
            throw mismatch("weighted layers \(layers.map(\.layer)) in the checkpoint, \(weighted.map(\.name)) in the model")
        }
        for (layer, saved) in zip(weighted, layers) where layer.weights.map(\.shape) != saved.tensors.map(\.shape) {
            throw mismatch("layer \(layer.name) has shapes \(layer.weights.map(\.shape)), the checkpoint \(saved.tensors.map(\.shape))")
        }
        let dropouts = model.layers.compactMap { $0 as? Dropout }
        guard dropouts.map(\.name) == dropoutGenerators.map(\.layer) else {
            throw mismatch("Dropout layers \(dropoutGenerators.map(\.layer)) in the checkpoint, \(dropouts.map(\.name)) in the model")
        }
        // Optimizer: same kind, same constants, slots sized like the trainable parameters.
        let sizes = model.trainableParameters.map(\.value.count)
        func checkSlots(_ name: String, _ slots: [[Float]]) throws(CheckpointError) {
            guard slots.isEmpty || slots.map(\.count) == sizes else {
                throw mismatch("optimizer slot \(name) holds \(slots.count) arrays sized \(slots.map(\.count)); the model's trainable parameters are sized \(sizes)")
            }
        }
        switch (self.optimizer, optimizer) {
        case (.adam(let state), let adam as Adam):
            guard (state.beta1, state.beta2, state.epsilon) == (adam.beta1, adam.beta2, adam.epsilon) else {
                throw mismatch("Adam(beta1 \(state.beta1), beta2 \(state.beta2), epsilon \(state.epsilon)) saved, Adam(beta1 \(adam.beta1), beta2 \(adam.beta2), epsilon \(adam.epsilon)) given")
            }
            try checkSlots("m", state.m)
            try checkSlots("v", state.v)
            adam.iterations = state.iterations
            adam.learningRate = state.learningRate
            adam.m = state.m
            adam.v = state.v
        case (.sgd(let state), let sgd as SGD):
            guard state.momentum == sgd.momentum else {
                throw mismatch("SGD(momentum \(state.momentum)) saved, SGD(momentum \(sgd.momentum)) given")
            }
            try checkSlots("velocity", state.velocity)
            sgd.iterations = state.iterations
            sgd.learningRate = state.learningRate
            sgd.velocity = state.velocity
        default:
            throw mismatch("the checkpoint holds \(optimizerKind) state, the optimizer is \(type(of: optimizer))")
        }
        for (layer, saved) in zip(weighted, layers) { layer.setWeights(saved.tensors) }
        for (dropout, saved) in zip(dropouts, dropoutGenerators) { dropout.generator = saved.generator }
    }

    var optimizerKind: String {
        switch optimizer {
        case .adam: "adam"
        case .sgd: "sgd"
        }
    }
}
