import MesoEngine

/// Gives items without a split one, so that a dataset without its own split can still be trained
/// and validated on, reproducibly.
///
/// - A dataset's own split wins: items that have one keep it and are not counted.
/// - Grouped by video: all items with one video id go to one side, so that frames of one video
///   never sit on both sides and inflate the validation score. An item without a video id is
///   its own group.
/// - Stratified by label: each label's groups (a group's label is its first item's) are split
///   in the asked proportions separately, so both sides keep the dataset's class balance. The
///   fractions count groups; with one item per group that is items.
/// - Seeded: the same items and seed give the same split, on every platform (the shuffle is
///   written here with ``RandomGenerator`` rather than the standard library's, whose algorithm
///   may change).
public enum DatasetSplit {
    /// `items` with a split on each: of every label's unsplit groups, a fraction `test` goes to
    /// test, `validation` to val and the rest to train. A non-zero fraction of a label with at
    /// least two groups gets at least one group, and at least one group stays in train.
    public static func assign(_ items: [DatasetItem], validation: Double, test: Double = 0, seed: UInt64) -> [DatasetItem] {
        precondition(validation >= 0 && test >= 0 && validation + test < 1, "split fractions must be ≥ 0 and sum below 1")
        var keys: [String] = []
        var members: [String: [Int]] = [:]
        for (index, item) in items.enumerated() where item.split == nil {
            let key = item.videoID.map { "video:\($0)" } ?? "item:\(index)"
            if members[key] == nil { keys.append(key) }
            members[key, default: []].append(index)
        }
        var result = items
        let strata: [Label?] = [.fake, .real, nil]
        for (stratum, label) in strata.enumerated() {
            var groups = keys.filter { items[members[$0]![0]].label == label }
            var generator = RandomGenerator(seed: seed &+ UInt64(stratum))
            shuffle(&groups, using: &generator)
            let testCount = min(share(test, of: groups.count), max(0, groups.count - 1))
            let valCount = min(share(validation, of: groups.count), max(0, groups.count - testCount - 1))
            for (position, key) in groups.enumerated() {
                let split: Split = position < testCount ? .test : position < testCount + valCount ? .val : .train
                for index in members[key]! { result[index].split = split }
            }
        }
        return result
    }

    /// The experiment's random split: a fraction `test` (0.2: 80/20) of the unsplit groups to test, the
    /// rest to train, by the rules of ``assign(_:validation:test:seed:)``.
    public static func trainTest(_ items: [DatasetItem], test: Double = 0.2, seed: UInt64) -> [DatasetItem] {
        assign(items, validation: 0, test: test, seed: seed)
    }

    /// `fraction` of `count` groups, rounded, but at least one when the fraction asks for any and
    /// there are two groups to share.
    private static func share(_ fraction: Double, of count: Int) -> Int {
        let rounded = Int((fraction * Double(count)).rounded())
        return fraction > 0 && count >= 2 ? max(1, rounded) : rounded
    }

    /// Fisher–Yates with the engine's generator.
    private static func shuffle(_ values: inout [String], using generator: inout RandomGenerator) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, Int(generator.next() % UInt64(i + 1)))
        }
    }
}
