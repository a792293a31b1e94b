import Foundation
import MesoData
@testable import MesoTraining
import Testing

/// Metrics on sets small enough to work out by hand; each expected value says how.
@Suite struct BinaryMetricsTests {
    /// `f` and `r` give the fakes' and reals' scores.
    func metrics(fake f: [Double], real r: [Double]) throws -> BinaryMetrics {
        try BinaryMetrics(f.map { (Label.fake, $0) } + r.map { (Label.real, $0) })
    }

    func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-12) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance
    }

    @Test func perfectSeparation() throws {
        let m = try metrics(fake: [0.9, 0.8], real: [0.2, 0.1])
        #expect(m.auc == 1 && m.eer == 0 && m.ap == 1)
        #expect(m.accuracy == 1 && m.accuracyReal == 1 && m.accuracyFake == 1)
        #expect(m.confusion == ConfusionMatrix(tp: 2, fp: 0, tn: 2, fn: 0))
    }

    /// Every fake below every real: AUC 0, and FPR = FNR = 1 at the point (1, 0). AP: recall
    /// reaches ½ at 0.2 with precision 1/3 and 1 at 0.1 with precision ½, so ½·⅓ + ½·½ = 5/12.
    @Test func allInverted() throws {
        let m = try metrics(fake: [0.1, 0.2], real: [0.8, 0.9])
        #expect(m.auc == 0 && m.eer == 1)
        #expect(close(m.ap, 5.0 / 12))
        #expect(m.accuracy == 0)
    }

    /// One tie group: the curve goes straight from (0, 0) to (1, 1), so AUC ½ and the EER is
    /// its midpoint; AP is the precision at full recall, ½. 0.5 is not > 0.5: all called real.
    @Test func allScoresTied() throws {
        let m = try metrics(fake: [0.5, 0.5], real: [0.5, 0.5])
        #expect(m.auc == 0.5 && m.eer == 0.5 && m.ap == 0.5)
        #expect(m.accuracy == 0.5 && m.accuracyReal == 1 && m.accuracyFake == 0)
        #expect(try m.rocCurve() == [ROCPoint(fpr: 0, tpr: 0, threshold: .infinity), ROCPoint(fpr: 1, tpr: 1, threshold: 0.5)])
    }

    /// Fakes 0.8, 0.5; reals 0.5, 0.2. Pairs (fake, real): 0.8>0.5, 0.8>0.2, 0.5=0.5 (½),
    /// 0.5>0.2, so AUC = 3.5/4 = 0.875. ROC: (0,0) → (0,½) at 0.8 → (½,1) at the tie → (1,1).
    /// FPR − FNR is −½ at (0,½) and +½ at (½,1): the crossing is halfway along that diagonal
    /// segment, FPR = FNR = ¼. AP: recall ½ at precision 1, then recall 1 at precision ⅔:
    /// ½ + ⅓ = ⅚.
    @Test func mixedTie() throws {
        let m = try metrics(fake: [0.8, 0.5], real: [0.5, 0.2])
        #expect(m.auc == 0.875)
        #expect(close(m.eer, 0.25))
        #expect(close(m.ap, 5.0 / 6))
        #expect(try m.rocCurve().map(\.threshold) == [.infinity, 0.8, 0.5, 0.2])
    }

    /// Labels fake, real, fake, real with scores 0.9, 0.8, 0.7, 0.1: AP = ½·1 + ½·⅔ = ⅚;
    /// AUC: 0.9 beats both reals, 0.7 beats only 0.1, so ¾. ROC (0,0) (0,½) (½,½) (½,1) (1,1):
    /// FPR = FNR = ½ exactly at (½,½), the EER.
    @Test func averagePrecisionAndEERByHand() throws {
        let m = try BinaryMetrics([(.fake, 0.9), (.real, 0.8), (.fake, 0.7), (.real, 0.1)])
        #expect(close(m.ap, 5.0 / 6))
        #expect(m.auc == 0.75 && m.eer == 0.5)
        let roc = try m.rocCurve()
        #expect(roc.map(\.fpr) == [0, 0, 0.5, 0.5, 1] && roc.map(\.tpr) == [0, 0.5, 0.5, 1, 1])
        #expect(roc.map(\.threshold) == [.infinity, 0.9, 0.8, 0.7, 0.1])
    }

    /// Fakes 0.9, 0.6; reals 0.7, 0.2, 0.1. ROC (0,0) (0,½) (⅓,½) (⅓,1) (⅔,1) (1,1):
    /// FPR − FNR goes −⅙ at (⅓,½) to +⅓ at (⅓,1), a vertical segment at FPR ⅓, so EER = ⅓.
    @Test func equalErrorRateOnAVerticalSegment() throws {
        let m = try metrics(fake: [0.9, 0.6], real: [0.7, 0.2, 0.1])
        #expect(close(m.eer, 1.0 / 3))
        #expect(close(m.auc, 5.0 / 6))   // 0.9 beats 3 reals, 0.6 beats 2: 5 of 6 pairs
    }

    /// p_fake exactly 1.0 (MesoInception's saturated output) is clipped to 1 − 1e-7, then the
    /// real's loss is −log(1 − clipped), as Keras computes it (1 − (1 − 1e-7) is not exactly 1e-7).
    @Test func logLossClipsSaturatedScores() throws {
        let m = try metrics(fake: [1.0], real: [1.0])
        #expect(m.logLoss.isFinite)
        #expect(close(m.logLoss, (-log(1 - 1e-7) - log(1 - (1 - 1e-7))) / 2))
        #expect(m.logLoss > 8 && m.logLoss < 8.1)
        let plain = try metrics(fake: [0.8], real: [0.4])
        #expect(close(plain.logLoss, (-log(0.8) - log(0.6)) / 2))
    }

    /// Threshold 0.5, fake iff p_fake > 0.5: fakes 0.9, 0.6 right and 0.4 wrong; reals 0.1
    /// right and 0.7 wrong.
    @Test func accuracyPerClass() throws {
        let m = try metrics(fake: [0.9, 0.4, 0.6], real: [0.1, 0.7])
        #expect(m.nFake == 3 && m.nReal == 2)
        #expect(m.confusion == ConfusionMatrix(tp: 2, fp: 1, tn: 1, fn: 1))
        #expect(m.accuracy == 0.6 && close(m.accuracyFake, 2.0 / 3) && m.accuracyReal == 0.5)
    }

    @Test func oneClassKeepsAccuracyAndExplainsTheMissingRanking() throws {
        let m = try metrics(fake: Array(repeating: 0.9, count: 12), real: [])
        let error = EvaluationError.singleClass(.fake, count: 12, level: .frame)
        #expect(m.ranking == .failure(error))
        #expect(error.description == "only fake faces (12): AUC, EER and AP need both classes")
        #expect(m.auc == nil && m.eer == nil && m.ap == nil)
        #expect(throws: error) { try m.rocCurve() }
        #expect(m.accuracy == 1 && m.accuracyFake == 1 && m.accuracyReal == nil)
        let reals = try metrics(fake: [], real: [0.3])
        #expect("\(try #require(reals.ranking.failure))" == "only real faces (1): AUC, EER and AP need both classes")
    }

    @Test func emptySetsAndNonProbabilitiesAreErrors() {
        #expect(throws: EvaluationError.empty(.frame)) { try BinaryMetrics([]) }
        #expect(throws: EvaluationError.invalidScore(index: 1, value: 1.5)) { try metrics(fake: [0.2, 1.5], real: [0.1]) }
        #expect(throws: EvaluationError.self) { try metrics(fake: [.nan], real: [0.1]) }
    }

    /// Videos a (fake: 0.9, 0.7 → 0.8), b (real: 0.2, 0.4 → 0.3), c (real: 0.6); the face
    /// without a video is skipped. c's mean is > 0.5, so 2 of 3 right; 0.8 tops both reals: AUC 1.
    @Test func videoLevelAveragesEachVideosFaces() throws {
        let faces = [ScoredFace(label: .fake, pFake: 0.9, videoID: "a"), ScoredFace(label: .real, pFake: 0.2, videoID: "b"),
                     ScoredFace(label: .fake, pFake: 0.7, videoID: "a"), ScoredFace(label: .real, pFake: 0.6, videoID: "c"),
                     ScoredFace(label: .real, pFake: 0.4, videoID: "b"), ScoredFace(label: .fake, pFake: 0.1)]
        let videos = try VideoLevel.scores(faces)
        #expect(videos.map(\.videoID) == ["a", "b", "c"] && videos.map(\.faces) == [2, 2, 1])
        #expect(close(videos[0].pFake, 0.8) && close(videos[1].pFake, 0.3) && videos[2].pFake == 0.6)
        let m = try #require(try VideoLevel.metrics(faces))
        #expect(m.level == .video && m.nFake == 1 && m.nReal == 2)
        #expect(close(m.accuracy, 2.0 / 3) && m.auc == 1)

        let mixed = faces + [ScoredFace(label: .real, pFake: 0.5, videoID: "a")]
        #expect(throws: EvaluationError.inconsistentVideoLabel(videoID: "a")) { try VideoLevel.metrics(mixed) }
        #expect(try VideoLevel.metrics(faces.map { ScoredFace(label: $0.label, pFake: $0.pFake) }) == nil)
        let oneVideo = try #require(try VideoLevel.metrics(faces.filter { $0.videoID == "a" }))
        #expect("\(try #require(oneVideo.ranking.failure))".hasPrefix("only fake videos (1)"))
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

@Suite struct EvaluationReportTests {
    /// Two videos, one face each, perfectly separated, and a photo (no video id).
    let faces = [ScoredFace(label: .fake, pFake: 0.75, videoID: "v1"), ScoredFace(label: .real, pFake: 0.25, videoID: "v2"),
                 ScoredFace(label: .real, pFake: 1.0)]

    @Test func jsonKeepsTheDocumentedKeyOrder() throws {
        let report = try EvaluationReport(faces: faces)
        let frameLoss = report.frame.logLoss, videoLoss = try #require(report.video).logLoss
        // Frame: the photo's 1.0 is a real called fake: acc ⅔, acc_real ½; AUC: 0.75 beats 0.25 only.
        let frame = #"{"n_real":2,"n_fake":1,"acc":\#(2.0 / 3),"acc_real":0.5,"acc_fake":1.0,"auc":0.5,"eer":0.5,"ap":0.5,"log_loss":\#(frameLoss)}"#
        let video = #"{"n_real":1,"n_fake":1,"acc":1.0,"acc_real":1.0,"acc_fake":1.0,"auc":1.0,"eer":0.0,"ap":1.0,"log_loss":\#(videoLoss)}"#
        #expect(report.jsonObject.serialized() == #"{"frame":\#(frame),"video":\#(video)}"#)
        #expect(videoLoss == -log(0.75))
        let pretty = report.jsonObject.serialized(pretty: true)
        #expect(pretty.hasPrefix("{\n  \"frame\": {\n    \"n_real\": 2,\n    \"n_fake\": 1,"))
        #expect(try JSONSerialization.jsonObject(with: Data(pretty.utf8)) is [String: Any])
    }

    @Test func undefinedMetricsAreNull() throws {
        let photos = try EvaluationReport(faces: [ScoredFace(label: .fake, pFake: 0.9)])
        let json = photos.jsonObject.serialized()
        #expect(json.hasPrefix(#"{"frame":{"n_real":0,"n_fake":1,"acc":1.0,"acc_real":null,"acc_fake":1.0,"auc":null,"eer":null,"ap":null,"log_loss":"#))
        #expect(json.hasSuffix(#"},"video":null}"#))
        #expect(JSONValue.object([("nan", .number(.nan)), ("a\"\n", .integer(-3))]).serialized() == #"{"nan":null,"a\"\n":-3}"#)
    }

    @Test func markdownHasOneRowPerLevelAndSaysWhyARankingIsMissing() throws {
        let report = try EvaluationReport(faces: faces + [ScoredFace(label: .fake, pFake: 0.5, videoID: "v1"),
                                                          ScoredFace(label: .fake, pFake: 0.9, videoID: "v3")])
        let lines = report.markdown.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "| level | n_real | n_fake | acc | acc_real | acc_fake | AUC | EER | AP | log loss |")
        #expect(lines[2].hasPrefix("| frame | 2 | 3 | 0.6000 | 0.5000 | 0.6667 | "))
        #expect(lines[3].hasPrefix("| video | 1 | 2 | 1.0000 | 1.0000 | 1.0000 | 1.0000 | 0.0000 | 1.0000 | "))
        let oneClass = try EvaluationReport(faces: [ScoredFace(label: .real, pFake: 0.2, videoID: "v")])
        #expect(oneClass.markdown.contains("| frame | 1 | 0 | 1.0000 | 1.0000 | – | – | – | – | "))
        #expect(oneClass.markdown.hasSuffix("\nvideo level: only real videos (1): AUC, EER and AP need both classes\n"))
    }
}
