import ArgumentParser

struct RelaisBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relais-bench",
        abstract: "Benchmarks for Relais: synthetic LOM corpus generator, import and search benchmarks.",
        subcommands: [GenerateCommand.self, ImportBenchCommand.self, PhasesCommand.self, SearchBenchCommand.self,
                      ParseBenchCommand.self, StoreBenchCommand.self]
    )
}

RelaisBench.main()
