#if os(Linux)
import Glibc
#endif

/// Keeps glibc's allocator from returning activation buffers to the kernel between layers.
///
/// Every layer allocates its output: 0.5–2 MB per image at inference, up to 67 MB per tensor
/// for a training batch of 32. By default glibc serves blocks this size with fresh `mmap`s or
/// trims the heap after they are freed, so each pass pays page faults and page zeroing on every
/// buffer; measured here, that cost a third of the inference throughput on one thread and about
/// 15% of a training step. Serving blocks up to 256 MB from the heap and trimming only past
/// 1 GB keeps the pages mapped and reused. Applied once, on the first forward pass. Other
/// platforms' allocators need nothing.
enum AllocatorTuning {
    static let applied: Bool = {
        #if os(Linux)
        // mallopt is not in Swift's Glibc module; look it up by name. M_TRIM_THRESHOLD = -1,
        // M_MMAP_THRESHOLD = -3 (malloc.h).
        typealias MalloptFunction = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: MalloptFunction.self)
        return mallopt(-3, 256 << 20) == 1 && mallopt(-1, 1 << 30) == 1
        #else
        return true
        #endif
    }()
}
