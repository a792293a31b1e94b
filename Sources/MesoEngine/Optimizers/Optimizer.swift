/// Changes a model's trainable weights from their gradients. Its state (moments, step count)
/// is plain arrays in parameter order, so a checkpoint can save and restore it.
public protocol Optimizer: AnyObject {
    /// Applies one step to every trainable parameter of `model`.
    func step(_ model: Model)
}
