import MesoData

extension VideoAnalysis {
    /// "fake" or "real" by the p_fake under `aggregate` against `threshold`; "no_face" when no face was found.
    public func verdict(_ aggregate: Aggregate, threshold: Double) -> String {
        pFake(aggregate).map { Verdict(pFake: $0, threshold: threshold).rawValue } ?? "no_face"
    }

    /// The object `mesoscope detect --json` prints for this input, in the README's key order.
    ///
    /// The CLI and the HTTP API both answer with this one object, so a script written against
    /// either reads the other. `path` replaces the analysed file's path: the server names an
    /// upload by what the client called it, not by its temporary file.
    public func detectJSON(aggregate: Aggregate, threshold: Double, path: String? = nil) -> JSONValue {
        .object([
            ("path", .string(path ?? self.path)),
            ("frames_total", .integer(summary.framesTotal)),
            ("frames_analyzed", .integer(summary.framesAnalyzed)),
            ("fps", .number(orNull: summary.fps)),
            ("duration_s", .number(orNull: summary.duration)),
            ("width", .integer(summary.width)),
            ("height", .integer(summary.height)),
            ("rotation", .integer(summary.rotation)),
            ("faces_found", .integer(facesFound)),
            ("p_fake", .number(orNull: pFake(aggregate))),
            ("verdict", .string(verdict(aggregate, threshold: threshold))),
            ("aggregate", .string(aggregate.rawValue)),
            ("scores", .object(Aggregate.allCases.map { ($0.rawValue, .number(orNull: pFake($0))) })),
            ("tracks", .array(score.tracks.map { track in
                .object([("id", .integer(track.id)), ("p_fake", .number(track.pFake[aggregate]!)),
                         ("n_faces", .integer(track.faceCount)), ("counted", .bool(track.counted))])
            })),
            ("frames", .array(frames.map { frame in
                .object([("index", .integer(frame.index)), ("time_s", .number(frame.time)),
                         ("faces", .array(frame.faces.map { face in
                             .object([("box", .array([face.box.x, face.box.y, face.box.width, face.box.height].map { .integer($0) })),
                                      ("track", .integer(face.track)), ("p_fake", .number(face.score.pFake))])
                         }))])
            })),
        ])
    }
}
