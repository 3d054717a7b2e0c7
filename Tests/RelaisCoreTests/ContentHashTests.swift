import Testing
import RelaisCore

/// The content hash is stored: it must stay SHA-256(salt NUL bytes) whatever the input's storage.
@Suite struct ContentHashTests {
    @Test func knownDigestForContiguousAndOtherInput() {
        let expected = "086e366b9ea19a30a3c7962289e0de467b917839a49342edb536e8c3c1b8b805"
        let text = "<lom>é</lom>"
        #expect(ContentHash.hex(text.utf8, salt: "relais-mappers-1") == expected)
        #expect(ContentHash.hex(Array(text.utf8), salt: "relais-mappers-1") == expected)
        // Not contiguous: goes through the copying path.
        #expect(ContentHash.hex(text.utf8.lazy.map { $0 }, salt: "relais-mappers-1") == expected)
        // A bridged or substring-backed salt gives the same bytes too.
        let salt = "xrelais-mappers-1".dropFirst()
        #expect(ContentHash.hex(text.utf8, salt: String(salt)) == expected)
        #expect(ContentHash.hex([UInt8](), salt: "") == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    }
}
