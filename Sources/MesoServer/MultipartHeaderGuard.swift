import Hummingbird

/// Refuses a form whose part header names hold a byte over 0x7F, before MultipartKit's parser
/// sees it: `MultipartParser` 4.7.1 looks such a byte up in a 128-entry table
/// (`isAllowedHeaderFieldNameCharacter`) and traps, so one small request would take the
/// whole server down. Found by the upload fuzzer (Fuzz/regressions/upload/).
///
/// The parser starts a part's headers only right after `--<boundary>\r\n`, and a new header name
/// only where a header value's `\r` is followed by `\n` (a lone `\n` stays in the value), so
/// this follows those places alone and lets every other byte through: file data, and UTF-8 in
/// header values (`filename="é.jpg"`), are never refused.
struct MultipartHeaderGuard {
    struct NonASCIIHeaderName: Error {}

    /// Outside the headers, in a header name, in a value, or just after a value's `\r`.
    private enum Place { case outside, name, value, valueEnd }

    private let delimiter: [UInt8]
    private var place = Place.outside
    /// The previous chunks' last bytes, for a delimiter split across chunks.
    private var carried: [UInt8] = []

    init(boundary: String) { delimiter = Array("--\(boundary)\r\n".utf8) }

    /// Reads the body's next chunk; throws at a header name's first byte over 0x7F.
    mutating func check(_ chunk: ByteBuffer) throws(NonASCIIHeaderName) {
        let bytes = carried + chunk.readableBytesView
        var index = carried.count
        while index < bytes.count {
            switch place {
            case .outside:
                guard let newline = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) else {
                    index = bytes.count
                    continue
                }
                if newline + 1 >= delimiter.count, bytes[(newline + 1 - delimiter.count)...newline].elementsEqual(delimiter) {
                    place = .name
                }
                index = newline + 1
            case .name:
                switch bytes[index] {
                case 0x80...: throw NonASCIIHeaderName()
                case UInt8(ascii: ":"): place = .value
                case UInt8(ascii: "\r"), UInt8(ascii: "\n"): place = .outside
                default: break
                }
                index += 1
            case .value:
                if bytes[index] == UInt8(ascii: "\r") { place = .valueEnd }
                index += 1
            case .valueEnd:
                place = bytes[index] == UInt8(ascii: "\n") ? .name : .outside
                index += 1
            }
        }
        carried = Array(bytes.suffix(delimiter.count - 1))
    }
}
