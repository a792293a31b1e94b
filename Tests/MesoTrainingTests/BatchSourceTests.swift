import MesoEngine
@testable import MesoTraining
import Testing

@Suite struct BatchSourceTests {
    /// Sample i of the toy data carries i in every scalar, so a batch tells which samples it holds.
    func indexed(_ count: Int, batchSize: Int, shuffle: Bool = true) -> TensorBatches {
        let x = Tensor(shape: [count, 2, 1, 1], scalars: (0..<count).flatMap { [Float($0), Float($0)] })
        let y = Tensor(shape: [count, 1], scalars: (0..<count).map(Float.init))
        return TensorBatches(x: x, y: y, batchSize: batchSize, shuffle: shuffle)
    }

    func order(_ source: TensorBatches, epoch: Int, _ generator: inout RandomGenerator) -> [[Int]] {
        source.batches(epoch: epoch, generator: &generator).map { batch in
            #expect(batch.x.scalars.enumerated().allSatisfy { $0.element == batch.y.scalars[$0.offset / 2] })
            return batch.y.scalars.map { Int($0) }
        }
    }

    @Test func everyEpochIsAFreshPermutationCutIntoBatches() {
        let source = indexed(10, batchSize: 4)
        var generator = RandomGenerator(seed: 11)
        let first = order(source, epoch: 0, &generator)
        let second = order(source, epoch: 1, &generator)
        for epoch in [first, second] {
            #expect(epoch.map(\.count) == [4, 4, 2])
            #expect(epoch.flatMap { $0 }.sorted() == Array(0..<10))
        }
        #expect(first.flatMap { $0 } != Array(0..<10), "not shuffled")
        #expect(first != second, "the same order twice")
        #expect(source.batchCount == 3 && source.sampleCount == 10)
    }

    @Test func theGeneratorStateBeforeAnEpochFixesItsOrder() {
        let source = indexed(10, batchSize: 3)
        var a = RandomGenerator(seed: 4), b = RandomGenerator(seed: 4)
        #expect(order(source, epoch: 0, &a) == order(source, epoch: 0, &b))
        #expect(a == b)
        #expect(a != RandomGenerator(seed: 4), "the shuffle drew nothing")
    }

    @Test func withoutShuffleTheOrderIsKeptAndNothingIsDrawn() {
        var generator = RandomGenerator(seed: 4)
        #expect(order(indexed(5, batchSize: 2, shuffle: false), epoch: 0, &generator) == [[0, 1], [2, 3], [4]])
        #expect(generator == RandomGenerator(seed: 4))
    }
}
