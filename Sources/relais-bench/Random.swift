import Foundation

/// Deterministic pseudo-random numbers: SplitMix64, seeded per record from (seed, record number)
/// so that record n is the same whatever the file layout or the number of records asked for.
struct BenchRandom {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    init(seed: UInt64, stream: UInt64) {
        state = seed &* 0x9E37_79B9_7F4A_7C15 ^ (stream &+ 0x632B_E59B_D9B4_E019) &* 0xBF58_476D_1CE4_E5B9
        _ = next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform in the closed range.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// Uniform pick.
    mutating func pick<T>(_ items: [T]) -> T {
        items[Int(next() % UInt64(items.count))]
    }
}

/// Items drawn with Zipf-like frequencies: the item of rank k (1-based, in list order) has
/// weight 1 / k^s, so a few words dominate and a long tail stays rare, as in real titles.
struct Zipf<T: Sendable>: Sendable {
    let items: [T]
    private let cumulative: [Double]

    init(_ items: [T], exponent s: Double = 1.0) {
        precondition(!items.isEmpty)
        self.items = items
        var total = 0.0
        var cumulative: [Double] = []
        cumulative.reserveCapacity(items.count)
        for rank in 1...items.count {
            total += 1.0 / pow(Double(rank), s)
            cumulative.append(total)
        }
        self.cumulative = cumulative.map { $0 / total }
    }

    func sample(_ random: inout BenchRandom) -> T {
        let u = random.unit()
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] < u { low = mid + 1 } else { high = mid }
        }
        return items[low]
    }

    /// `count` distinct items (by index), Zipf-weighted.
    func sample(distinct count: Int, _ random: inout BenchRandom) -> [T] where T: Equatable {
        var out: [T] = []
        var attempts = 0
        while out.count < min(count, items.count) && attempts < count * 20 {
            attempts += 1
            let item = sample(&random)
            if !out.contains(item) { out.append(item) }
        }
        return out
    }
}
