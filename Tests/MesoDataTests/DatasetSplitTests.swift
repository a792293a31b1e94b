import MesoData
import Testing

@Suite struct DatasetSplitTests {
    /// `count` items of `label`, `perVideo` to a video (0: no video ids).
    func items(_ label: Label, _ count: Int, perVideo: Int = 0, prefix: String) -> [DatasetItem] {
        (0..<count).map { i in
            DatasetItem(path: "/\(prefix)/\(i).png", label: label, videoID: perVideo > 0 ? "\(prefix)\(i / perVideo)" : nil, kind: .image)
        }
    }

    @Test func eachLabelIsSplitInProportion() {
        let all = items(.fake, 200, prefix: "f") + items(.real, 100, prefix: "r")
        let split = DatasetSplit.assign(all, validation: 0.05, test: 0.1, seed: 7)
        func count(_ label: Label, _ s: Split) -> Int { split.filter { $0.label == label && $0.split == s }.count }
        #expect([count(.fake, .val), count(.fake, .test), count(.fake, .train)] == [10, 20, 170])
        #expect([count(.real, .val), count(.real, .test), count(.real, .train)] == [5, 10, 85])
        #expect(split.map(\.path) == all.map(\.path), "items keep their order")
    }

    @Test func aVideosCropsStayOnOneSide() {
        let all = items(.fake, 120, perVideo: 6, prefix: "f") + items(.real, 60, perVideo: 3, prefix: "r")
        let split = DatasetSplit.trainTest(all, seed: 1)
        let sides = Dictionary(grouping: split, by: { $0.videoID! }).mapValues { Set($0.map(\.split)) }
        #expect(sides.values.allSatisfy { $0.count == 1 })
        #expect(sides.values.filter { $0 == [.test] }.count == 4 + 4, "20% of 20 fake and 20 real videos")
        #expect(!split.contains { $0.split == .val })
    }

    @Test func theSameSeedGivesTheSameSplitAndAnotherSeedAnother() {
        let all = items(.fake, 50, prefix: "f") + items(.real, 50, prefix: "r")
        let a = DatasetSplit.assign(all, validation: 0.2, seed: 42)
        #expect(DatasetSplit.assign(all, validation: 0.2, seed: 42) == a)
        #expect(DatasetSplit.assign(all, validation: 0.2, seed: 43) != a)
    }

    @Test func aDatasetsOwnSplitIsKept() {
        var all = items(.fake, 20, prefix: "f") + items(.real, 20, prefix: "r")
        for i in 0..<10 { all[i].split = .test }
        let split = DatasetSplit.assign(all, validation: 0.1, seed: 3)
        #expect(split[0..<10].allSatisfy { $0.split == .test })
        #expect(split.filter { $0.split == .val }.map(\.label) == [.fake, .real, .real], "10% of the 10 unsplit fakes and 20 reals")
        #expect(split.allSatisfy { $0.split != nil })
    }

    @Test func aSmallLabelStillGetsOneValidationGroupButKeepsOneForTraining() {
        let two = DatasetSplit.assign(items(.real, 2, prefix: "r"), validation: 0.05, seed: 0)
        #expect(Set(two.map(\.split)) == [.train, .val])
        let one = DatasetSplit.assign(items(.real, 1, prefix: "r"), validation: 0.5, seed: 0)
        #expect(one.map(\.split) == [.train])
    }
}
