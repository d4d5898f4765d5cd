namespace Router.Persistence;

/// <summary>Turns a secret into a sealed text and back (at rest: the key ring; between nodes: the cluster secret).</summary>
public interface ISecretSealing
{
    string Seal(string plain);

    /// <exception cref="System.Security.Cryptography.CryptographicException">Sealed with a key this process does not have.</exception>
    string Unseal(string sealedValue);
}
