using System.Security.Cryptography;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// Docker-style generated names, <c>adjective_surname</c> (surnames of scientists and engineers). Our own word lists.
/// A name already taken gets a number suffix after a few tries, as Docker does.
/// </summary>
public static class NameGenerator
{
    private static readonly string[] Adjectives =
    [
        "agile", "amazing", "bold", "brave", "bright", "calm", "careful", "cheerful", "clever", "curious",
        "daring", "dazzling", "eager", "elated", "elegant", "epic", "fearless", "fervent", "focused", "friendly",
        "gallant", "gentle", "glad", "graceful", "happy", "hardy", "honest", "hopeful", "humble", "jolly",
        "keen", "kind", "lively", "loyal", "lucid", "merry", "mindful", "modest", "nimble", "noble",
        "patient", "peaceful", "plucky", "polite", "proud", "quick", "quiet", "radiant", "serene", "sharp",
        "sincere", "steady", "stoic", "swift", "tender", "thoughtful", "tidy", "upbeat", "vibrant", "vigilant",
        "warm", "wise", "witty", "zealous",
    ];

    private static readonly string[] Surnames =
    [
        "agnesi", "babbage", "bardeen", "bohr", "boole", "cerf", "chandrasekhar", "curie", "dijkstra", "euclid",
        "euler", "faraday", "fermat", "feynman", "franklin", "gauss", "germain", "goodall", "hamilton", "hawking",
        "hodgkin", "hopper", "hypatia", "johnson", "kepler", "knuth", "kowalevski", "lamarr", "leavitt", "liskov",
        "lovelace", "maxwell", "meitner", "mendel", "mirzakhani", "newton", "noether", "pascal", "pasteur", "planck",
        "ramanujan", "ritchie", "sammet", "shannon", "somerville", "tesla", "thompson", "torvalds", "turing", "volta",
        "wiles", "wozniak", "wu", "yalow", "yonath",
    ];

    /// <summary>A name for which <paramref name="isTaken"/> is false.</summary>
    public static string Generate(Func<string, bool> isTaken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var name = $"{Pick(Adjectives)}_{Pick(Surnames)}";
            if (attempt >= 10) name += RandomNumberGenerator.GetInt32(10);
            if (!isTaken(name)) return name;
        }
    }

    private static string Pick(string[] words) => words[RandomNumberGenerator.GetInt32(words.Length)];
}
