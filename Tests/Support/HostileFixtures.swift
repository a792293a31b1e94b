import Foundation

/// Files made to break things, shared by the suites that check each command refuses them.
public enum HostileFixtures {
    /// The shared df00204 clip with every chunk offset of its sample table ('stco') sent past
    /// the file's end: the container opens, but no frame of it can be decoded.
    public static func videoWithSampleTablePastTheEnd() throws -> Data {
        var bytes = [UInt8](try Data(contentsOf: SharedData.url("media/df00204_noise_move_rotate_640x480.mp4")))
        guard let stco = bytes.indices.first(where: { bytes[$0..<min($0 + 4, bytes.count)].elementsEqual("stco".utf8) }) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        // 'stco', version and flags, the entry count, then one 32-bit offset per chunk.
        let entries = Int(bytes[stco + 8..<stco + 12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        for entry in 0..<entries {
            bytes.replaceSubrange(stco + 12 + 4 * entry..<stco + 16 + 4 * entry, with: [0xFF, 0xFF, 0xFF, 0x00])
        }
        return Data(bytes)
    }

    /// A scratch folder holding `secret.png` ("TOP SECRET") and a crop cache folder `cache`
    /// with a symbolic link `out` back to the scratch folder: the ways out of a cache that
    /// manifest rows must not take.
    public static func cacheBesideASecret(_ label: String) throws -> (secret: URL, cache: URL) {
        let scratch = try SharedData.scratchDirectory(label)
        let secret = scratch.appendingPathComponent("secret.png")
        try Data("TOP SECRET".utf8).write(to: secret)
        let cache = scratch.appendingPathComponent("cache")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: cache.appendingPathComponent("out"), withDestinationURL: scratch)
        return (secret, cache)
    }
}
