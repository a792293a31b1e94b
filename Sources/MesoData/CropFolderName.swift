extension CropRecord {
    /// The folder, under a crops folder, that holds a video's crops: its video id made safe to
    /// use as one path component.
    ///
    /// Video ids come from file names and metadata keys that anyone writes. Used as they are,
    /// `..` or `a/b` would put crops outside the folder, and `manifest.jsonl` would turn the
    /// manifest into a folder. So `%`, `/` and NUL are percent-encoded, and so is the first
    /// character of an id that starts with a dot (`.`, `..`, the lock file, hidden files) or is
    /// one of the folder's own file names. Encoding `%` keeps the map one-to-one, so two ids never
    /// share a folder, and ordinary ids (`aaa`, `071_054`) are their own folder's name.
    /// `videoID` must not be empty (``CropManifest/writeCrop(_:videoID:frame:track:)`` refuses it).
    public static func folderName(videoID: String) -> String {
        precondition(!videoID.isEmpty, "a video id names its crops' folder, so it cannot be empty")
        var name = ""
        for (index, scalar) in videoID.unicodeScalars.enumerated() {
            let reservedStart = index == 0 && (scalar == "." || reservedNames.contains(videoID))
            if reservedStart || scalar == "%" || scalar == "/" || scalar == "\0" {
                for byte in String(scalar).utf8 { name += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true) }
            } else {
                name.unicodeScalars.append(scalar)
            }
        }
        return name
    }

    /// The files a crops folder keeps beside its video folders.
    private static let reservedNames: Set<String> = [CropManifest.fileName, PreparedCache.logFileName]
}
