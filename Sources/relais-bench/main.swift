import ArgumentParser

struct RelaisBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relais-bench",
        abstract: "Benchmarks for Relais: synthetic LOM corpus generator and import benchmark.",
        subcommands: [GenerateCommand.self, ImportBenchCommand.self, PhasesCommand.self]
    )
}

RelaisBench.main()
