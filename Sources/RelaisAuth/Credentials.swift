import Crypto
import Foundation
import HummingbirdBcrypt
import RelaisCore
import RelaisStore

/// Passwords and bearer tokens. bcrypt comes from HummingbirdBcrypt, randomness and SHA-256
/// from swift-crypto: nothing cryptographic is written here.
public enum Credentials {
    /// bcrypt cost of new password hashes (2^12 rounds, ~0.25 s on this machine); tests lower it.
    public static let defaultCost: UInt8 = 12

    public static let minimumPasswordLength = 10
    public static let maximumPasswordBytes = 72  // bcrypt ignores what follows

    public static func hashPassword(_ password: String, cost: UInt8 = defaultCost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    public static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }

    /// A hash nobody's password matches, verified when the e-mail is unknown so that a
    /// login takes as long for an unknown address as for a wrong password.
    public static let decoyHash = Bcrypt.hash("relais-decoy-\(UUID().uuidString)", cost: defaultCost)

    /// Why a password is not acceptable, or nil.
    public static func passwordProblem(_ password: String) -> String? {
        if password.count < minimumPasswordLength {
            return "le mot de passe doit compter au moins \(minimumPasswordLength) caractères"
        }
        if password.utf8.count > maximumPasswordBytes {
            return "le mot de passe ne peut dépasser \(maximumPasswordBytes) octets"
        }
        return nil
    }

    /// A new token: "rls_" + base64url of 32 random bytes, and the SHA-256 (hex) we store.
    public static func newToken() -> (token: String, hash: String) {
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Data($0) }
        let token = "rls_" + bytes.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return (token, tokenHash(token))
    }

    public static func tokenHash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether a string can be one of our tokens at all (cheap check before any lookup).
    public static func looksLikeToken(_ token: String) -> Bool {
        token.hasPrefix("rls_") && token.utf8.count == 47
            && token.utf8.dropFirst(4).allSatisfy { $0 == 0x2D || $0 == 0x5F || (0x30...0x39).contains($0)
                || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
    }

    /// Checks e-mail and password; the account on success. Disabled and erased accounts
    /// cannot log in.
    public static func authenticate(email: String, password: String, store: Store) throws -> Account? {
        guard let (account, hash) = try store.credentials(email: email) else {
            _ = verify(password, hash: decoyHash)
            return nil
        }
        guard verify(password, hash: hash), !account.disabled, account.erasedAt == nil else { return nil }
        return account
    }

    /// Issues a token for an account, valid `days`.
    public static func issueToken(for account: Account, days: Int, label: String?, store: Store, actor: String)
        throws -> (token: String, id: Int64, expiresAt: Date) {
        let (token, hash) = newToken()
        let expires = Date().addingTimeInterval(Double(days) * 86_400)
        let id = try store.insertToken(accountID: account.id, hash: hash, label: label, expiresAt: expires, actor: actor)
        return (token, id, expires)
    }
}
