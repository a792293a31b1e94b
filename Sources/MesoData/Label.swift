/// Whether a face is fake or real: the one label convention of every dataset reader.
///
/// Datasets say it in many ways (folders `df`/`fake`/`manipulated` and `real`/`original`,
/// DFDC's "FAKE"/"REAL", the write-up's JSON with 1 for fake); readers turn each into a
/// `Label`. The pretrained network outputs P(real), because the authors' Keras folders sorted
/// `df` (0) before `real` (1), so the training target is ``networkTarget``: 1 for real. That
/// is the one place a label becomes a number. (The write-up's own fine-tuning flipped the
/// labels while starting from these weights; using this property rules that out.)
public enum Label: String, Sendable, Hashable, Codable, CaseIterable {
    case fake
    case real

    /// The network's target: P(real), 1 for a real face, 0 for a fake one.
    public var networkTarget: Float { self == .real ? 1 : 0 }

    /// 1 for fake, 0 for real: the positive class of evaluation, where p_fake is the score.
    public var isFake: Bool { self == .fake }
}
