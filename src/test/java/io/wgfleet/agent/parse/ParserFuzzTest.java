package io.wgfleet.agent.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.wgfleet.agent.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Every parser of tool output, fed random text and mutations of the real outputs recorded
 * in the lab (fixtures/agent/lab): it answers a value or its own {@link ParseException},
 * never another exception; and a secret (a private or preshared key generated for the try,
 * put where {@code wg show all dump} prints them, or anywhere in other tools' output)
 * never reaches a parsed value of the dump nor any parser's error message.
 */
public class ParserFuzzTest {

    /** A parser under test: the text in, a value (its toString is searched for secrets) out. */
    @FunctionalInterface
    public interface Parser {
        Object parse(String text) throws ParseException;
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong INPUTS = new AtomicLong();
    private static final Path LAB = Path.of("src", "test", "resources", "fixtures", "agent", "lab");
    private static final Set<Integer> PORTS = Set.of(51820, 51821);

    public static final Map<String, Parser> PARSERS = Map.of(
            "wg", WgDumpParser::parse,
            "ip-addr", IpJsonParser::addresses,
            "ip-link", IpJsonParser::links,
            "ip-route", text -> IpJsonParser.routeGetBatch(List.of("10.77.0.1", "192.0.2.1"), text, ""),
            "nft-blocks", text -> NftRulesetParser.blockingRules(text, PORTS, "wgfleet_probe"),
            "nft-arrivals", text -> NftRulesetParser.arrivals(text, "wgfleet_probe"),
            "iptables", text -> IptablesSaveParser.parse(text, PORTS, "ip"),
            "proc-udp", text -> ProcNetUdpParser.parse(text, "/proc/net/udp"),
            "getent", GetentParser::addresses,
            "ping", PingParser::replied);

    /** Which recorded outputs each parser reads. */
    static List<String> fixturesOf(String parser) {
        String glob = switch (parser) {
            case "wg" -> "-wg-dump.txt";
            case "ip-addr" -> "-ip-addr.json";
            case "ip-link" -> "-ip-link.json";
            case "ip-route" -> "route-get-";
            case "nft-blocks", "nft-arrivals" -> "nft-";
            case "iptables" -> "save.txt";
            case "proc-udp" -> "proc-net-udp";
            case "getent" -> "getent-";
            default -> "ping-";
        };
        try (Stream<Path> files = Files.walk(LAB)) {
            List<String> out = files.filter(Files::isRegularFile).map(f -> LAB.relativize(f).toString())
                    .filter(f -> f.contains(glob) && (!parser.startsWith("nft") || f.endsWith(".json"))).sorted().toList();
            assertThat(out).as("recorded outputs for " + parser).isNotEmpty();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One edit of the input, at a position given as a fraction of its length. */
    public record Mutation(int kind, double at, double to, String token) {
        public String apply(String s) {
            int i = (int) (at * s.length());
            int j = Math.min(s.length(), i + (int) (to * Math.min(64, s.length() - i)));
            List<String> lines = new ArrayList<>(List.of(s.split("\n", -1)));
            int li = (int) (at * lines.size()) % Math.max(1, lines.size());
            int lj = (int) (to * lines.size()) % Math.max(1, lines.size());
            return switch (kind) {
                case 0 -> s.substring(0, i) + token + s.substring(i);
                case 1 -> s.substring(0, i) + s.substring(j);
                case 2 -> s.substring(0, i) + token + s.substring(j);
                case 3 -> s.substring(0, i);
                case 4 -> {
                    lines.add(li, lines.get(lj));
                    yield String.join("\n", lines);
                }
                case 5 -> {
                    String l = lines.get(li);
                    lines.set(li, lines.get(lj));
                    lines.set(lj, l);
                    yield String.join("\n", lines);
                }
                case 6 -> {
                    lines.remove(li);
                    yield String.join("\n", lines);
                }
                default -> s.substring(0, i) + (i < s.length() ? Character.toString(s.charAt(i) ^ (1 << (j % 7))) : "") + s.substring(Math.min(s.length(), i + 1));
            };
        }
    }

    static Arbitrary<String> tokens() {
        return Arbitraries.oneOf(
                Arbitraries.of("\t", "\n", "\r\n", " ", "(none)", "off", "0", "-1", "65536", "99999999999999999999", "1e309",
                        "{", "}", "[", "]", "\"", ":", ",", "null", "true", "\"\"", "{}", "[]", "*filter", "*nat", "COMMIT", ":INPUT ACCEPT [0:0]",
                        "-A INPUT", "--dport", "-j DROP", "0x", "0000000000000000", "/", "[::]", "::ffff:", "\u0000", "\u00e9", "\\", "'",
                        "sl  local_address rem_address   st", "0100007F:CA6C", "256.1.1.1", "10.0.0.0/33", "fe80::1%wg0",
                        "\"nftables\"", "\"rule\"", "\"expr\"", "\"match\"", "\"handle\"", "\"dport\"", "\"ifname\"", "\"mtu\"", "\"dst\"",
                        "PING ", "bytes from", "100% packet loss", "STREAM", "DGRAM"),
                Arbitraries.strings().ofMaxLength(12),
                Arbitraries.strings().withChars("0123456789abcdefABCDEF.:/\t\n ").ofMaxLength(20));
    }

    public static Arbitrary<Mutation> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 7), Arbitraries.doubles().between(0, 1),
                Arbitraries.doubles().between(0, 1), tokens()).as(Mutation::new);
    }

    @Provide
    Arbitrary<String> parserNames() {
        return Arbitraries.of(PARSERS.keySet().stream().sorted().toList());
    }

    @Provide
    Arbitrary<List<Mutation>> edits() {
        return mutations().list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<String> randomText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(400),
                tokens().list().ofMaxSize(60).map(l -> String.join("", l)));
    }

    @Property(tries = 2000)
    void randomTextGivesAValueOrAParseException(@ForAll("parserNames") String parser, @ForAll("randomText") String text) {
        String secret = key();
        int at = text.isEmpty() ? 0 : RANDOM.nextInt(text.length() + 1);
        check(parser, text.substring(0, at) + secret + text.substring(at), List.of(secret), false);
        check(parser, text, List.of(), false);
    }

    @Property(tries = 2000)
    void mutatedRecordedOutputGivesAValueOrAParseException(@ForAll("parserNames") String parser, @ForAll("edits") List<Mutation> edits) {
        List<String> files = fixturesOf(parser);
        String input = recorded(files.get(RANDOM.nextInt(files.size())));
        List<String> secrets = new ArrayList<>();
        if (parser.equals("wg")) {
            input = withSecrets(input, secrets);
        } else {
            secrets.add(key());
            int at = RANDOM.nextInt(input.length() + 1);
            input = input.substring(0, at) + secrets.get(0) + input.substring(at);
        }
        for (Mutation m : edits) {
            input = m.apply(input);
        }
        check(parser, input, secrets, parser.equals("wg"));
    }

    @Property(tries = 10)
    void everyRecordedOutputParses(@ForAll("parserNames") String parser) throws ParseException {
        for (String f : fixturesOf(parser)) {
            // getent-ahosts-missing holds only the exit code of a failed lookup, no output
            if (parser.equals("ip-route") || parser.equals("nft-arrivals") && !f.contains("probe-table") || f.contains("missing")) {
                continue;
            }
            INPUTS.incrementAndGet();
            assertThat(PARSERS.get(parser).parse(recorded(f))).as(f).isNotNull();
        }
    }

    /** A recorded output as the tool printed it: the getent captures end with the exit code the recording noted. */
    static String recorded(String file) {
        String text = Fixtures.lab(file);
        return file.startsWith("getent") ? text.replaceAll("(?m)^rc=\\d+\n?", "") : text;
    }

    @AfterContainer
    static void report() {
        System.out.println("[fuzz] parser inputs tried: " + INPUTS.get());
    }

    /**
     * The fixture's zeroed private keys and its preshared keys replaced by fresh secrets:
     * column 2 of interface lines, column 3 of peer lines.
     */
    public static String withSecrets(String dump, List<String> secrets) {
        StringBuilder out = new StringBuilder();
        String current = null;
        for (String line : dump.split("\n", -1)) {
            String[] c = line.split("\t", -1);
            if (c.length >= 5 && !c[0].equals(current)) {
                current = c[0];
                c[1] = key();
                secrets.add(c[1]);
            } else if (c.length >= 9 && !c[2].equals("(none)")) {
                c[2] = key();
                secrets.add(c[2]);
            }
            out.append(String.join("\t", c)).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    private static void check(String parser, String input, List<String> secrets, boolean valueMustHideSecrets) {
        INPUTS.incrementAndGet();
        try {
            Object value = PARSERS.get(parser).parse(input);
            if (valueMustHideSecrets) {
                assertNoSecret(parser + " value", String.valueOf(value), secrets);
            }
        } catch (ParseException e) {
            assertThat(e.getMessage()).isNotBlank().startsWith(e.source());
            assertNoSecret(parser + " error message", e.getMessage(), secrets);
        } catch (RuntimeException | StackOverflowError e) {
            // not chained: the cause's message could quote the input, secrets included
            throw new AssertionError(parser + " threw " + e.getClass().getName() + " (not its ParseException) at "
                    + Stream.of(e.getStackTrace()).limit(4).map(String::valueOf).toList() + ": " + redact(String.valueOf(e.getMessage()), secrets));
        }
    }

    public static void assertNoSecret(String what, String text, List<String> secrets) {
        for (String secret : secrets) {
            for (int i = 0; i + 12 <= secret.length(); i++) {
                if (text.contains(secret.substring(i, i + 12))) {
                    // never print the secret itself: say where, not what
                    throw new AssertionError(what + " contains a 12-character piece of a generated secret key (offset " + i + ")");
                }
            }
        }
    }

    private static String redact(String text, List<String> secrets) {
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, "<secret>");
        }
        return out;
    }

    static String key() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }
}
