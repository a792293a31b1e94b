import Foundation
import MesoEngine
import MesoMedia
import MesoModels

/// Reads face crops into memory once per run, stretched to the network's 256×256 with Keras'
/// NEAREST rule as `predict` does, so epochs never touch the disk (2,000 crops take 390 MB).
public enum CropLoader {
    /// The decoded crops of `paths`, in order; files that fail to decode are left out and
    /// reported, each error naming its file.
    public static func load(_ paths: [String]) -> (images: [RGBImage?], failures: [MediaError]) {
        let side = MesoNet.inputSide
        var images = [RGBImage?](repeating: nil, count: paths.count)
        var errors = [MediaError?](repeating: nil, count: paths.count)
        images.withUnsafeMutableBufferPointer { imageSlots in
            errors.withUnsafeMutableBufferPointer { errorSlots in
                nonisolated(unsafe) let imageSlots = imageSlots
                nonisolated(unsafe) let errorSlots = errorSlots
                Parallelism.forEachChunk(paths.count) { range in
                    for index in range {
                        switch Result(catching: { () throws(MediaError) in try ImageDecoder.decode(contentsOf: paths[index]) }) {
                        case .success(let image):
                            imageSlots[index] = image.width == side && image.height == side
                                ? image : image.resizedNearest(width: side, height: side)
                        case .failure(let error):
                            errorSlots[index] = error
                        }
                    }
                }
            }
        }
        return (images, errors.compactMap { $0 })
    }
}
