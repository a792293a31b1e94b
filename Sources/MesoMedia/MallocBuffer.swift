import Foundation

/// Copies a byte buffer that a C shim allocated with `malloc` into an array, and frees it.
func adoptMallocBuffer(_ pointer: UnsafeMutablePointer<UInt8>, count: Int) -> [UInt8] {
    defer { free(pointer) }
    return Array(UnsafeBufferPointer(start: pointer, count: count))
}
