import Hummingbird

/// The demo page: one HTML file, its script and its style, compiled into the binary as strings
/// so that `mesoscope serve` works from any folder, offline, with nothing to install beside it.
enum Page {
    /// A file of the page and its media type.
    struct Asset: Sendable {
        let contentType: String
        let text: String

        var response: Response {
            Response(status: .ok, headers: [.contentType: contentType, .cacheControl: "no-cache"],
                     body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    static let html = Asset(contentType: "text/html; charset=utf-8", text: pageHTML)
    static let script = Asset(contentType: "text/javascript; charset=utf-8", text: pageScript)
    static let style = Asset(contentType: "text/css; charset=utf-8", text: pageStyle)
}
