import MesoscopeKit
import Testing

@Test func meanAndVote() {
    let scores = [0.1, 0.6, 0.9, 0.5]
    #expect(abs(Aggregate.mean.combine(scores) - 0.525) < 1e-12)
    #expect(Aggregate.vote.combine(scores) == 0.5, "0.5 itself is not above 0.5")
}

@Test func confidentTakesTheConfidentFakesWhenThereAreEnough() {
    // 12 frames above 0.8 out of 20: more than 11 and more than ⌊20/2.5⌋ = 8.
    let scores = Array(repeating: 0.9, count: 12) + Array(repeating: 0.1, count: 8)
    #expect(abs(Aggregate.confident.combine(scores) - 0.9) < 1e-12)
    // 11 confident fakes are not enough, whatever the share: the plain mean.
    let few = Array(repeating: 0.9, count: 11) + Array(repeating: 0.5, count: 1)
    #expect(abs(Aggregate.confident.combine(few) - (0.9 * 11 + 0.5) / 12) < 1e-12)
    // 12 of 40 is not more than ⌊40/2.5⌋ = 16: the plain mean.
    let diluted = Array(repeating: 0.9, count: 12) + Array(repeating: 0.5, count: 28)
    #expect(abs(Aggregate.confident.combine(diluted) - (0.9 * 12 + 0.5 * 28) / 40) < 1e-12)
}

@Test func confidentTakesTheConfidentRealsWhenMoreThanNinetyPercent() {
    let scores = Array(repeating: 0.05, count: 19) + [0.7]
    #expect(abs(Aggregate.confident.combine(scores) - 0.05) < 1e-12)
    let ninety = Array(repeating: 0.05, count: 18) + [0.7, 0.7]
    #expect(abs(Aggregate.confident.combine(ninety) - (0.05 * 18 + 1.4) / 20) < 1e-12, "exactly 90% is not more than 90%")
}

@Test func videoIsAsFakeAsItsFakestLongTrack() {
    // 20 frames analysed: tracks need max(3, 2) = 3 faces.
    let faces = Array(repeating: (track: 0, pFake: 0.1), count: 20) + Array(repeating: (track: 1, pFake: 0.8), count: 5)
        + [(track: 2, pFake: 1.0), (track: 2, pFake: 1.0)]
    let score = VideoScore(faces: faces, framesAnalyzed: 20)
    #expect(score.tracks.map(\.id) == [0, 1, 2])
    #expect(score.tracks.map(\.counted) == [true, true, false])
    #expect(score.pFake?[.mean] == 0.8, "the two-face track is ignored")
    #expect(VideoScore.minimumTrackLength(framesAnalyzed: 45) == 5)
}

@Test func whenNoTrackIsLongEnoughTheLongestDecides() {
    let photo = VideoScore(faces: [(track: 0, pFake: 0.2), (track: 1, pFake: 0.7)], framesAnalyzed: 1)
    #expect(photo.tracks.map(\.counted) == [true, true], "tied longest tracks all count")
    #expect(photo.pFake?[.vote] == 1)
    let short = VideoScore(faces: [(track: 0, pFake: 0.2), (track: 0, pFake: 0.4), (track: 1, pFake: 0.9)], framesAnalyzed: 30)
    #expect(short.tracks.map(\.counted) == [true, false])
    #expect(abs((short.pFake?[.mean] ?? 0) - 0.3) < 1e-12)
    #expect(VideoScore(faces: [], framesAnalyzed: 30).pFake == nil)
}
