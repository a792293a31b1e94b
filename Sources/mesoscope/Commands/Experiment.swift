import ArgumentParser
import Foundation
import MesoscopeKit

/// `mesoscope experiment`: the write-up's experiments, rerun on any dataset.
struct Experiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reproduce the write-up's experiments on a dataset of face crops.",
        subcommands: [Table2.self]
    )

    struct Table2: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "table2",
            abstract: "Pretrained Meso-4 after 0, 15 and 100 epochs of frozen-convolution fine-tuning vs 15 epochs from scratch.",
            discussion: """
            Splits the crops 80/20 (seeded, stratified, grouped by video; a dataset's own test split wins), trains each \
            row with the write-up's recipe (writeup augmentation, Adam 0.005, MSE, batch 32, 5% validation) into OUT/<row>/, \
            scores its best weights on the test split, and prints the table of accuracy and AUC; OUT/table2.md and \
            OUT/table2.json keep it.
            """
        )

        @Option(help: "Labelled face crops.")
        var data: String

        @Option(help: "Output folder.")
        var out: String

        @Option(help: "The short runs' epochs.")
        var epochsShort: Int = 15

        @Option(help: "The long run's epochs.")
        var epochsLong: Int = 100

        @Option(help: "Random seed for the split and the runs.")
        var seed: UInt64 = 1

        @OptionGroup var threadOptions: ThreadOptions

        func run() throws {
            threadOptions.apply()
            let rows = try Table2Experiment.run(data: data, out: out, epochsShort: epochsShort, epochsLong: epochsLong, seed: seed)
            print(Table2Experiment.markdown(rows), terminator: "")
        }
    }
}
