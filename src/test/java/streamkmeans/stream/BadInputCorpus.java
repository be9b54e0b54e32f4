package streamkmeans.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bad-input corpus of {@code src/test/resources/bad-input}, read from its {@code manifest.json}
 * (the folder's README describes it): every case with its format, expected dead-letter reason and
 * record bytes, large records generated from their compact description.
 */
final class BadInputCorpus {

    /**
     * One bad record.
     *
     * @param name      {@code <reason>/<what is wrong>.<format>}; the file of a case that is not generated
     * @param format    {@code json} or {@code csv}
     * @param reason    the dead-letter reason it must get
     * @param jobStage  whether the job rejects it (it parses), rather than the parser
     * @param generated whether its value is generated from the manifest (no file)
     * @param value     the record value
     */
    record Case(String name, String format, DeadLetterReason reason, boolean jobStage, boolean generated,
            byte[] value) {
        boolean csv() {
            return "csv".equals(format);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static List<Case> cases;

    private BadInputCorpus() {
    }

    /** The corpus folder. */
    static Path root() {
        try {
            return Path.of(BadInputCorpus.class.getResource("/bad-input").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every case of the manifest, in its order (read once). */
    static synchronized List<Case> cases() {
        if (cases == null) {
            cases = read(root());
        }
        return cases;
    }

    /** The cases of one format, {@code json} or {@code csv}. */
    static List<Case> cases(String format) {
        return cases().stream().filter(c -> c.format().equals(format)).toList();
    }

    private static List<Case> read(Path root) {
        try {
            JsonNode manifest = new ObjectMapper().readTree(root.resolve("manifest.json").toFile());
            List<Case> out = new ArrayList<>();
            for (JsonNode c : manifest.path("cases")) {
                String name = c.path("case").asText();
                JsonNode generate = c.path("generate");
                byte[] value = generate.isMissingNode() ? Files.readAllBytes(root.resolve(name)) : generate(generate);
                out.add(new Case(name, c.path("format").asText(), DeadLetterReason.fromCode(c.path("reason").asText()),
                        "job".equals(c.path("stage").asText("parse")), !generate.isMissingNode(), value));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bad-input corpus", e);
        }
    }

    /** The bytes of {@code [[text, times], ...]}: each text repeated, in order. */
    private static byte[] generate(JsonNode parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (JsonNode part : parts) {
            byte[] text = part.get(0).asText().getBytes(StandardCharsets.UTF_8);
            for (int i = part.get(1).asInt(); i > 0; i--) {
                out.writeBytes(text);
            }
        }
        return out.toByteArray();
    }
}
