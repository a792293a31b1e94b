import Foundation
import MesoData
import MesoTestSupport
import Testing

@Suite struct FolderLockTests {
    @Test func aSecondWriterIsRefusedWithTheHoldersPidUntilTheLockIsReleased() throws {
        let folder = try SharedData.scratchDirectory("lock").appendingPathComponent("run").path
        var first: FolderLock? = try FolderLock(folder: folder)
        #expect(FileManager.default.fileExists(atPath: "\(folder)/\(FolderLock.fileName)"), "the lock makes its folder")
        let error = try #require(throws: FolderLockError.self) { try FolderLock(folder: folder) }
        #expect(error.code == .busy && error.holder == getpid())
        #expect(error.description.hasPrefix("\(folder): in use by another mesoscope process (pid \(getpid()))"))
        withExtendedLifetime(first) {}
        first = nil
        _ = try FolderLock(folder: folder)
    }
}
