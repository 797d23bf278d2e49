using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SwarmCoverage.Fuzz;

namespace SwarmCoverage.App.Tests.Fuzz;

/// <summary>
/// Every decoder and file reader (the fuzzing harness' targets, tests/SwarmCoverage.Fuzz) fed random and mutated inputs:
/// each is taken or refused with the entry point's own rejection, never another exception, never a non-finite value
/// taken (docs/fuzzing.md). The corpus and every crash AFL++ found are replayed by <see cref="FuzzCorpusTests"/>.
/// </summary>
public sealed class DecoderPropertyTests
{
    /// <summary>Tokens that break parsers: numbers at the edges, structure, encodings, NUL.</summary>
    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "-1", "0", "4294967295", "4294967296", "2147483648", "-2147483649", "1e309", "-1e309", "1e-320", "NaN", "inf", "-0",
            "1e-160", "1e160", "65535", "65536", "[", "]", "{", "}", ":", ",", "\n", "\r\n", "\"", "'", "&", "<", ">", "?",
            "*a", "&a ", "!!binary", "%YAML 1.2", "---", "...", "<!ENTITY x \"y\">", "&x;", "]]>", "P5", "P2", "\u00e9", "\uffff",
        }.Select(t => Encoding.UTF8.GetBytes(t)),
        [0], [0xff], [0x7f], [0x80], [0xff, 0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0x7f], [0, 0, 0, 0x80], [0, 0, 0xf0, 0x7f],
    ];

    private static readonly Dictionary<string, byte[][]> Corpus = FuzzCorpusTests.Corpus();

    /// <summary>The input of test <paramref name="seed"/> for <paramref name="target"/>: a mutated seed, or random bytes.</summary>
    internal static byte[] Input(string target, int seed)
    {
        var rng = new Random(seed);
        if (rng.Next(8) == 0)
        {
            var noise = new byte[rng.Next(0, 256)];
            rng.NextBytes(noise);
            return noise;
        }

        var seeds = Corpus[target];
        var data = new List<byte>(seeds[rng.Next(seeds.Length)]);
        int mutations = rng.Next(2) == 0 ? 1 : 1 + rng.Next(6); // half of them one mutation: most of those are still taken
        for (int m = 0; m < mutations; m++)
        {
            int at = data.Count == 0 ? 0 : rng.Next(data.Count);
            switch (rng.Next(7))
            {
                case 0 when data.Count > 0: data[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1 when data.Count > 0: data[at] = (byte)rng.Next(256); break;
                case 2: data.InsertRange(at, Tokens[rng.Next(Tokens.Length)]); break;
                case 3 when data.Count > 0: data.RemoveRange(at, Math.Min(data.Count - at, 1 + rng.Next(16))); break;
                case 4: data.RemoveRange(at, data.Count - at); break;
                case 5 when data.Count > 0:
                {
                    int len = Math.Min(data.Count - at, 1 + rng.Next(64));
                    data.InsertRange(rng.Next(data.Count), data.GetRange(at, len));
                    break;
                }
                default:
                    if (data.Count >= 4) // a 32-bit length or count, where CDR and MCAP keep them, set to an edge
                    {
                        int p = at & ~3;
                        if (p + 4 <= data.Count)
                        {
                            byte[] edge = Tokens[^(1 + rng.Next(4))];
                            for (int k = 0; k < 4; k++) data[p + k] = edge[k];
                        }
                    }

                    break;
            }
        }

        return [.. data];
    }

    [Property(MaxTest = 1000, Replay = "(20261207,15)")]
    public Property Every_decoder_takes_or_refuses_a_mutated_input_and_never_throws_anything_else()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            foreach (var (name, target) in FuzzTargets.All)
            {
                byte[] input = Input(name, seed);
                try
                {
                    _ = target(input);
                }
                catch (Exception e)
                {
                    Assert.Fail($"{name}, input {Convert.ToHexString(input)} (seed {seed}): {e}");
                }
            }
        });
    }

    [Fact]
    public void Mutated_inputs_reach_past_the_first_check_of_every_decoder()
    {
        // A property whose inputs were all refused at the first byte would prove little: most mutations of a seed must
        // still be taken by some decoders, and every decoder must refuse some.
        foreach (var (name, target) in FuzzTargets.All)
        {
            int taken = 0;
            const int Runs = 60;
            for (int seed = 0; seed < Runs; seed++)
                if (target(Input(name, seed))) taken++;
            Assert.True(taken > 0, $"{name}: none of {Runs} mutated inputs was taken; the last was refused: {FuzzTargets.LastRefusal}");
            if (name != "foxglove-client") // its refusals are status messages to the client, not a false return
                Assert.True(taken < Runs, $"{name}: all {Runs} mutated inputs were taken");
        }
    }
}
