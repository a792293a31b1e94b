import Foundation
import MesoTestSupport
import Testing

/// The release binary must run on a CPU without AVX-512: only the kernels that `CKernels`
/// chooses at run time may use 512-bit or mask registers, and the AVX2 path, forced with
/// `MESOSCOPE_NO_AVX512`, must give the Keras scores too.
@Suite struct InstructionSetTests {
    /// Names of the functions in `binary` whose code touches zmm or AVX-512 mask registers.
    static func functionsUsingAVX512(_ binary: String) throws -> Set<String> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["objdump", "-d", "--no-show-raw-insn", binary]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        var functions = Set<String>(), current = ""
        for line in text.split(separator: "\n") {
            if line.hasSuffix(">:"), let open = line.firstIndex(of: "<") {
                current = String(line[line.index(after: open)..<line.index(line.endIndex, offsetBy: -2)])
            } else if line.contains("%zmm") || line.contains("%k1") || line.contains("{%k") {
                functions.insert(current)
            }
        }
        return functions
    }

    @Test(.enabled(if: CPUArchitecture.isX86_64)) func onlyRunTimeChosenKernelsUseAVX512() throws {
        let binary = CommandRunner.productsFolder.appendingPathComponent("mesoscope").path
        let functions = try Self.functionsUsingAVX512(binary)
        #expect(functions.contains("mk_conv_row_avx512"), "the AVX-512 kernels are linked in")
        #expect(functions.allSatisfy { $0.hasSuffix("_avx512") }, "\(functions.sorted())")
    }

    @Test(arguments: ["meso4", "mesoinception4"])
    func avx2PathGivesTheSameScores(model: String) throws {
        let folder = SharedData.path("mesonet/test_images")
        var scores: [[Double]] = []
        for extra in [[:], ["MESOSCOPE_NO_AVX512": "1"]] {
            let run = try CommandRunner.mesoscope(["predict", "--json", "--model", model, folder],
                                                  environment: ["MESOSCOPE_WEIGHTS": SharedData.path("mesonet/weights")].merging(extra) { $1 })
            #expect(run.status == 0, "\(run.stderr)")
            scores.append(run.stdout.split(separator: "\n").map { line in
                let row = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
                return row?["p_fake"] as? Double ?? -1
            })
        }
        #expect(scores[0].count == 4 && scores[1].count == 4)
        #expect(zip(scores[0], scores[1]).allSatisfy { abs($0 - $1) <= 1e-5 }, "\(scores)")
        #expect(scores[0].allSatisfy { (0...1).contains($0) })
    }
}

enum CPUArchitecture {
    static var isX86_64: Bool {
        #if arch(x86_64)
        true
        #else
        false
        #endif
    }
}
