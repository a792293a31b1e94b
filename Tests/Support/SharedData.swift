import Foundation

/// Locates the read-only ground truth in `../shared`, beside the checkout.
///
/// Tests read weights, goldens and media from there at run time; none of it is committed.
/// `MESOSCOPE_SHARED` overrides the location.
public enum SharedData {
    /// The repository root, found from this file's own path.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let root: URL = {
        if let env = ProcessInfo.processInfo.environment["MESOSCOPE_SHARED"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    /// `shared/<relative>` as a file URL.
    public static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// `shared/<relative>` as a path string.
    public static func path(_ relative: String) -> String { url(relative).path }

    /// The four test images, as `folder/name.jpg` under `mesonet/test_images`.
    public static let testImages = ["df/df00204.jpg", "df/df01254.jpg", "real/real00240.jpg", "real/real00772.jpg"]

    /// The image's stem: `df/df00204.jpg` → `df00204`.
    public static func stem(_ image: String) -> String {
        URL(fileURLWithPath: image).deletingPathExtension().lastPathComponent
    }

    /// A fresh, empty scratch directory under the system temp folder.
    public static func scratchDirectory(_ label: String = "mesoscope-test") throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
