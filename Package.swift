// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Relais",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "relais", targets: ["relais"]),
        .executable(name: "relais-bench", targets: ["relais-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // The HTTP server; its configuration-file support is not used, so that trait is off.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        // Already in the graph through Hummingbird; named so that our imports of them are declared.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // bcrypt for account passwords (HummingbirdBcrypt): the hash is not ours to write.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CCMark", pkgConfig: "libcmark", providers: [.apt(["libcmark-dev"])]),
        .systemLibrary(name: "CLibArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),

        .target(
            name: "RelaisCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(name: "RelaisText", swiftSettings: swiftSettings),
        // Shared by the test targets only (seeded generator for generated inputs).
        .target(name: "RelaisTestSupport", swiftSettings: swiftSettings),
        .target(name: "RelaisSQLite", dependencies: ["CSQLite"], swiftSettings: swiftSettings),
        .target(name: "RelaisStore", dependencies: ["RelaisCore", "RelaisSQLite", "RelaisText"], swiftSettings: swiftSettings),
        .target(name: "RelaisExport", dependencies: ["RelaisCore"], swiftSettings: swiftSettings),
        .target(
            name: "RelaisSearch",
            dependencies: ["RelaisCore", "RelaisText", "RelaisStore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RelaisIngest",
            dependencies: ["RelaisCore", "RelaisStore", "CLibXML2", "CCMark", "CLibArchive"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RelaisWorkflow",
            dependencies: ["RelaisCore", "RelaisStore", "RelaisIngest", "RelaisText"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RelaisAuth",
            dependencies: [
                "RelaisCore", "RelaisStore",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RelaisAPI",
            dependencies: [
                "RelaisCore", "RelaisStore", "RelaisSearch", "RelaisIngest", "RelaisExport", "RelaisAuth", "RelaisWorkflow",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            exclude: ["make-openapi.py"],
            resources: [.copy("Web"), .copy("openapi.json")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "relais",
            dependencies: [
                "RelaisCore", "RelaisStore", "RelaisIngest", "RelaisSearch", "RelaisAPI", "RelaisExport", "RelaisAuth", "RelaisWorkflow",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "relais-bench",
            dependencies: [
                "RelaisCore", "RelaisStore", "RelaisIngest", "RelaisSearch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "RelaisAPITests",
            dependencies: [
                "RelaisAPI", "RelaisStore", "RelaisIngest", "RelaisAuth", "RelaisWorkflow", "RelaisTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "RelaisCoreTests", dependencies: ["RelaisCore", "RelaisTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RelaisWorkflowTests",
            dependencies: ["RelaisWorkflow", "RelaisStore", "RelaisAuth", "RelaisIngest", "RelaisSQLite"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "RelaisExportTests", dependencies: ["RelaisExport", "RelaisIngest"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RelaisTextTests",
            dependencies: ["RelaisText", "RelaisTestSupport"],
            resources: [.copy("Golden")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "RelaisSearchTests", dependencies: ["RelaisSearch", "RelaisIngest", "RelaisTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "RelaisStoreTests", dependencies: ["RelaisStore", "RelaisText", "RelaisTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RelaisIngestTests",
            dependencies: ["RelaisIngest", "RelaisStore", "RelaisTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
