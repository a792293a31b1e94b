/// NumPy's legacy `np.random.RandomState` (MT19937), reproduced draw for draw.
///
/// Keras' `ImageDataGenerator` takes every random parameter from NumPy's global legacy state,
/// so this is what lets a Swift run draw exactly the rotations, shifts and flips that the
/// authors' Keras code draws for the same seed. Only what Keras uses is here: seeding with an
/// integer, `random_sample` and `uniform`.
///
/// `np.random.seed(s)` for an integer `s` runs MT19937's `init_genrand(s)` (not `init_by_array`,
/// which is what Python's own `random.seed` uses): seed 0 gives 0.5488135039273248 first.
///
/// The whole state is 624 words and a position, and it is `Codable`, so a training checkpoint
/// can store it and a resumed run continues the same stream.
public struct NumpyRandomState: Sendable, Codable, Equatable {
    private static let stateSize = 624
    private static let shift = 397

    /// MT19937's state vector.
    public private(set) var key: [UInt32]
    /// The index of the next word of `key` to temper; 624 means the vector must be regenerated.
    public private(set) var position: Int

    /// The state after `np.random.seed(seed)`.
    public init(seed: UInt32) {
        var key = [UInt32](repeating: 0, count: Self.stateSize)
        var value = seed
        for index in 0..<Self.stateSize {
            key[index] = value
            value = 1_812_433_253 &* (value ^ (value >> 30)) &+ UInt32(index + 1)
        }
        self.key = key
        position = Self.stateSize
    }

    /// A state restored from a checkpoint; `key` must hold 624 words and `position` be in 0...624.
    public init(key: [UInt32], position: Int) {
        precondition(key.count == Self.stateSize, "an MT19937 state has 624 words, not \(key.count)")
        precondition((0...Self.stateSize).contains(position), "an MT19937 position is in 0...624, not \(position)")
        self.key = key
        self.position = position
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let key = try container.decode([UInt32].self, forKey: .key)
        let position = try container.decode(Int.self, forKey: .position)
        guard key.count == Self.stateSize, (0...Self.stateSize).contains(position) else {
            throw DecodingError.dataCorruptedError(
                forKey: .key, in: container,
                debugDescription: "an MT19937 state needs 624 words and a position in 0...624")
        }
        self.init(key: key, position: position)
    }

    private enum CodingKeys: String, CodingKey { case key, position }

    /// The next 32 random bits (`mt19937_next32`).
    public mutating func next32() -> UInt32 {
        if position == Self.stateSize { regenerate() }
        var y = key[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// `np.random.random_sample()`: a double in [0, 1) from 53 bits of two words.
    public mutating func randomSample() -> Double {
        let a = Double(next32() >> 5)
        let b = Double(next32() >> 6)
        return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// `np.random.uniform(low, high)`: `low + (high - low) * random_sample()`, as NumPy computes it.
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * randomSample()
    }

    private mutating func regenerate() {
        let n = Self.stateSize
        let m = Self.shift
        key.withUnsafeMutableBufferPointer { mt in
            for index in 0..<n {
                let y = (mt[index] & 0x8000_0000) | (mt[(index + 1) % n] & 0x7FFF_FFFF)
                mt[index] = mt[(index + m) % n] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : 0x9908_B0DF)
            }
        }
        position = 0
    }
}
