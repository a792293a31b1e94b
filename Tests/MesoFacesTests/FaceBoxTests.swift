import MesoFaces
import Testing

@Test func boxArea() {
    #expect(FaceBox(x: 1, y: 2, width: 3, height: 4).area == 12)
}
