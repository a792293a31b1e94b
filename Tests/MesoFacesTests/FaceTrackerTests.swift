import MesoFaces
import Testing

@Test func overlapOfKnownBoxes() {
    let a = FaceBox(x: 0, y: 0, width: 10, height: 10)
    #expect(a.intersectionOverUnion(a) == 1)
    #expect(a.intersectionOverUnion(FaceBox(x: 5, y: 0, width: 10, height: 10)) == 50.0 / 150.0)
    #expect(a.intersectionOverUnion(FaceBox(x: 10, y: 0, width: 10, height: 10)) == 0)
}

@Test func twoPeopleKeepTheirTracksWhileMoving() {
    var tracker = FaceTracker()
    let left = FaceBox(x: 10, y: 50, width: 100, height: 100)
    let right = FaceBox(x: 400, y: 60, width: 90, height: 90)
    #expect(tracker.assign([left, right]) == [0, 1])
    // Listed in the other order and moved by 40 px: still the same people.
    let moved = [FaceBox(x: 440, y: 60, width: 90, height: 90), FaceBox(x: 50, y: 50, width: 100, height: 100)]
    #expect(tracker.assign(moved) == [1, 0])
}

@Test func centreDistanceLinksWhenOverlapIsTooSmall() {
    var tracker = FaceTracker()
    _ = tracker.assign([FaceBox(x: 0, y: 0, width: 100, height: 100)])
    // No overlap and the centre moved 150 px, more than one box side: a new track.
    #expect(tracker.assign([FaceBox(x: 110, y: 110, width: 100, height: 100)]) == [1])
    // The same centre but a box 2.5× smaller (IoU 0.16, below 0.2): linked by distance.
    #expect(tracker.assign([FaceBox(x: 140, y: 140, width: 40, height: 40)]) == [1])
    // No overlap, 90 px away: within one side of track 1's last box (40 px)? No; of track 0's (100 px): yes.
    #expect(tracker.assign([FaceBox(x: 90, y: 0, width: 100, height: 100)]) == [0])
}

@Test func aTrackEndsAfterTooManyMissedFrames() {
    var tracker = FaceTracker(maximumMissedFrames: 2)
    let box = FaceBox(x: 0, y: 0, width: 50, height: 50)
    #expect(tracker.assign([box]) == [0])
    _ = tracker.assign([])
    _ = tracker.assign([])
    #expect(tracker.assign([box]) == [0], "two missed frames keep the track")
    _ = tracker.assign([]); _ = tracker.assign([]); _ = tracker.assign([])
    #expect(tracker.assign([box]) == [1], "three missed frames end it")
}
