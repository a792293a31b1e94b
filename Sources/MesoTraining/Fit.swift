import MesoEngine

/// Errors of the training loop itself (file problems are `CheckpointError`s).
public enum TrainingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The data source yielded no batch for an epoch.
    case emptyEpoch(Int)
    /// A callback monitors a metric the run does not compute (val_loss without validation data).
    case missingMetric(String)
    /// The loss, a weight or the validation loss stopped being a finite number (`reason` says
    /// which). `epoch` counts from 1 as the progress lines do, `step` is the batch within it,
    /// from 1. The run stops at once, before any callback could save what it has become.
    case diverged(epoch: Int, step: Int, reason: String)

    public var description: String {
        switch self {
        case .emptyEpoch(let epoch): "epoch \(epoch) has no batches: the data source is empty"
        case .missingMetric(let name): "\(name) is monitored but not computed: pass validation data to fit"
        case .diverged(let epoch, let step, let reason):
            "training diverged at epoch \(epoch) step \(step): \(reason); lower the learning rate (--lr)"
        }
    }
}

/// Trains `model` on `data` for epochs `0 ..< epochs`, Keras' `model.fit`, and returns the
/// per-epoch history.
///
/// Each step is the llm.c recipe: clear the gradients, forward in training mode keeping every
/// activation, the loss and its gradient seed, backward in reverse node order, one optimizer
/// step, then metrics and callbacks. After each epoch the validation data, if any, is evaluated
/// in inference mode and the callbacks may stop the run.
///
/// - `seed` fixes every random stream of a fresh run: the data generator (shuffles) and each
///   Dropout layer's generator are derived from it, whatever the layers were seeded with, so
///   one number reproduces a run bit for bit. Weight initialization is the caller's
///   (`GlorotUniform.initialize`, or pretrained weights).
/// - `resumeFrom` restores a checkpoint (weights, optimizer state, generators, counters,
///   history) into `model` and `optimizer` and continues at its epoch and batch; `seed` is then
///   ignored. `epochs` is still the total, as Keras' `initial_epoch` counts: a run checkpointed
///   after 2 epochs and resumed with `epochs: 4` trains epochs 2 and 3. The resumed run takes
///   exactly the steps the uninterrupted run would have.
///   Callbacks start afresh (EarlyStopping's patience counter is not in the checkpoint).
///
/// A loss or weight that is NaN or infinite after any step, or a validation loss that is, throws
/// ``TrainingError/diverged(epoch:step:reason:)`` before the callbacks see the epoch: a diverged
/// run never reaches a checkpoint, a weights file or the history, and the files of its last good
/// epoch stay as they were.
public func fit(
    model: Model,
    optimizer: any Optimizer,
    loss: Loss,
    data: some BatchSource,
    epochs: Int,
    seed: UInt64 = 0,
    validation: (any BatchSource)? = nil,
    callbacks: [any Callback] = [],
    resumeFrom checkpoint: Checkpoint? = nil
) throws -> History {
    let state = try TrainingState(model: model, optimizer: optimizer, epochs: epochs, seed: seed,
                                  hasValidation: validation != nil, resumeFrom: checkpoint)
    for callback in callbacks { try callback.onTrainBegin(state) }

    while state.epoch < epochs {
        if state.batch == 0 {
            for callback in callbacks { try callback.onEpochBegin(state.epoch, state: state) }
        }
        // The epoch's order comes from the generator as it stood at the epoch's start, so a
        // run resumed mid-epoch replays the same shuffle and skips the batches already done.
        var generator = state.dataGenerator
        let batches = data.batches(epoch: state.epoch, generator: &generator)
        for (index, (x, y)) in batches.enumerated() where index >= state.batch {
            model.zeroGradients()
            let outputs = model.forwardForTraining(x)
            let predictions = outputs[outputs.count - 1]
            let (batchLoss, seed) = loss.evaluate(model: model, predictions: predictions, targets: y)
            func diverged(_ reason: String) -> TrainingError {
                .diverged(epoch: state.epoch + 1, step: index + 1, reason: reason)
            }
            guard batchLoss.isFinite else { throw diverged("loss is \(nonFinite(batchLoss))") }
            model.backward(outputs, input: x, seed: seed)
            optimizer.step(model)
            if let layer = firstNonFiniteLayer(model) { throw diverged("a weight of \(layer) is not finite") }

            let record = state.finishBatch(loss: Double(batchLoss), size: x.shape[0],
                                           correct: binaryAccuracyCount(predictions: predictions, targets: y),
                                           predictions: predictions.count)
            for callback in callbacks { try callback.onBatchEnd(record, state: state) }
        }
        guard state.totals.batches > 0 else { throw TrainingError.emptyEpoch(state.epoch) }

        var record = EpochRecord(epoch: state.epoch, batches: state.totals.batches, samples: state.totals.samples,
                                 loss: state.totals.meanLoss, accuracy: state.totals.accuracy)
        if let validation {
            let (validationLoss, validationAccuracy) = evaluate(model: model, loss: loss, data: validation)
            guard validationLoss.isFinite else {
                throw TrainingError.diverged(epoch: state.epoch + 1, step: state.batch, reason: "val_loss is \(nonFinite(validationLoss))")
            }
            (record.validationLoss, record.validationAccuracy) = (validationLoss, validationAccuracy)
        }
        state.finishEpoch(record, nextGenerator: generator)
        var stop = false
        for callback in callbacks {
            if try callback.onEpochEnd(record, state: state) == .stop { stop = true }
        }
        if stop && state.epoch < epochs {
            state.history.stoppedEarly = true
            break
        }
    }
    for callback in callbacks { try callback.onTrainEnd(state.history, state: state) }
    return state.history
}

/// The first layer whose weights hold a NaN or an infinity, by name. Only layers that train
/// change, so only they are read: a few tens of thousands of numbers per step for MesoNet.
private func firstNonFiniteLayer(_ model: Model) -> String? {
    model.layers.first { $0.trainable && $0.weights.contains { !$0.scalars.allSatisfy(\.isFinite) } }?.name
}

/// "NaN" or "infinite", for a value that is not finite.
private func nonFinite(_ x: some BinaryFloatingPoint) -> String { x.isNaN ? "NaN" : "infinite" }

/// Where a `fit` run is, as its callbacks see it, and the source of its checkpoints.
public final class TrainingState {
    public let model: Model
    public let optimizer: any Optimizer
    /// The epoch count the run was asked for.
    public let epochs: Int
    /// Whether the run evaluates validation data (val_loss, val_accuracy) after each epoch.
    public let hasValidation: Bool
    /// Epochs completed, i.e. the epoch in progress (0-based).
    public internal(set) var epoch: Int
    /// Batches of the epoch in progress completed.
    public internal(set) var batch: Int
    /// Optimizer steps taken.
    public internal(set) var step: Int
    public internal(set) var history: History
    /// The data generator as it stood when the epoch in progress began.
    var dataGenerator: RandomGenerator
    var totals: EpochTotals

    init(model: Model, optimizer: any Optimizer, epochs: Int, seed: UInt64, hasValidation: Bool,
         resumeFrom checkpoint: Checkpoint?) throws {
        precondition(epochs >= 0, "epochs must not be negative")
        self.model = model
        self.optimizer = optimizer
        self.epochs = epochs
        self.hasValidation = hasValidation
        if let checkpoint {
            try checkpoint.restore(into: model, optimizer: optimizer)
            epoch = checkpoint.epoch
            batch = checkpoint.batch
            step = checkpoint.step
            history = checkpoint.history
            dataGenerator = checkpoint.dataGenerator
            totals = checkpoint.epochTotals
        } else {
            var seeder = RandomGenerator(seed: seed)
            dataGenerator = RandomGenerator(seed: seeder.next())
            for case let dropout as Dropout in model.layers { dropout.generator = RandomGenerator(seed: seeder.next()) }
            epoch = 0
            batch = 0
            step = 0
            history = History()
            totals = EpochTotals()
        }
    }

    func finishBatch(loss: Double, size: Int, correct: Int, predictions: Int) -> BatchRecord {
        totals.add(loss: loss, size: size, correct: correct, predictions: predictions)
        step += 1
        batch += 1
        return BatchRecord(epoch: epoch, batch: batch - 1, step: step, size: size, loss: loss,
                           accuracy: Double(correct) / Double(max(predictions, 1)))
    }

    func finishEpoch(_ record: EpochRecord, nextGenerator: RandomGenerator) {
        history.epochs.append(record)
        epoch += 1
        batch = 0
        totals = EpochTotals()
        dataGenerator = nextGenerator
    }

    /// A checkpoint of the run as it stands: after `onBatchEnd` it resumes with the next batch,
    /// after `onEpochEnd` with the next epoch.
    public func checkpoint() throws(CheckpointError) -> Checkpoint {
        try Checkpoint(model: model, optimizer: optimizer, epoch: epoch, batch: batch, step: step,
                       dataGenerator: dataGenerator, epochTotals: totals, history: history)
    }
}
