package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drift report as a person sees it: headless Chromium (Debian's {@code chromium}) opens the
 * page from a file, with the network off; the page must report no script error and every chart
 * canvas painted, and a screenshot is taken. Skipped, saying why, where Chromium is not installed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DriftReportBrowserTest {
    private static final String[] FLAGS = {"--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"};
    private static final Pattern BODY = Pattern.compile("<body([^>]*)>");

    private static Path chromium;

    @TempDir
    Path dir;

    @BeforeAll
    static void findChromium() {
        chromium = onPath("chromium", "chromium-browser");
        Assumptions.assumeTrue(chromium != null,
                "chromium is not installed (apt-get install chromium): the drift report was not checked in a browser");
    }

    @Test
    void rendersEveryChartWithoutScriptErrors() throws Exception {
        // Two keys: one in two dimensions, one in five (PCA) with a key that tries to break out of the page.
        String hostile = "</script><img src=x onerror=\"document.title='owned'\">";
        List<JsonNode> summaries = new ArrayList<>(SummaryFixtures.parse(SummaryFixtures.lines("sensor-7", 40, 4, 2, 25, 12)));
        summaries.addAll(SummaryFixtures.parse(SummaryFixtures.lines(hostile, 30, 3, 5, -1, -1)));
        Path page = dir.resolve("drift.html");
        DriftReport.write(page, summaries, "browser test", DriftReport.DEFAULT_MAX_KEYS);

        String dom = chromium("--dump-dom", page.toUri().toString());

        Matcher body = BODY.matcher(dom);
        assertTrue(body.find(), dom.length() > 2000 ? dom.substring(0, 2000) : dom);
        String errors = between(dom, "<div id=\"report-errors\" class=\"errors\"", "</div>");
        assertFalse(errors.contains("script error") || errors.contains("blocked"), "page reported: " + errors);
        assertEquals("10", attribute(body.group(1), "data-charts"), "canvases on the page: " + body.group(1));
        assertEquals("10", attribute(body.group(1), "data-rendered"), "painted canvases: " + body.group(1));
        assertFalse(dom.contains("<img"), "the hostile key stayed text");
        assertTrue(dom.contains("<title>streamkmeans drift report</title>"), "no script changed the title");

        Path shot = dir.resolve("shot.png");
        chromium("--screenshot=" + shot, "--window-size=1200,2000", "--hide-scrollbars", page.toUri().toString());

        assertTrue(Files.size(shot) > 20_000, "a screenshot with charts, not a blank page: " + Files.size(shot));
        byte[] magic = Arrays.copyOf(Files.readAllBytes(shot), 8);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, magic);
    }

    /** Runs Chromium on its own profile in the temp folder and returns its stdout. */
    private String chromium(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(chromium.toString());
        command.addAll(List.of(FLAGS));
        command.add("--user-data-dir=" + dir.resolve("profile"));
        command.addAll(List.of(args));
        Path stdout = dir.resolve("chromium.out");
        Path stderr = dir.resolve("chromium.err");
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 90 s: " + Files.readString(stderr));
        }
        assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(stderr));
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    private static Path onPath(String... names) {
        for (String dirName : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : names) {
                Path candidate = Path.of(dirName, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static String attribute(String attributes, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(attributes);
        return m.find() ? m.group(1) : null;
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertTrue(from >= 0, "no " + start + " in the page");
        return text.substring(from, text.indexOf(end, from));
    }
}
