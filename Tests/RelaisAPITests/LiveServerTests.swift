import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing

/// The real `relais` binary on a free port, over loopback: it imports the corpus into an
/// empty database, becomes ready, answers, and stops cleanly on SIGTERM.
@Suite struct LiveServerTests {
    /// The executable built beside this test bundle.
    static func binary() throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
        ].map { $0.appendingPathComponent("relais") }
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
                            "binaire relais introuvable près de \(CommandLine.arguments[0])")
    }

    final class Output: Sendable {
        let text = Mutex("")
        func append(_ data: Data) { text.withLock { $0 += String(decoding: data, as: UTF8.self) } }
        var value: String { text.withLock { $0 } }
    }

    func get(_ url: URL) async throws -> (Int, Data) {
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    @Test(.timeLimit(.minutes(2))) func binaryServesOverLoopbackAndStopsOnSIGTERM() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relais-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let process = Process()
        process.executableURL = try Self.binary()
        process.currentDirectoryURL = Fixture.root
        process.arguments = ["serve", "--port", "0", "--db", folder.appendingPathComponent("relais.sqlite").path, "--readers", "2"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = Output()
        pipe.fileHandleForReading.readabilityHandler = { handle in output.append(handle.availableData) }
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // The port, from the line the server logs once it listens.
        var base: URL?
        for _ in 0..<600 where base == nil {
            if let range = output.value.range(of: #"http://127\.0\.0\.1:[0-9]+/"#, options: .regularExpression) {
                base = URL(string: String(output.value[range]))
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let root = try #require(base, "le serveur n'a pas annoncé son port : \(output.value.suffix(500))")

        var ready = false
        for _ in 0..<600 where !ready {
            ready = (try? await get(root.appendingPathComponent("readyz")))?.0 == 200
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(ready, "jamais prêt : \(output.value.suffix(500))")
        #expect(output.value.contains("import terminé"))

        let (status, data) = try await get(URL(string: "api/v1/search?q=l%27ecole+d%27autrefois&size=3", relativeTo: root)!)
        #expect(status == 200)
        let body = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((body["total"] as? Int ?? 0) > 0)
        let (pageStatus, page) = try await get(root)
        #expect(pageStatus == 200)
        #expect(String(decoding: page, as: UTF8.self).contains("<html lang=\"fr\""))
        // Access log: one structured line per request, with its request id.
        #expect(output.value.contains(#""path":"/api/v1/search""#) && output.value.contains(#""request_id":"#))

        process.terminate() // SIGTERM
        for _ in 0..<200 where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning, "toujours en marche 10 s après SIGTERM")
        #expect(process.terminationReason == .exit && process.terminationStatus == 0,
                "arrêt : \(process.terminationReason) \(process.terminationStatus) \(output.value.suffix(300))")
        pipe.fileHandleForReading.readabilityHandler = nil
    }
}
